import type { IsoDate } from '@rollbook/domain';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import {
  applyRollup,
  contributions,
  difference,
  holdRollupUnits,
  type RollupDelta,
  rollupCounts,
} from './member-rollup.js';

/**
 * How a reorganization keeps the member roll-ups in step (ADR 0006, "Reorganizations").
 *
 * Counting every member under the reshaped units before and after the change took 22–50 s for two
 * provinces at 6 M members. Most of those members do not move at all relative to each other: a
 * province that merges into another carries its whole subtree along. When a rollup unit X carries
 * its whole subtree unchanged (a _block_), what the rollup units above it lose and gain from the
 * effective date on is exactly X's own series of counts from that date, already stored. So:
 *
 * - units whose rollup units above them are the same before and after (the survivor's own
 *   subtree) need nothing;
 * - a block moves its series from the rollup units it leaves to those it joins;
 * - members of every other changed unit are counted one by one, as before;
 * - transfers are counted one by one wherever they touch a changed unit: whether a transfer crosses
 *   a border depends on where both ends stand, which a block's series cannot say.
 */

/** The rollup units on a unit's path (root first, the unit itself last when it keeps roll-ups) over a stretch of days. */
interface Stretch {
  from: IsoDate;
  to: IsoDate | null;
  above: number[];
}

type Paths = Map<number, Stretch[]>;

/** The units under the reshaped ones (themselves included) that stand on or after the day. */
async function unitsUnder(trx: Transaction<Database>, reshaped: readonly number[], from: IsoDate) {
  // The paths of the reshaped units, those inside another dropped: an order names every unit whose
  // version it changes (a merger, all the children it moves), and an lquery pattern per unit took
  // 0.9 s over the tree for a province merger at 60 k units.
  const paths = await sql<{ path: string }>`
    select distinct ltree2text(t.path) as path from unit_tree t
    where t.unit_id = any(${[...reshaped]}::bigint[]) and (upper_inf(t.valid) or upper(t.valid) > ${from}::date)`.execute(
    trx,
  );
  const all = paths.rows.map((r) => r.path);
  const tops = all.filter((p) => !all.some((q) => p.startsWith(`${q}.`)));
  if (tops.length === 0) return [];
  const rows = await sql<{ id: number }>`
    select distinct t.unit_id as id from unit_tree t
    where t.path <@ any(${tops}::ltree[]) and (upper_inf(t.valid) or upper(t.valid) > ${from}::date)`.execute(
    trx,
  );
  return rows.rows.map((r) => Number(r.id));
}

/** Each unit's stretches from the day on, adjacent ones with the same rollup units joined. */
async function rollupPaths(
  trx: Transaction<Database>,
  unitIds: readonly number[],
  from: IsoDate,
): Promise<Paths> {
  const rows = await sql<{ id: number; from: string; to: string | null; above: number[] }>`
    select t.unit_id as id, to_char(greatest(lower(t.valid), ${from}::date), 'YYYY-MM-DD') as from,
      to_char(upper(t.valid), 'YYYY-MM-DD') as to,
      array(select a.id from unnest(string_to_array(ltree2text(t.path), '.')::bigint[]) with ordinality as a (id, n)
        where a.id in (select unit_id from member_rollup_unit) order by a.n) as above
    from unit_tree t
    where t.unit_id = any(${[...unitIds]}::bigint[]) and (upper_inf(t.valid) or upper(t.valid) > ${from}::date)
    order by t.unit_id, lower(t.valid)`.execute(trx);
  const paths: Paths = new Map();
  for (const r of rows.rows) {
    const list = paths.get(Number(r.id)) ?? [];
    const above = r.above.map(Number);
    const last = list[list.length - 1];
    if (last && last.to === r.from && same(last.above, above)) last.to = r.to;
    else list.push({ from: r.from, to: r.to, above });
    paths.set(Number(r.id), list);
  }
  return paths;
}

function same(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameStretches(a: readonly Stretch[] = [], b: readonly Stretch[] = []): boolean {
  return (
    a.length === b.length &&
    a.every((s, i) => s.from === b[i]!.from && s.to === b[i]!.to && same(s.above, b[i]!.above))
  );
}

/** A rollup unit that carries its whole subtree unchanged, and the rollup units it leaves and joins. */
interface Block {
  unitId: number;
  leaves: number[];
  joins: number[];
}

/**
 * The blocks: for each changed unit, the highest rollup unit on its path (within the reshaped area)
 * whose whole subtree, from the day on, stands over the same days before and after, under one
 * path each, the same for all, with the same rollup units inside it.
 */
function findBlocks(
  units: readonly number[],
  before: Paths,
  after: Paths,
  changed: ReadonlySet<number>,
  unusable: ReadonlySet<number>,
) {
  const area = new Set(units);
  // Units whose stretches include X before, by X.
  const inside = new Map<number, number[]>();
  for (const u of units)
    for (const x of new Set((before.get(u) ?? []).flatMap((s) => s.above)))
      if (area.has(x)) {
        const list = inside.get(x) ?? [];
        list.push(u);
        inside.set(x, list);
      }

  const verdicts = new Map<number, Block | null>();
  const judge = (x: number): Block | null => {
    if (verdicts.has(x)) return verdicts.get(x)!;
    let block: Block | null = null;
    let outerBefore: number[] | null = null;
    let outerAfter: number[] | null = null;
    const fits = (inside.get(x) ?? []).every((u) => {
      if (unusable.has(u)) return false;
      const b = before.get(u) ?? [];
      const a = after.get(u) ?? [];
      if (b.length !== 1 || !changed.has(u)) return false;
      const at = b[0]!.above.indexOf(x);
      const inner = b[0]!.above.slice(at + 1);
      const ob = b[0]!.above.slice(0, at + 1);
      // X itself may end on the day (merged away) if its members are all in units below it.
      if (u === x && a.length === 0) {
        if (inner.length) return false;
        outerBefore ??= ob;
        return same(outerBefore, ob);
      }
      if (a.length !== 1 || a[0]!.from !== b[0]!.from || a[0]!.to !== b[0]!.to) return false;
      const aa = a[0]!.above;
      if (!same(aa.slice(aa.length - inner.length), inner)) return false;
      const oa = aa.slice(0, aa.length - inner.length);
      outerBefore ??= ob;
      outerAfter ??= oa;
      return same(outerBefore, ob) && same(outerAfter, oa);
    });
    if (fits && outerBefore) {
      const ob: number[] = outerBefore;
      const oa: number[] = outerAfter ?? ob.filter((r) => r !== x);
      block = {
        unitId: x,
        leaves: ob.filter((r) => !oa.includes(r)),
        joins: oa.filter((r) => !ob.includes(r)),
      };
    }
    verdicts.set(x, block);
    return block;
  };
  const blocks = new Map<number, Block>();
  const covered = new Set<number>();
  for (const u of units) {
    if (!changed.has(u) || covered.has(u)) continue;
    for (const x of before.get(u)?.[0]?.above ?? []) {
      if (!area.has(x)) continue;
      const block = judge(x);
      if (!block) continue;
      blocks.set(x, block);
      for (const v of inside.get(x)!) covered.add(v);
      break;
    }
  }
  return { blocks: [...blocks.values()], covered };
}

/** Members of these units from the day on, and members whose transfers on or after it touch them. */
async function membersToCount(
  trx: Transaction<Database>,
  uncovered: readonly number[],
  changed: readonly number[],
  from: IsoDate,
): Promise<number[]> {
  if (changed.length === 0) return [];
  const rows = await sql<{ id: number }>`
    select s.member_id as id from member_span s
    where s.unit_id = any(${[...uncovered]}::bigint[]) and s.status <> 'left'
      and (upper_inf(s.valid) or upper(s.valid) > ${from}::date)
    union
    select e.member_id from member_event e
    where e.event_date >= ${from}::date and e.type in ('transfer_in', 'transfer_out') and e.corrected_at is null
      and (e.unit_id = any(${[...changed]}::bigint[]) or exists (select 1 from member_span s
        where s.member_id = e.member_id and s.unit_id = any(${[...changed]}::bigint[])
          and (upper_inf(s.valid) or upper(s.valid) > ${from}::date - 1)))`.execute(trx);
  return rows.rows.map((r) => Number(r.id));
}

/**
 * A block's series from the day on, as it stands: each count on the day, then its changes after;
 * the flows from the day, but neither transfers (counted one by one) nor the exits of the day
 * itself (they count where the member stood the day before, which the order does not change).
 */
async function seriesFrom(trx: Transaction<Database>, unitId: number, from: IsoDate) {
  const stock = await rollupCounts(trx, unitId, from);
  const later = await sql<{ measure: string; value: string; day: string; delta: number }>`
    select measure, value, to_char(day, 'YYYY-MM-DD') as day, delta from member_rollup
    where unit_id = ${unitId} and (
      (measure <> 'flow' and day > ${from}::date)
      or (measure = 'flow' and day >= ${from}::date and value not in ('transfer_in', 'transfer_out')
        and not (value like 'exit:%' and day = ${from}::date)))`.execute(trx);
  return [
    ...stock.map((c) => ({ measure: c.measure, value: c.value, day: from, delta: c.count })),
    ...later.rows,
  ];
}

/**
 * Follows a reorganization effective on `from` that reshapes these units: `apply` makes the change
 * (the tree, and members of units that end moved to their successors); the roll-ups are updated to
 * match. The tree change is first tried inside a savepoint and undone, to learn which units keep
 * their subtree whole (a province merger: a few hundred milliseconds at 60 k units).
 */
export async function followWithRollups<T>(
  trx: Transaction<Database>,
  reshaped: readonly number[],
  from: IsoDate,
  tryTree: () => Promise<unknown>,
  apply: () => Promise<T>,
): Promise<T> {
  await holdRollupUnits(trx);
  const any = await sql<{ n: number }>`select count(*)::int as n from member_rollup_unit`.execute(trx);
  if (any.rows[0]!.n === 0 || reshaped.length === 0) return apply();
  const units = await unitsUnder(trx, reshaped, from);
  const before = await rollupPaths(trx, units, from);
  // The tree change, tried and undone: which units stand where afterwards, and which units that end
  // still hold members and hand them to which successors.
  let after: Paths;
  let handing: number[];
  let receiving: number[];
  await sql`savepoint rollup_probe`.execute(trx);
  try {
    await tryTree();
    after = await rollupPaths(trx, units, from);
    const ending = units.filter((u) => !after.has(u));
    const held = await sql<{ id: number }>`
      select distinct s.unit_id as id from member_span s
      where s.unit_id = any(${ending}::bigint[]) and s.status <> 'left'
        and (upper_inf(s.valid) or upper(s.valid) > ${from}::date)`.execute(trx);
    handing = held.rows.map((r) => Number(r.id));
    const successors = await sql<{ id: number }>`
      select distinct l.successor_id as id from unit_lineage l
      where l.predecessor_id = any(${handing}::bigint[]) and l.superseded_at is null`.execute(trx);
    receiving = successors.rows.map((r) => Number(r.id));
  } finally {
    await sql`rollback to savepoint rollup_probe`.execute(trx);
    await sql`release savepoint rollup_probe`.execute(trx);
  }

  const changed = new Set(units.filter((u) => !sameStretches(before.get(u), after.get(u))));
  // A unit that ends holding members hands them to a successor whose series never had them: no
  // block may hold either (their members are counted one by one).
  const { blocks, covered } = findBlocks(units, before, after, changed, new Set([...handing, ...receiving]));
  const uncovered = [...changed].filter((u) => !covered.has(u));
  const members = await membersToCount(trx, uncovered, [...changed], from);
  const filter = { memberIds: members, from, excludeUnits: [...covered] };
  const rollupBefore = await contributions(trx, filter);

  const result = await apply();

  const moved: RollupDelta[] = [];
  for (const block of blocks) {
    for (const d of await seriesFrom(trx, block.unitId, from as IsoDate)) {
      for (const unitId of block.joins) moved.push({ unitId, ...d, day: d.day as IsoDate });
      for (const unitId of block.leaves) moved.push({ unitId, ...d, day: d.day as IsoDate, delta: -d.delta });
    }
  }
  await applyRollup(trx, difference(rollupBefore, [...(await contributions(trx, filter)), ...moved]));
  return result;
}
