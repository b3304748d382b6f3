import type { DecisionReference, IsoDate, ReorgOperation } from '@rollbook/domain';
import { type RawBuilder, sql } from 'kysely';
import type { Scope } from '../access/actor.js';
import { unitInScope } from '../access/scope.js';
import type { Db } from '../units/units.repository.js';

/** An order as stored. */
export interface OrderRow {
  id: number;
  status: 'draft' | 'applied';
  effectiveDate: IsoDate;
  title: string;
  decision: Required<{ [K in keyof DecisionReference]: string | null }>;
  operations: ReorgOperation[];
  result: { createdUnitIds?: Record<string, number[]> } | null;
  reversesOrderId: number | null;
  reversedByOrderId: number | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  appliedAt: Date | null;
}

const columns = [
  'id',
  'status',
  'effective_date',
  'title',
  'decision_number',
  'decision_date',
  'issued_by',
  'note',
  'operations',
  'result',
  'reverses_order_id',
  'reversed_by_order_id',
  'version',
  'created_at',
  'updated_at',
  'applied_at',
] as const;

type RawOrder = {
  id: number;
  status: 'draft' | 'applied';
  effective_date: string;
  title: string;
  decision_number: string | null;
  decision_date: string | null;
  issued_by: string | null;
  note: string | null;
  operations: unknown[];
  result: unknown;
  reverses_order_id: number | null;
  reversed_by_order_id: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  applied_at: Date | null;
};

function toOrder(r: RawOrder): OrderRow {
  return {
    id: r.id,
    status: r.status,
    effectiveDate: r.effective_date,
    title: r.title,
    decision: { number: r.decision_number, date: r.decision_date, issuedBy: r.issued_by, note: r.note },
    operations: r.operations as ReorgOperation[],
    result: (r.result as OrderRow['result']) ?? null,
    reversesOrderId: r.reverses_order_id,
    reversedByOrderId: r.reversed_by_order_id,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    appliedAt: r.applied_at,
  };
}

export interface OrderInput {
  effectiveDate: IsoDate;
  title?: string | undefined;
  decision?: DecisionReference | undefined;
  operations: ReorgOperation[];
  reversesOrderId?: number | null;
  /** The user who drafted it (null: the local operator, or an internal step). */
  createdBy?: number | null;
}

/**
 * SQL: a reader may see the order (alias `o`). An order is seen by whoever reaches one of the units
 * it names or touched, as they stood on its effective date or the day before; a draft naming none
 * yet is its author's. Organization-wide readers see every order.
 */
export function orderVisibleTo(scope: Scope, userId: number | null): RawBuilder<boolean> {
  if (scope.all) return sql<boolean>`true`;
  return sql<boolean>`((o.created_by = ${userId ?? -1} and o.status = 'draft'
      and cardinality(rb_order_unit_ids(o.operations)) = 0) or exists (
    select 1 from unnest(rb_order_unit_ids(o.operations) || array(select unit_id from reorg_order_unit where order_id = o.id)) as named (id)
    where ${unitInScope(scope, sql`named.id`, sql`o.effective_date`)}
       or ${unitInScope(scope, sql`named.id`, sql`(o.effective_date - 1)`)}))`;
}

export async function insertOrder(db: Db, input: OrderInput): Promise<OrderRow> {
  const row = await db
    .insertInto('reorg_order')
    .values({
      status: 'draft',
      effective_date: input.effectiveDate,
      title: input.title ?? '',
      decision_number: input.decision?.number ?? null,
      decision_date: input.decision?.date ?? null,
      issued_by: input.decision?.issuedBy ?? null,
      note: input.decision?.note ?? null,
      operations: JSON.stringify(input.operations),
      reverses_order_id: input.reversesOrderId ?? null,
      created_by: input.createdBy ?? null,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toOrder(row as RawOrder);
}

export async function findOrderById(
  db: Db,
  id: number,
  forUpdate = false,
  reader?: { scope: Scope; userId: number | null },
): Promise<OrderRow | undefined> {
  let q = db.selectFrom('reorg_order as o').select(columns).where('id', '=', id);
  if (reader) q = q.where(orderVisibleTo(reader.scope, reader.userId));
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toOrder(row as RawOrder) : undefined;
}

/** Orders by id (any order of ids; missing ones are skipped). */
export async function findOrdersByIds(db: Db, ids: readonly number[]): Promise<OrderRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('reorg_order')
    .select(columns)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return rows.map((r) => toOrder(r as RawOrder));
}

/** Writes the draft's new content if its version is still the expected one; returns undefined otherwise. */
export async function updateDraft(
  db: Db,
  id: number,
  expectedVersion: number,
  patch: Partial<OrderInput>,
): Promise<OrderRow | undefined> {
  const row = await db
    .updateTable('reorg_order')
    .set({
      ...(patch.effectiveDate !== undefined && { effective_date: patch.effectiveDate }),
      ...(patch.title !== undefined && { title: patch.title }),
      ...(patch.decision !== undefined && {
        decision_number: patch.decision.number ?? null,
        decision_date: patch.decision.date ?? null,
        issued_by: patch.decision.issuedBy ?? null,
        note: patch.decision.note ?? null,
      }),
      ...(patch.operations !== undefined && { operations: JSON.stringify(patch.operations) }),
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('status', '=', 'draft')
    .returning(columns)
    .executeTakeFirst();
  return row ? toOrder(row as RawOrder) : undefined;
}

export async function deleteDraft(db: Db, id: number, expectedVersion: number): Promise<boolean> {
  const result = await db
    .deleteFrom('reorg_order')
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function markApplied(db: Db, id: number, result: OrderRow['result']): Promise<OrderRow> {
  const row = await db
    .updateTable('reorg_order')
    .set({
      status: 'applied',
      applied_at: sql`now()`,
      updated_at: sql`now()`,
      version: sql`version + 1`,
      result: JSON.stringify(result),
    })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toOrder(row as RawOrder);
}

export async function markReversed(db: Db, id: number, reversalId: number, sameDay: boolean): Promise<void> {
  await db
    .updateTable('reorg_order')
    .set({ reversed_by_order_id: reversalId, updated_at: sql`now()`, version: sql`version + 1` })
    .where('id', '=', id)
    .execute();
  // Undone on its own date, the order's merges and splits never happened; later, they did.
  if (sameDay) {
    await db
      .updateTable('unit_lineage')
      .set({ superseded_at: sql`now()` })
      .where('order_id', '=', id)
      .execute();
  }
}

/** Orders newest first, optionally by state, with keyset pagination on the id. */
export async function findOrders(
  db: Db,
  args: {
    state?: 'draft' | 'planned' | 'in-effect';
    today: IsoDate;
    beforeId?: number;
    limit: number;
    touchingUnitId?: number;
    scope: Scope;
    userId: number | null;
  },
): Promise<OrderRow[]> {
  let q = db.selectFrom('reorg_order as o').select(columns).where(orderVisibleTo(args.scope, args.userId));
  if (args.state === 'draft') q = q.where('status', '=', 'draft');
  if (args.state === 'planned')
    q = q.where('status', '=', 'applied').where('effective_date', '>', args.today);
  if (args.state === 'in-effect')
    q = q.where('status', '=', 'applied').where('effective_date', '<=', args.today);
  if (args.beforeId !== undefined) q = q.where('id', '<', args.beforeId);
  if (args.touchingUnitId !== undefined) {
    const unitId = args.touchingUnitId;
    q = q.where('id', 'in', (eb) =>
      eb.selectFrom('reorg_order_unit').select('order_id').where('unit_id', '=', unitId),
    );
  }
  const rows = await q.orderBy('id', 'desc').limit(args.limit).execute();
  return rows.map((r) => toOrder(r as RawOrder));
}

/** The units an applied order touched. */
export async function findOrderUnitIds(db: Db, orderId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('reorg_order_unit')
    .select('unit_id')
    .where('order_id', '=', orderId)
    .execute();
  return rows.map((r) => r.unit_id);
}

/** Serializes reorganizations: the tree is checked and rewritten as one piece. */
export async function lockTree(db: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('rollbook.unit_tree'))`.execute(db);
}

/**
 * An applied order, other than this one, that touched one of these units later: dated after it, or
 * on the same day but applied after it. Orders undone by a reversal, and their reversals, do not count.
 */
export async function findLaterOrderTouching(
  db: Db,
  order: { id: number; effectiveDate: IsoDate },
  unitIds: readonly number[],
): Promise<{ orderId: number; effectiveDate: IsoDate; unitId: number } | undefined> {
  if (unitIds.length === 0) return undefined;
  const rows = await sql<{ order_id: number; effective_date: string; unit_id: number }>`
    select o.id as order_id, o.effective_date, ou.unit_id
    from reorg_order_unit ou join reorg_order o on o.id = ou.order_id
    where ou.unit_id = any(${[...unitIds]}::bigint[]) and o.status = 'applied' and o.id <> ${order.id}
      and (o.effective_date > ${order.effectiveDate}::date or (o.effective_date = ${order.effectiveDate}::date and o.id > ${order.id}))
      and o.reversed_by_order_id is null
      and not exists (select 1 from reorg_order r where r.id = o.reverses_order_id and r.reversed_by_order_id = o.id)
    order by o.effective_date, o.id limit 1`.execute(db);
  const row = rows.rows[0];
  return row ? { orderId: row.order_id, effectiveDate: row.effective_date, unitId: row.unit_id } : undefined;
}
