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
