import type { DecisionReference, IsoDate, ReorgOperation, SplitPart } from '@rollbook/domain';

export type { DecisionReference, IsoDate, ReorgOperation, SplitPart };

/** The rule pack as GET /api/v1/rule-pack serves it: the domain's own types. */
export type { LocalizedText, RulePack as RulePackDto, UnitKind as RulePackKind } from '@rollbook/domain';

export type UnitAttributes = Record<string, string | number | boolean | null>;

export interface Unit {
  id: number;
  code: string;
  name: string;
  kind: string;
  parentId: number | null;
  attributes: UnitAttributes;
  validFrom: IsoDate;
  validTo: IsoDate | null;
  childCount: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface UnitRef {
  id: number;
  code: string;
  name: string;
  kind: string;
}

export interface UnitDetail {
  unit: Unit | null;
  liveOnDate: boolean;
  lastKnown: Unit;
  existence: { from: IsoDate; to: IsoDate | null };
  ancestors: UnitRef[];
  childCount: number;
}

export interface OrderSummary {
  id: number;
  effectiveDate: IsoDate;
  title: string | null;
  decisionNumber: string | null;
  decisionDate: IsoDate | null;
  issuedBy: string | null;
}

export type ChangedField = 'created' | 'reinstated' | 'code' | 'name' | 'kind' | 'parent' | 'attributes';

export interface UnitVersion {
  validFrom: IsoDate;
  validTo: IsoDate | null;
  code: string;
  name: string;
  kind: string;
  parentId: number | null;
  parentName: string | null;
  attributes: UnitAttributes;
  order: OrderSummary | null;
  changes: ChangedField[];
}

export interface UnitHistory {
  versions: UnitVersion[];
  end: { date: IsoDate; order: OrderSummary | null } | null;
}

export interface LineageNode {
  id: number;
  code: string;
  name: string;
  kind: string;
  from: IsoDate;
  to: IsoDate | null;
}

export interface LineageEdge {
  kind: 'merge' | 'split';
  predecessorId: number;
  successorId: number;
  effectiveDate: IsoDate;
  orderId: number;
}

export interface Lineage {
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export interface Figures {
  unitId: number;
  asOf: IsoDate;
  /** The units counted: the unit itself, or its predecessors on a day before it existed. */
  basis: number[];
  total: number;
  byKind: { kind: string; count: number }[];
  /** Units directly under it. */
  direct: { total: number; byKind: { kind: string; count: number }[] };
  /** The rule pack's groups of kinds. */
  groups: { group: string; count: number }[];
}

export interface FiguresChange {
  from: Figures;
  to: Figures;
  delta: { kind: string; from: number; to: number; change: number }[];
  orders: OrderSummary[];
}

export type OrderStatus = 'draft' | 'applied';
export type OrderState = 'draft' | 'planned' | 'in-effect';

export interface Decision {
  number: string | null;
  date: IsoDate | null;
  issuedBy: string | null;
  note: string | null;
}

export interface Order {
  id: number;
  status: OrderStatus;
  state: OrderState;
  effectiveDate: IsoDate;
  title: string | null;
  decision: Decision | null;
  operations: ReorgOperation[];
  reversesOrderId: number | null;
  reversedByOrderId: number | null;
  createdUnitIds: Record<string, number[]> | null;
  version: number;
  createdAt: string;
  appliedAt: string | null;
}

export interface OrderInput {
  effectiveDate: IsoDate;
  title?: string | null;
  decision?: DecisionReference;
  operations: ReorgOperation[];
}

export interface Violation {
  code: string;
  field?: string;
  message: string;
  /** What the message was made from: for a broken member rule, its rule, rule set and source. */
  params?: Record<string, string | number>;
}

export type ChangeKind = 'created' | 'renamed' | 'changed' | 'moved' | 'dissolved' | 'reinstated';

export interface UnitFacts {
  code?: string;
  name?: string;
  kind?: string;
  parentId?: number | null;
  parentName?: string | null;
}

export interface PreviewChange {
  operation: number;
  change: ChangeKind;
  unitId: number;
  code: string;
  name: string;
  kind: string;
  from?: UnitFacts;
  to?: UnitFacts;
}

export interface Preview {
  violations: Violation[];
  changes: PreviewChange[];
  figures: { unitId: number; unitName: string; before: Figures; after: Figures | null } | null;
  /** Grants on units the order ends: they end with the unit on its effective date. */
  endingGrants: EndingGrant[];
  /** Members who follow their unit to a successor or a split part. */
  memberMoves: MemberMove[];
  /** Member units the order touches that would have fewer than 3 official members. */
  smallCells: SmallCell[];
}

export interface MemberMove {
  fromUnitId: number;
  toUnitId: number;
  count: number;
}

export interface SmallCell {
  unitId: number;
  code: string;
  officialMembers: number;
}

export interface NewUnitInput {
  code: string;
  name: string;
  kind: string;
  parentId: number | null;
  effectiveDate: IsoDate;
  attributes?: UnitAttributes;
  decision?: DecisionReference;
}

export interface Health {
  status: string;
  engine: string;
  version: string;
  migration: string | number;
}

/** A unit named in a grant: as it stands today, or as it stood on the grant's last day. */
export interface GrantUnit {
  id: number;
  code: string;
  name: string;
  kind: string;
}

/** A role held over a unit's subtree (unit null: the whole organization) for a span of days. */
export interface Grant {
  id: number;
  role: string;
  roleName: string;
  permissions: string[];
  unitId: number | null;
  unit: GrantUnit | null;
  validFrom: IsoDate;
  /** The first day it no longer applies. */
  validTo: IsoDate | null;
  endedByOrderId: number | null;
  /** In force today. */
  active: boolean;
}

export interface Account {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  active: boolean;
  hasPassword: boolean;
  singleSignOn: boolean;
  version: number;
  createdAt: string;
}

export interface User extends Account {
  grants: Grant[];
}

/** GET /api/v1/session: who is signed in, every grant ("my scopes"), what they allow, and the CSRF token. */
export interface Session {
  user: Account;
  grants: Grant[];
  permissions: string[];
  csrfToken: string | null;
}

export interface SetupState {
  needed: boolean;
  singleSignOn: { label: string } | null;
}

export interface NewGrantInput {
  role: string;
  unitId: number | null;
  from?: IsoDate;
}

export interface NewUserInput {
  username: string;
  displayName: string;
  email?: string | null;
  password?: string | null;
  grants?: NewGrantInput[];
}

export interface UserPatch {
  displayName?: string;
  email?: string | null;
  active?: boolean;
}

export interface Role {
  id: number;
  code: string;
  /** Empty for built-in roles: the UI names them in its language. */
  name: string;
  description: string;
  permissions: string[];
  builtin: boolean;
  version: number;
}

export interface RoleInput {
  code: string;
  name: string;
  description?: string;
  permissions: string[];
}

export interface ApiToken {
  id: number;
  name: string;
  /** null: everything the owner may do. */
  permissions: string[] | null;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface NewTokenInput {
  name: string;
  permissions?: string[] | null;
  expiresInDays?: number;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actor: { id: number | null; name: string };
  requestId: string | null;
  source: string | null;
  action: string;
  entity: { type: string; id: string | null };
  unitIds: number[];
  decision: Record<string, unknown> | null;
  changes: unknown;
  hash: string;
}

export interface AuditFilter {
  unitId?: number;
  actorId?: number;
  entityType?: string;
  entityId?: string;
  action?: string;
  from?: IsoDate;
  to?: IsoDate;
}

export interface ChainCheck {
  ok: boolean;
  events: number;
  head: { seq: number; hash: string } | null;
  broken: { seq: number; problem: string } | null;
  milliseconds: number;
}

/** A grant that ends because the order ends its unit. */
export interface EndingGrant {
  grantId: number;
  userId: number;
  username: string;
  role: string;
  unitId: number;
}

// ---------------------------------------------------------------------------------------------
// Member registry (issue 4)

export type MemberStatus = 'applicant' | 'admitted' | 'probationary' | 'official' | 'left';
/** The list's status filter: "members" (the default) are probationary and official. */
export type MemberStatusFilter = 'members' | MemberStatus | 'all';

/** The record fields a person writes; sensitive ones (national ID, ethnicity, religion) may be left out. */
export interface MemberRecordFields {
  fullName: string;
  birthName?: string | null;
  otherNames?: string | null;
  sex?: string | null;
  birthDate?: IsoDate | null;
  birthPlace?: string | null;
  homeTown?: string | null;
  residence?: string | null;
  ethnicity?: string | null;
  religion?: string | null;
  nationalId?: string | null;
  education?: string | null;
  profession?: string | null;
  phone?: string | null;
  email?: string | null;
  custom?: Record<string, string | number | null>;
}

export interface MemberRecord extends MemberRecordFields {
  custom: Record<string, string | number | null>;
  validFrom: IsoDate | null;
  validTo: IsoDate | null;
}

export interface MemberRecordVersion extends MemberRecord {
  id: number;
  recordedAt: string;
  recordedBy: string;
  supersededAt: string | null;
}

export interface MemberState {
  status: MemberStatus;
  unitId: number | null;
  exitReason: string | null;
  exempted: boolean;
  suspended: boolean;
  transferToUnitId: number | null;
  hostUnitId: number | null;
  since: IsoDate;
  until: IsoDate | null;
}

export interface Membership {
  decisionDate: IsoDate;
  ceremonyDate: IsoDate | null;
  probationEnd: IsoDate | null;
  officialFrom: IsoDate | null;
  end: IsoDate | null;
}

export interface MemberDeadline {
  kind: string;
  since: IsoDate;
  due: IsoDate;
}

/** GET /api/v1/members/:id: a member as one day sees them. */
export interface MemberDetail {
  id: number;
  version: number;
  asOf: IsoDate;
  record: MemberRecord;
  /** Null before the first event. */
  state: MemberState | null;
  unit: { id: number; code: string; name: string } | null;
  seniorityMonths: number | null;
  eligibleForClassification: boolean;
  membership: Membership | null;
  memberships: Membership[];
  deadlines: MemberDeadline[];
  sensitiveShown: boolean;
}

export interface MemberListItem {
  id: number;
  version: number;
  fullName: string;
  sex: string | null;
  birthDate: IsoDate | null;
  status: MemberStatus;
  exitReason: string | null;
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  exempted: boolean;
  suspended: boolean;
  transferToUnitId: number | null;
}

export interface MemberListFilter {
  unit?: number;
  status?: MemberStatusFilter;
  q?: string;
  sex?: string;
}

export interface MemberEventDetails {
  ceremonyDate?: IsoDate;
  considerationDate?: IsoDate;
  overAgeDecision?: string;
  educationException?: string;
  lateApproval?: string;
  transferKind?: 'official' | 'temporary' | 'internal';
  purpose?: 'work' | 'study' | 'residence';
  until?: IsoDate;
  slipNumber?: string;
  exemptionReason?: 'age' | 'health';
  suspensionGround?: 'investigation' | 'custody' | 'indictment';
  form?: 'reprimand' | 'warning' | 'dismissal' | 'expulsion';
  post?: string;
  ground?: string;
  orderId?: number;
}

/** An event as a person records it. */
export interface MemberEventInput {
  type: string;
  date: IsoDate;
  unitId?: number | null;
  details?: MemberEventDetails;
  decision?: { number?: string | null; date?: IsoDate | null; by?: string | null } | null;
  note?: string | null;
}

/** An event of the timeline. */
export interface MemberEvent {
  id: number;
  type: string;
  date: IsoDate;
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  details: MemberEventDetails;
  decisionNumber: string | null;
  decisionDate: IsoDate | null;
  decidedBy: string | null;
  note: string | null;
  ruleSet: string;
  recordedAt: string;
  recordedBy: string;
  orderId: number | null;
  correctsEventId: number | null;
  correctedAt: string | null;
  correctionReason: string | null;
  /** The duplicate record this event came from, when two records were merged. */
  mergedFromMemberId: number | null;
  /** Details left out: a discipline matter the reader may not see. */
  restricted: boolean;
}

/** A broken rule or a note, explained in the reader's language with the rule set and its source. */
export interface RuleFinding {
  rule: string;
  field: string;
  message: string;
  ruleSet: string;
  source: string;
}

export interface EventCheck {
  ok: boolean;
  problems: RuleFinding[];
  warnings: RuleFinding[];
}

export interface MemberWriteResult {
  eventId: number | null;
  warnings: RuleFinding[];
  member: MemberDetail;
}

export interface NewMemberInput {
  record: MemberRecordFields;
  event: MemberEventInput;
}

export interface RecordChangeInput {
  effectiveFrom?: IsoDate | null;
  correction?: boolean;
  fields: Partial<MemberRecordFields>;
}

export interface CountOf {
  value: string;
  count: number;
}

export interface MemberFlows {
  from: IsoDate;
  to: IsoDate;
  admissions: number;
  readmissions: number;
  recognitions: number;
  transfersIn: number;
  transfersOut: number;
  exits: CountOf[];
}

export interface MemberFigures {
  unitId: number;
  stock: {
    asOf: IsoDate;
    members: number;
    byStatus: CountOf[];
    exempted: number;
    suspended: number;
    inTransit: number;
    bySex: CountOf[];
    byAgeBand: CountOf[];
    byEthnicity?: CountOf[];
    byReligion?: CountOf[];
  };
  period?: { current: MemberFlows; previous: MemberFlows; lastYear: MemberFlows };
}

export interface WorkItem {
  memberId: number;
  fullName: string;
  unitId: number | null;
  unitCode: string | null;
  kind: string;
  since: IsoDate | null;
  due: IsoDate | null;
  overdue: boolean;
  missing: string[] | null;
}

export type CardAction = 'issue' | 'reissue' | 'exchange' | 'lost' | 'recover';

/** A membership card, as GET /members/:id/cards lists it (old → new). */
export interface MemberCard {
  id: number;
  memberId: number;
  number: string;
  issuedOn: IsoDate;
  /** issue, reissue or exchange */
  kind: string;
  replacesCardId: number | null;
  campaignId: number | null;
  endedOn: IsoDate | null;
  /** replaced, lost, recovered or kept_by_family */
  endReason: string | null;
  recordedAt: string;
  recordedBy: string;
}

export interface CardActionInput {
  action: CardAction;
  date: IsoDate;
  number?: string | null;
  campaignId?: number | null;
}

export interface CardCampaign {
  id: number;
  name: string;
  startsOn: IsoDate;
  endsOn: IsoDate | null;
  unitId: number | null;
  decisionNumber: string | null;
  createdAt: string;
  createdBy: string;
  /** Official members holding a card on the start day. */
  inScope: number;
}

export interface NewCardCampaign {
  name: string;
  startsOn: IsoDate;
  endsOn?: IsoDate | null;
  unitId?: number | null;
  decisionNumber?: string | null;
}

export interface CampaignProgressLine {
  unitId: number;
  code: string;
  name: string;
  inScope: number;
  exchanged: number;
}

export interface CampaignProgress {
  campaign: CardCampaign;
  asOf: IsoDate;
  total: CampaignProgressLine;
  children: CampaignProgressLine[];
}

/** Two records that may be one person: the same birth date, names alike once folded. */
export interface DuplicatePair {
  a: { id: number; fullName: string; birthDate: IsoDate; unitId: number | null };
  b: { id: number; fullName: string; birthDate: IsoDate; unitId: number | null };
  /** Trigram similarity of the folded names, 0–1. */
  similarity: number;
}
