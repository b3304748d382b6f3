import type { ColumnType, Generated } from 'kysely';

/** Table types, written by hand next to the SQL migrations they mirror. */
export interface Database {
  reorg_order: ReorgOrderTable;
  unit: UnitTable;
  unit_version: UnitVersionTable;
  unit_tree: UnitTreeTable;
  unit_lineage: UnitLineageTable;
  reorg_order_unit: ReorgOrderUnitTable;
  unit_rollup: UnitRollupTable;
  app_user: AppUserTable;
  role: RoleTable;
  role_grant: RoleGrantTable;
  user_session: UserSessionTable;
  api_token: ApiTokenTable;
  audit_event: AuditEventTable;
  audit_head: { only_row: Generated<boolean>; seq: number; hash: Buffer };
  member: MemberTable;
  member_event: MemberEventTable;
  member_span: MemberSpanTable;
  member_period: MemberPeriodTable;
  import_mapping_template: ImportMappingTemplateTable;
}

/** The member registry (0005_members.sql); the members module writes it with SQL of its own. */
export interface MemberTable {
  id: Generated<number>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MemberEventTable {
  id: Generated<number>;
  member_id: number;
  type: string;
  event_date: string;
  unit_id: number | null;
  details: ColumnType<Record<string, unknown>, string, string>;
  decision_number: string | null;
  decision_date: string | null;
  decided_by: string | null;
  note: string | null;
  rule_set: string;
  recorded_at: Timestamp;
  recorded_by: string;
  order_id: number | null;
  corrects_event_id: number | null;
  corrected_at: NullableTimestamp;
  correction_reason: string | null;
}

export interface MemberSpanTable {
  member_id: number;
  valid: string;
  status: string;
  unit_id: number | null;
  exit_reason: string | null;
  exempted: boolean;
  suspended: boolean;
  transfer_to_unit_id: number | null;
  host_unit_id: number | null;
  /** The member's record as it now reads, copied by a trigger (0019_member_span_counted.sql). */
  sex: Generated<string | null>;
  birth_year: Generated<number | null>;
  ethnicity: Generated<string | null>;
  religion: Generated<string | null>;
}

/** A member's span cut by their record versions, kept by triggers (0021_member_period.sql, 0024); read only. */
export interface MemberPeriodTable {
  member_id: number;
  valid: string;
  unit_id: number | null;
  status: string;
  sex: string | null;
  /** The record's search_text (names folded), in collation "C". */
  name: string;
  /** The record lacks a built-in field the work list asks for. */
  incomplete: boolean;
  /** What a list row shows, copied from the span, the record and the member (0024_member_period_shown.sql). */
  full_name: string;
  birth_date: string | null;
  exit_reason: string | null;
  exempted: boolean;
  suspended: boolean;
  transfer_to_unit_id: number | null;
  version: number;
}

/** A timestamptz the database fills in (now()) unless given. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface ReorgOrderTable {
  id: Generated<number>;
  status: 'draft' | 'applied';
  effective_date: string;
  title: Generated<string>;
  decision_number: string | null;
  decision_date: string | null;
  issued_by: string | null;
  note: string | null;
  operations: ColumnType<unknown[], string, string>;
  result: ColumnType<unknown, string | null, string | null> | null;
  reverses_order_id: number | null;
  reversed_by_order_id: number | null;
  created_by: number | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  applied_at: NullableTimestamp;
}

export interface UnitTable {
  id: Generated<number>;
  created_at: Timestamp;
}

export interface UnitVersionTable {
  id: Generated<number>;
  unit_id: number;
  /** A daterange literal such as `[2020-01-01,)`. */
  valid: string;
  code: string;
  name: string;
  kind: string;
  parent_id: number | null;
  attributes: ColumnType<Record<string, unknown>, string, string>;
  order_id: number;
  recorded_at: Timestamp;
  superseded_at: NullableTimestamp;
  superseded_by_order_id: number | null;
  search_text: ColumnType<string, never, never>;
}

export interface UnitTreeTable {
  unit_id: number;
  valid: string;
  path: string;
  kind: string;
  parent_id: number | null;
}

export interface UnitLineageTable {
  id: Generated<number>;
  order_id: number;
  effective_date: string;
  kind: 'merge' | 'split';
  predecessor_id: number;
  successor_id: number;
  allocation: ColumnType<unknown, string | null, string | null> | null;
  superseded_at: NullableTimestamp;
}

export interface ReorgOrderUnitTable {
  order_id: number;
  unit_id: number;
}

export interface UnitRollupTable {
  ancestor_id: number;
  kind: string;
  day: string;
  delta: number;
}

export interface AppUserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string | null;
  active: Generated<boolean>;
  failed_sign_ins: Generated<number>;
  locked_until: NullableTimestamp;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RoleTable {
  id: Generated<number>;
  code: string;
  name: Generated<string>;
  description: Generated<string>;
  permissions: string[];
  builtin: Generated<boolean>;
  version: Generated<number>;
}

export interface RoleGrantTable {
  id: Generated<number>;
  user_id: number;
  role_id: number;
  unit_id: number | null;
  /** A daterange literal, e.g. `[2026-01-01,)`. */
  valid: string;
  ended_by_order_id: number | null;
  created_at: Timestamp;
  created_by: number | null;
}

export interface UserSessionTable {
  id: Generated<number>;
  secret_hash: Buffer;
  user_id: number;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  source_address: string | null;
  user_agent: string | null;
}

export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  secret_hash: Buffer;
  permissions: string[] | null;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  created_at: Timestamp;
}

/** Generated columns are read-only: the body is the record. */
export interface AuditEventTable {
  seq: number;
  body: string;
  prev_hash: Buffer | null;
  hash: Buffer;
  at: ColumnType<string, never, never>;
  actor_id: ColumnType<number | null, never, never>;
  actor_name: ColumnType<string | null, never, never>;
  action: ColumnType<string, never, never>;
  entity_type: ColumnType<string | null, never, never>;
  entity_id: ColumnType<string | null, never, never>;
  unit_ids: ColumnType<number[], never, never>;
}

/** A saved column mapping for imports (0015_import_mapping_template.sql). */
export interface ImportMappingTemplateTable {
  id: Generated<number>;
  entity: string;
  name: string;
  mapping: ColumnType<Record<string, string>, string, string>;
  options: ColumnType<{ dateOrder?: 'dmy' | 'mdy' }, string | undefined, string>;
  unit_id: number | null;
  version: Generated<number>;
  created_by: string;
  created_by_user_id: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
