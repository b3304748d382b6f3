import type { IsoDate, KindRules, RuleViolation } from '@rollbook/domain';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import {
  type Db,
  findFirstTreeGap,
  findLatestVersion,
  findOrderOn,
  findPlacementsFrom,
  findVersionsAt,
  rebuildTreeFrom,
  type UnitFacts,
  type UnitVersionRow,
} from '../units/units.repository.js';
import type { OrderPlan, SimUnit } from './plan-order.js';

interface VersionInsert {
  unit_id: number;
  lower: IsoDate;
  upper: IsoDate | null;
  code: string;
  name: string;
  kind: string;
  parent_id: number | null;
  attributes: Record<string, unknown>;
  order_id: number;
}

function sameFacts(a: UnitFacts, b: UnitFacts): boolean {
  return (
    a.code === b.code &&
    a.name === b.name &&
    a.kind === b.kind &&
    a.parentId === b.parentId &&
    JSON.stringify(a.attributes) === JSON.stringify(b.attributes)
  );
}

/**
 * Writes a checked plan: new units, versions closed on the effective date and opened from it,
 * lineage, and the derived tree. Old rows are superseded, never edited or deleted, so the
 * register can still say what it said before. Returns the ids given to new units (temp id → id)
 * and the rules the result breaks on later dates — the caller rolls back when there are any.
 */
export async function applyPlan(
  trx: Transaction<Database>,
  plan: OrderPlan,
  orderId: number,
  rules: KindRules,
): Promise<{ ids: Map<number, number>; violations: RuleViolation[] }> {
  const date = plan.effectiveDate;
  const ids = new Map<number, number>();

  const created = plan.units.filter((u) => u.isNew);
  if (created.length) {
    const rows = await sql<{ id: number }>`
      insert into unit (created_at) select now() from generate_series(1, ${created.length}::int) returning id`.execute(
      trx,
    );
    created.forEach((u, i) => ids.set(u.unitId, rows.rows[i]!.id));
  }
  const realId = (id: number | null) => (id === null ? null : id < 0 ? ids.get(id)! : id);
  const finalFacts = (u: SimUnit): UnitFacts => ({
    ...u,
    unitId: realId(u.unitId)!,
    parentId: realId(u.parentId),
  });

  const existing = plan.units.filter((u) => !u.isNew).map((u) => u.unitId);
  // The version each stored unit has on the date, and the one ending on it (to merge with).
  const current = new Map((await findVersionsAt(trx, existing, date)).map((v) => [v.unitId, v]));
  const endingOnDate = new Map(
    (
      await trx
        .selectFrom('unit_version')
        .select([
          'id',
          'unit_id',
          'code',
          'name',
          'kind',
          'parent_id',
          'attributes',
          sql<string>`lower(valid)::text`.as('lower'),
          'order_id',
        ])
        .where('unit_id', 'in', existing.length ? existing : [0])
        .where('superseded_at', 'is', null)
        .where(sql<boolean>`upper(valid) = ${date}::date`)
        .execute()
    ).map((r) => [r.unit_id, r]),
  );

  const supersede: number[] = [];
  const inserts: VersionInsert[] = [];
  for (const unit of plan.units) {
    const facts = finalFacts(unit);
    const version: UnitVersionRow | undefined = current.get(facts.unitId);
    // What stands before the date: the untouched part of the current version, or the version that
    // already ends on the date.
    let left: VersionInsert | undefined;
    if (version) {
      supersede.push(version.versionId);
      if (version.valid.from < date)
        left = { ...factsInsert(version, version.orderId), lower: version.valid.from, upper: date };
    }
    const ending = left ? undefined : endingOnDate.get(facts.unitId);
    if (ending && unit.live) {
      const endingFacts: UnitFacts = {
        unitId: ending.unit_id,
        code: ending.code,
        name: ending.name,
        kind: ending.kind,
        parentId: ending.parent_id,
        attributes: ending.attributes,
      };
      if (sameFacts(endingFacts, facts)) {
        // Undoing a change on its own date: the earlier version simply continues.
        supersede.push(ending.id);
        left = { ...factsInsert(endingFacts, ending.order_id), lower: ending.lower, upper: date };
      }
    }
    if (!unit.live) {
      if (left) inserts.push(left);
      continue;
    }
    const next = { ...factsInsert(facts, orderId), lower: date, upper: null };
    if (left && sameFacts(insertFacts(left), facts)) inserts.push({ ...left, upper: null });
    else {
      if (left) inserts.push(left);
      inserts.push(next);
    }
  }

  if (supersede.length) {
    await trx
      .updateTable('unit_version')
      .set({ superseded_at: sql`now()`, superseded_by_order_id: orderId })
      .where('id', 'in', supersede)
      .execute();
  }
  // One statement per few thousand rows, whatever the size of the order.
  for (let i = 0; i < inserts.length; i += 5000) {
    const chunk = inserts.slice(i, i + 5000);
    await sql`
      insert into unit_version (unit_id, valid, code, name, kind, parent_id, attributes, order_id)
      select r.unit_id, daterange(r.lower, r.upper), r.code, r.name, r.kind, r.parent_id, coalesce(r.attributes, '{}'), r.order_id
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as r(
        unit_id bigint, lower date, upper date, code text, name text, kind text, parent_id bigint, attributes jsonb, order_id bigint)`.execute(
      trx,
    );
  }

  if (plan.lineage.length) {
    await trx
      .insertInto('unit_lineage')
      .values(
        plan.lineage.map((l) => ({
          order_id: orderId,
          effective_date: date,
          kind: l.kind,
          predecessor_id: realId(l.predecessorId)!,
          successor_id: realId(l.successorId)!,
          allocation: l.allocation
            ? JSON.stringify({ ...l.allocation, childIds: l.allocation.childIds.map((c) => realId(c)) })
            : null,
        })),
      )
      .execute();
  }

  const touched = plan.units.map((u) => realId(u.unitId)!);
  for (let i = 0; i < touched.length; i += 10000) {
    await sql`insert into reorg_order_unit (order_id, unit_id) select ${orderId}, unnest(${touched.slice(i, i + 10000)}::bigint[])`.execute(
      trx,
    );
  }
  // Paths change only where a parent, a kind or an existence changed.
  const reshaped = plan.units
    .filter(
      (u) =>
        u.isNew || !u.liveBefore || !u.live || u.before?.parentId !== u.parentId || u.before?.kind !== u.kind,
    )
    .map((u) => realId(u.unitId)!);
  const rewritten = await rebuildTreeFrom(trx, reshaped, date);
  return { ids, violations: await checkLaterDates(trx, rules, rewritten, date) };
}

/**
 * The plan was checked on its effective date; planned orders may change the tree after it. With the
 * tree rebuilt, check every later day at once: each unit must keep a place in the tree (a parent
 * that still exists, no loop) and a parent of a kind it may sit under.
 */
async function checkLaterDates(
  db: Db,
  rules: KindRules,
  unitIds: number[],
  date: IsoDate,
): Promise<RuleViolation[]> {
  const label = async (unitId: number) => {
    const v = await findLatestVersion(db, unitId);
    return v ? `${v.code} ${v.name}` : `#${unitId}`;
  };
  const gap = await findFirstTreeGap(db, unitIds, date);
  if (gap) {
    const later = await findOrderOn(db, gap.day);
    return [
      {
        code: 'later_change_conflict',
        field: 'effectiveDate',
        params: {
          unit: await label(gap.unitId),
          unitId: gap.unitId,
          laterDate: gap.day,
          laterOrder: later ? `#${later}` : '—',
        },
      },
    ];
  }
  for (const p of await findPlacementsFrom(db, unitIds, date)) {
    if (p.day === date || rules.maySitUnder(p.kind, p.parentKind)) continue;
    const later = await findOrderOn(db, p.day);
    return [
      {
        code: 'later_change_conflict',
        field: 'effectiveDate',
        params: {
          unit: await label(p.unitId),
          unitId: p.unitId,
          laterDate: p.day,
          laterOrder: later ? `#${later}` : '—',
        },
      },
    ];
  }
  return [];
}

function factsInsert(f: UnitFacts, orderId: number): Omit<VersionInsert, 'lower' | 'upper'> {
  return {
    unit_id: f.unitId,
    code: f.code,
    name: f.name,
    kind: f.kind,
    parent_id: f.parentId,
    attributes: f.attributes,
    order_id: orderId,
  };
}

function insertFacts(i: VersionInsert): UnitFacts {
  return {
    unitId: i.unit_id,
    code: i.code,
    name: i.name,
    kind: i.kind,
    parentId: i.parent_id,
    attributes: i.attributes,
  };
}
