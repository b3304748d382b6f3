import { addDays, addMonths, AppError, completeMonthsBetween, type IsoDate } from '@rollbook/domain';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requireScope, scopeFor, type Scope } from '../access/actor.js';
import { isUnitVisible, pathInScope, predecessorsOf } from '../access/scope.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Db } from '../units/units.repository.js';
import { FLOW_EVENT_TYPES, flowKind, hasRollup, rollupCounts, rollupCountsOn } from './member-rollup.js';
import { pathsOn, periodInSubtree, withinSubtreeOn } from './members.repository.js';

/** Age bands of the statistical forms, in completed years on the day asked. */
export const AGE_BANDS = [
  { band: '≤30', max: 30 },
  { band: '31–40', max: 40 },
  { band: '41–50', max: 50 },
  { band: '51–60', max: 60 },
  { band: '61–70', max: 70 },
  { band: '>70', max: 999 },
] as const;

export interface Count {
  value: string;
  count: number;
}

export interface MemberStock {
  asOf: IsoDate;
  /** Probationary and official members. */
  members: number;
  byStatus: Count[];
  exempted: number;
  suspended: number;
  inTransit: number;
  bySex: Count[];
  byAgeBand: Count[];
  /** Only with `members.sensitive`. */
  byEthnicity?: Count[];
  byReligion?: Count[];
}

export interface MemberFlows {
  from: IsoDate;
  to: IsoDate;
  admissions: number;
  readmissions: number;
  recognitions: number;
  transfersIn: number;
  transfersOut: number;
  exits: Count[];
}

export interface MemberFigures {
  unitId: number;
  stock: MemberStock;
  period?: { current: MemberFlows; previous: MemberFlows; lastYear: MemberFlows };
}

/**
 * SQL: the unit's subtree on a day (its predecessors' when it was not yet made), inside the scope;
 * `subtree` names a relation of the unit's tree rows (`level` 0) and its predecessors' (`level` 1)
 * with their paths and days (`subtreeRows`). The same paths as `rb_scope_paths(array[unit], day)`:
 * the unit's on the day, or, on a day it did not stand, those of the units its lineage leads back
 * to. Worked out from the rows rather than by calling it for each event placed: a call was
 * 0.2–0.9 ms, most of a commune's placing (~75 calls, 20–25 ms at 6.3 M members).
 */
function inSubtree(
  subtree: ReturnType<typeof sql>,
  scope: Scope,
  path: ReturnType<typeof sql>,
  day: ReturnType<typeof sql>,
) {
  return sql<boolean>`(exists (select 1 from ${subtree} u where u.level = 0 and u.valid @> ${day} and ${path} <@ u.path)
      or not exists (select 1 from ${subtree} u where u.level = 0 and u.valid @> ${day})
        and exists (select 1 from ${subtree} u where u.level = 1 and u.valid @> ${day} and ${path} <@ u.path))
    and ${pathInScope(scope, path, day as never)}`;
}

/** SQL: the unit's tree rows (`level` 0) and its predecessors' (`level` 1), for `inSubtree`. */
function subtreeRows(unitId: number) {
  return sql`select t.path, t.valid, 0 as level from unit_tree t where t.unit_id = ${unitId}
    union all
    select t.path, t.valid, 1 from unit_tree t where t.unit_id in ${predecessorsOf([unitId])}`;
}

/**
 * The units that ever stood in a unit's subtree (or its predecessors'), looked up on their own: as
 * a subquery the planner guessed thousands of units for a cell and set up parallel workers to read
 * its few spans (20–40 ms of a 64 ms count at 6 M members). The unit and its predecessors are
 * matched as one array (as `unitsEverInScope` has it, `unit_id = any(…) or unit_id in (…)`, no
 * index served the OR and all of unit_tree was read: 7–9 ms warm, ~50 ms cold at 60 k units).
 */
async function unitsEver(db: Db, unitId: number): Promise<number[]> {
  const rows = await sql<{ ids: number[] }>`select array(
    select distinct t.unit_id from unit_tree t
    where t.path <@ any(array(select r.path from unit_tree r
      where r.unit_id = any(array[${unitId}]::bigint[] || array${predecessorsOf([unitId])})))) as ids`.execute(
    db,
  );
  return rows.rows[0]!.ids.map(Number);
}

/**
 * Members of a subtree as of a day: by status, sex, age band and (with permission) ethnicity and
 * religion; and, for a period, the admissions, recognitions, transfers and exits in it, compared
 * with the period before and the same period a year earlier.
 */
export async function memberFigures(
  ctx: AppContext,
  actor: Actor,
  unitId: number,
  asOf: IsoDate,
  period?: { from: IsoDate; to: IsoDate },
): Promise<MemberFigures> {
  const scope = requireScope(actor, 'members.read');
  if (!(await isUnitVisible(ctx.db, scope, unitId, asOf)))
    throw new AppError('unit_not_found', { params: { unit: `#${unitId}` } });
  const sensitiveScope = scopeFor(actor, 'members.sensitive');
  const sensitive = sensitiveScope !== null && (await isUnitVisible(ctx.db, sensitiveScope, unitId, asOf));
  // The stock and the period's flows are read side by side (one waited for the other: ~40 ms of a
  // merged province's figures, 10–15 ms of a commune's, at 6.3 M members). Both settle before
  // either's failure is thrown, in the order the reads had: the stock's, then the audit, then the
  // period's.
  const periods =
    period && period.from <= period.to ? [period, previousPeriod(period), lastYearOf(period)] : null;
  const [stockRead, flowsRead] = await Promise.allSettled([
    stockOn(ctx.db, unitId, asOf, scope, sensitive),
    periods ? flowsInPeriods(ctx.db, unitId, periods, scope) : null,
  ]);
  if (stockRead.status === 'rejected') throw stockRead.reason;
  const stock = stockRead.value;
  if (sensitive)
    await ctx.db.transaction().execute((trx) =>
      recordAudit(trx, actor, {
        action: 'member.read_sensitive',
        entity: { type: 'unit', id: unitId },
        unitIds: [unitId],
        after: { read: 'figures by ethnicity and religion', asOf },
      }),
    );
  if (!period) return { unitId, stock };
  if (period.to < period.from)
    throw new AppError('validation_failed', { field: 'to', params: { reason: 'reason:minimum' } });
  if (flowsRead.status === 'rejected') throw flowsRead.reason;
  const [current, before, yearBefore] = flowsRead.value!;
  return { unitId, stock, period: { current: current!, previous: before!, lastYear: yearBefore! } };
}

/**
 * The period just before: whole months when the period is whole months (a quarter before a quarter,
 * the year before a year, whatever the leap days), else the same number of days.
 */
function previousPeriod(period: { from: IsoDate; to: IsoDate }): { from: IsoDate; to: IsoDate } {
  const next = addDays(period.to, 1);
  if (period.from.endsWith('-01') && next.endsWith('-01')) {
    const months = completeMonthsBetween(period.from, next);
    return { from: addMonths(period.from, -months), to: addDays(period.from, -1) };
  }
  const days = Math.round((Date.parse(period.to) - Date.parse(period.from)) / 86_400_000) + 1;
  return { from: addDays(period.from, -days), to: addDays(period.from, -1) };
}

/** The same period a year earlier. */
function lastYearOf(period: { from: IsoDate; to: IsoDate }): { from: IsoDate; to: IsoDate } {
  return { from: shiftYear(period.from), to: shiftYear(period.to) };
}

function shiftYear(date: IsoDate): IsoDate {
  const [y, m, d] = date.split('-');
  const year = String(Number(y) - 1).padStart(4, '0');
  // 29 February a year earlier is 28 February.
  return m === '02' && d === '29' ? `${year}-02-28` : `${year}-${m}-${d}`;
}

/**
 * Members of a subtree on a day. A unit that keeps roll-ups (a large subtree, ADR 0006) answers from
 * them; any other is counted directly. Both count the same way: attributes from the record as it
 * now reads, age as the age reached in the year of the day asked (the statistical forms' count).
 */
export async function stockOn(
  db: Db,
  unitId: number,
  day: IsoDate,
  scope: Scope,
  sensitive: boolean,
): Promise<MemberStock> {
  // A reader who holds the whole subtree may use its roll-up; a partial reader is counted directly.
  // Only for a day the unit stood (before it was made, its predecessors are counted directly).
  if (await subtreeWithin(db, unitId, day, scope)) {
    if (await hasRollup(db, unitId))
      return stockFromRollup(await rollupCounts(db, unitId, day), day, sensitive);
  } else {
    // A unit made by a merger, asked about a day before it: the sum of its predecessors' roll-ups.
    const parts = await rollupPredecessors(db, unitId, day, day, scope);
    if (parts) {
      const sum = new Map<string, { measure: string; value: string; count: number }>();
      for (const counts of await Promise.all(parts.map((part) => rollupCounts(db, part, day))))
        for (const c of counts) {
          const key = `${c.measure}|${c.value}`;
          const entry = sum.get(key) ?? { ...c, count: 0 };
          entry.count += c.count;
          sum.set(key, entry);
        }
      return stockFromRollup([...sum.values()], day, sensitive);
    }
  }
  return countStockDirectly(db, unitId, day, scope, sensitive);
}

/**
 * The units whose subtrees made up a unit's on days it did not stand (a merged unit's past: its
 * predecessors, as `rb_scope_paths` finds them), when each stood on every one of those days, none
 * inside another, each keeps roll-ups and the reader held each whole; otherwise null (counted
 * directly). Their roll-ups then add up to the unit's figures.
 */
export async function rollupPredecessors(
  db: Db,
  unitId: number,
  from: IsoDate,
  to: IsoDate,
  scope: Scope,
): Promise<number[] | null> {
  const rows = await sql<{ id: number; path: string; whole: boolean; rollup: boolean; stood: boolean }>`
    select t.unit_id as id, min(ltree2text(t.path)) as path,
      range_agg(t.valid) @> daterange(${from}::date, ${to}::date, '[]') and count(distinct t.path) = 1 as whole,
      exists (select 1 from member_rollup_unit r where r.unit_id = t.unit_id) as rollup,
      exists (select 1 from unit_tree c where c.unit_id = ${unitId}
        and c.valid && daterange(${from}::date, ${to}::date, '[]')) as stood
    from unit_tree t
    where t.unit_id in ${predecessorsOf([unitId])} and t.valid && daterange(${from}::date, ${to}::date, '[]')
    group by t.unit_id`.execute(db);
  const parts = rows.rows;
  if (parts.length === 0 || parts.some((p) => p.stood || !p.whole || !p.rollup)) return null;
  if (parts.some((p) => parts.some((q) => p.path.startsWith(`${q.path}.`)))) return null;
  // Held whole: under a grant on the path (heldWholeThrough), or — a reader whose grant is the
  // merged unit itself — inside its scope's paths on those days, which are its predecessors'.
  for (const p of parts)
    if (
      !(await heldWholeThrough(db, Number(p.id), from, to, scope)) &&
      !(await pathInScopeOn(db, p.path, [from, to], scope))
    )
      return null;
  return parts.map((p) => Number(p.id));
}

/** A path lies inside the scope on each of these days (the scope's units, or their predecessors). */
async function pathInScopeOn(db: Db, path: string, days: readonly IsoDate[], scope: Scope): Promise<boolean> {
  for (const day of days) {
    const rows = await sql<{
      ok: boolean;
    }>`select ${pathInScope(scope, sql`${path}::ltree`, day)} as ok`.execute(db);
    if (rows.rows[0]?.ok !== true) return false;
  }
  return true;
}

/**
 * Members of a subtree on a day, counted from the spans themselves (small subtrees; the reference).
 * The record's attributes are read from the copies in the span rows (migration 0019), so the count
 * is an index-only scan of the subtree's units in member_span_counted: reading each member's record
 * was a random read per member (0.2–1.3 s for a commune at 6 M members).
 */
export async function countStockDirectly(
  db: Db,
  unitId: number,
  day: IsoDate,
  scope: Scope,
  sensitive: boolean,
): Promise<MemberStock> {
  const rows = await sql<{
    status: string;
    sex: string | null;
    age: number | null;
    ethnicity: string | null;
    religion: string | null;
    exempted: boolean;
    suspended: boolean;
    transit: boolean;
    n: number;
  }>`
    select s.status, s.sex, extract(year from ${day}::date)::int - s.birth_year as age,
      ${sensitive ? sql`s.ethnicity` : sql`null::text`} as ethnicity,
      ${sensitive ? sql`s.religion` : sql`null::text`} as religion,
      s.exempted, s.suspended, s.transfer_to_unit_id is not null as transit, count(*)::int as n
    from member_span s
    join unit_tree t on t.unit_id = s.unit_id and t.valid @> ${day}::date
    where s.valid @> ${day}::date and s.status <> 'left'
      and ${await withinSubtreeOn(db, sql`t.path`, day, { unitId, scope })}
    group by 1, 2, 3, 4, 5, 6, 7, 8`.execute(db);
  const tally = (key: (r: (typeof rows.rows)[number]) => string | null, onlyMembers = true): Count[] => {
    const map = new Map<string, number>();
    for (const r of rows.rows) {
      if (onlyMembers && r.status !== 'probationary' && r.status !== 'official') continue;
      const k = key(r) ?? 'unknown';
      map.set(k, (map.get(k) ?? 0) + r.n);
    }
    return [...map].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count);
  };
  const members = rows.rows.filter((r) => r.status === 'probationary' || r.status === 'official');
  const sum = (list: typeof rows.rows) => list.reduce((n, r) => n + r.n, 0);
  const byAgeBand = tally((r) => (r.age === null ? null : AGE_BANDS.find((b) => r.age! <= b.max)!.band));
  const order = [...AGE_BANDS.map((b) => b.band), 'unknown'];
  byAgeBand.sort((a, b) => order.indexOf(a.value) - order.indexOf(b.value));
  const statusOrder = ['applicant', 'admitted', 'probationary', 'official'];
  return {
    asOf: day,
    members: sum(members),
    byStatus: tally((r) => r.status, false).sort(
      (a, b) => statusOrder.indexOf(a.value) - statusOrder.indexOf(b.value),
    ),
    exempted: sum(members.filter((r) => r.exempted)),
    suspended: sum(members.filter((r) => r.suspended)),
    inTransit: sum(members.filter((r) => r.transit)),
    bySex: tally((r) => r.sex),
    byAgeBand,
    ...(sensitive && { byEthnicity: tally((r) => r.ethnicity), byReligion: tally((r) => r.religion) }),
  };
}

/** The unit's whole subtree on the day lies inside the scope (a grant on it or above). */
async function subtreeWithin(db: Db, unitId: number, day: IsoDate, scope: Scope): Promise<boolean> {
  const rows = await sql<{
    ok: boolean;
  }>`select coalesce(bool_and(${pathInScope(scope, sql`t.path`, day)}), false) as ok
    from unit_tree t where t.unit_id = ${unitId} and t.valid @> ${day}::date`.execute(db);
  return rows.rows[0]?.ok === true;
}

export async function stockFromRollupOf(db: Db, unitId: number, day: IsoDate): Promise<MemberStock> {
  return stockFromRollup(await rollupCounts(db, unitId, day), day, true);
}

function stockFromRollup(
  counts: ReadonlyArray<{ measure: string; value: string; count: number }>,
  day: IsoDate,
  sensitive: boolean,
): MemberStock {
  const of = (measure: string) =>
    counts
      .filter((c) => c.measure === measure)
      .map((c) => ({ value: c.value, count: c.count }))
      .sort((a, b) => b.count - a.count);
  const one = (measure: string) => counts.find((c) => c.measure === measure && c.value === 'yes')?.count ?? 0;
  const statusOrder = ['applicant', 'admitted', 'probationary', 'official'];
  const byStatus = of('status').sort((a, b) => statusOrder.indexOf(a.value) - statusOrder.indexOf(b.value));
  const year = Number(day.slice(0, 4));
  const bands = new Map<string, number>();
  for (const c of of('birth_year')) {
    const band =
      c.value === 'unknown' ? 'unknown' : AGE_BANDS.find((b) => year - Number(c.value) <= b.max)!.band;
    bands.set(band, (bands.get(band) ?? 0) + c.count);
  }
  const order = [...AGE_BANDS.map((b) => b.band), 'unknown'];
  return {
    asOf: day,
    members: byStatus
      .filter((s) => s.value === 'probationary' || s.value === 'official')
      .reduce((n, s) => n + s.count, 0),
    byStatus,
    exempted: one('exempted'),
    suspended: one('suspended'),
    inTransit: one('in_transit'),
    bySex: of('sex'),
    byAgeBand: [...bands]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => order.indexOf(a.value) - order.indexOf(b.value)),
    ...(sensitive && { byEthnicity: of('ethnicity'), byReligion: of('religion') }),
  };
}

/**
 * Events of a period in a subtree. A unit that keeps roll-ups answers from their running totals
 * (ADR 0006) when it stood through the whole period and the day before it (exits count where the
 * member stood the day before) and the reader held it whole all along; any other case is counted
 * from the events.
 */
export async function flowsIn(
  db: Db,
  unitId: number,
  period: { from: IsoDate; to: IsoDate },
  scope: Scope,
): Promise<MemberFlows> {
  return (await flowsInPeriods(db, unitId, [period], scope))[0]!;
}

/**
 * Events of several periods in a subtree (a quarter, the quarter before, a year earlier), as
 * `flowsIn` counts each: those counted from the events are counted together, in one pass over the
 * subtree's spans and one over each period's flow events.
 */
async function flowsInPeriods(
  db: Db,
  unitId: number,
  periods: ReadonlyArray<{ from: IsoDate; to: IsoDate }>,
  scope: Scope,
): Promise<MemberFlows[]> {
  const answers: Array<MemberFlows | null> = [];
  const counted: Array<{ from: IsoDate; to: IsoDate }> = [];
  const rollup = await hasRollup(db, unitId);
  // The units under a merged unit's predecessors are looked up once, for the days of all periods.
  const span = {
    from: addDays(
      periods.map((p) => p.from).reduce((a, b) => (a < b ? a : b)),
      -1,
    ),
    to: periods.map((p) => p.to).reduce((a, b) => (a > b ? a : b)),
  };
  // Periods of a merged unit with the same predecessors are counted together.
  const merged = new Map<
    string,
    { within: string[]; items: Array<{ index: number; counts: Map<string, number> }> }
  >();
  // The periods the unit's own roll-up answers, and each predecessor's periods, are read together
  // (one query per unit for all their days).
  const fromRollup: number[] = [];
  const partPeriods = new Map<number, number[]>();
  // How each period is counted, the periods looked at side by side (a dozen small queries).
  const ways = await Promise.all(
    periods.map(async (period) => {
      const day = addDays(period.from, -1);
      if (rollup && (await heldWholeThrough(db, unitId, day, period.to, scope))) return 'rollup' as const;
      // A unit made by a merger, asked about a period before it: its predecessors' roll-ups add
      // up, but for transfers between them (inside the unit, not across its border): a transfer
      // out to another predecessor is taken back, and transfers in are counted.
      const parts = await rollupPredecessors(db, unitId, day, period.to, scope);
      if (!parts) return 'counted' as const;
      return { parts, within: await pathsOn(db, parts, period.to) };
    }),
  );
  for (const [index, way] of ways.entries()) {
    answers.push(null);
    if (way === 'rollup') fromRollup.push(index);
    else if (way === 'counted') counted.push(periods[index]!);
    else {
      for (const part of way.parts) partPeriods.set(part, [...(partPeriods.get(part) ?? []), index]);
      const key = [...way.within].sort().join(' ');
      const group = merged.get(key) ?? { within: way.within, items: [] };
      group.items.push({ index, counts: new Map() });
      merged.set(key, group);
    }
  }
  // The reads below are independent of each other and mostly waits on random reads (a merged
  // province's transfers in and out: ~100 ms each at 6.3 M members), so they run side by side, on
  // connections of their own where the pool has them.
  const reads: Array<Promise<void>> = [];
  if (fromRollup.length)
    reads.push(
      flowTotalsIn(
        db,
        unitId,
        fromRollup.map((i) => periods[i]!),
      ).then((totals) => {
        for (const [k, index] of fromRollup.entries())
          answers[index] = flowsOf(
            periods[index]!,
            [...totals[k]!].map(([kind, n]) => ({ kind, n })),
          );
      }),
    );
  const countsOf = new Map(
    [...merged.values()].flatMap((g) => g.items.map((i) => [i.index, i.counts] as const)),
  );
  for (const [part, indexes] of partPeriods)
    reads.push(
      flowTotalsIn(
        db,
        part,
        indexes.map((i) => periods[i]!),
      ).then((totals) => {
        for (const [k, index] of indexes.entries()) {
          const counts = countsOf.get(index)!;
          for (const [kind, n] of totals[k]!)
            if (kind !== 'transfer_in') counts.set(kind, (counts.get(kind) ?? 0) + n);
        }
      }),
    );
  const transfers = new Map<number, { out: number; in: number }>();
  for (const { within, items } of merged.values())
    reads.push(
      treesUnder(db, within, span.from, span.to).then(async (trees) => {
        const these = items.map((i) => periods[i.index]!);
        const [internal, transfersIn] = await Promise.all([
          transfersOutBetween(db, these, trees),
          transfersInto(db, these, trees, span),
        ]);
        for (const [k, { index }] of items.entries())
          transfers.set(index, { out: internal[k]!, in: transfersIn[k]! });
      }),
    );
  await Promise.all(reads);
  for (const { items } of merged.values())
    for (const { index, counts } of items) {
      // Transfers out to another predecessor are taken back; transfers in are those counted.
      const { out, in: transfersIn } = transfers.get(index)!;
      counts.set('transfer_out', (counts.get('transfer_out') ?? 0) - out);
      counts.set('transfer_in', transfersIn);
      answers[index] = flowsOf(
        periods[index]!,
        [...counts].map(([kind, n]) => ({ kind, n })),
      );
    }
  const direct = counted.length ? await countFlowsDirectlyIn(db, unitId, counted, scope) : [];
  return answers.map((a) => a ?? direct.shift()!);
}

/**
 * The tree rows under these paths on some day from `from` to `to`, each with the paths (their
 * places in `within`, from 1) it lies under: the units that stood in a merged unit's predecessors
 * meanwhile, and which predecessor each stood in on which days. Looked up once and handed to both
 * counts of transfers as values (`treesSql`): each working them out again cost 15–20 ms at 6.3 M
 * members, on the way of the reads that follow.
 */
interface TreeRows {
  units: number[];
  unitIds: number[];
  valids: string[];
  ws: string[];
}

async function treesUnder(db: Db, within: readonly string[], from: IsoDate, to: IsoDate): Promise<TreeRows> {
  const rows = await sql<{ unitId: number; valid: string; ws: string }>`
    select t.unit_id as "unitId", t.valid::text as valid, array_agg(w.i)::text as ws from unit_tree t
    join unnest(${[...within]}::ltree[]) with ordinality w (path, i) on t.path <@ w.path
    where t.valid && daterange(${from}::date, ${to}::date, '[]')
    group by 1, 2`.execute(db);
  return {
    units: [...new Set(rows.rows.map((r) => Number(r.unitId)))],
    unitIds: rows.rows.map((r) => r.unitId),
    valids: rows.rows.map((r) => r.valid),
    ws: rows.rows.map((r) => r.ws),
  };
}

/** SQL: `TreeRows` as a relation (unit_id, valid, ws). */
function treesSql(trees: TreeRows) {
  return sql`select t.unit_id, t.valid, t.ws::int[] as ws
    from unnest(${trees.unitIds}::bigint[], ${trees.valids}::daterange[], ${trees.ws}::text[]) as t (unit_id, valid, ws)`;
}

/**
 * Transfers out, in each period, from a unit under one of these paths to a unit under another: each
 * predecessor's roll-up counts them (their target is outside it), their merged successor must not.
 * Only transfers addressed to a unit under the paths can be such, found among the periods' events
 * by their target before any is read: a quarter has thousands of transfers at national scale, and
 * placing each took 0.2 s of a merged province's figures. Both ends are placed by the tree rows
 * under the paths, hashed (looked up per transfer, each was two more probes of unit_tree), and
 * only the transfers found crossing are read whole (~500 addressed in three quarters at 6.3 M
 * members, a handful crossing): what is left per transfer is its member's unit on its day, read
 * from member_period_by_member (0024), which holds it beside the days — one index page per
 * transfer, where the span's GiST index and row read 826 pages from disk for 560 transfers
 * (0.6 s) when the register was not in memory.
 */
async function transfersOutBetween(
  db: Db,
  periods: ReadonlyArray<{ from: IsoDate; to: IsoDate }>,
  trees: TreeRows,
): Promise<number[]> {
  const ranges = periods.map(
    (p, i) => sql`select e.id, e.member_id, e.event_date as day, e.unit_id as target, ${sql.lit(i + 1)} as n
      from member_event e
      where e.type = 'transfer_out' and e.event_date between ${p.from}::date and ${p.to}::date
        and e.corrected_at is null and e.unit_id = any(${trees.units}::bigint[])`,
  );
  const rows = await sql<{ n: number; count: number }>`
    with trees as materialized (${treesSql(trees)}),
    sent as materialized (
      select x.id, x.member_id, x.day, x.n, tt.ws
      from (${sql.join(ranges, sql` union all `)}) x
      join trees tt on tt.unit_id = x.target and tt.valid @> x.day
    ),
    crossing as materialized (
      select x.id, x.n from sent x
      join member_period p on p.member_id = x.member_id and p.valid @> x.day
      join trees th on th.unit_id = p.unit_id and th.valid @> x.day
      where not th.ws && x.ws
    )
    select c.n, count(*)::int as count
    from crossing c
    join member_event e on e.id = c.id
    where e.details ->> 'transferKind' <> 'temporary'
    group by 1`.execute(db);
  return periods.map((_, i) => rows.rows.find((r) => Number(r.n) === i + 1)?.count ?? 0);
}

/**
 * Transfers in, in each period, into a unit under these paths from outside them all: a merged
 * unit's before it was made, which its predecessors' roll-ups cannot give (a transfer between two
 * of them is internal to it). As the direct count places them: the member stands under the paths on
 * the day, and did not the day before, in another unit. A transfer in that counts moves its member
 * to another unit that day, so a span starts that day in a unit that stood under the paths: the
 * periods' transfers in are matched to those spans' (member, first day), hashed, and only the
 * arrivals found are placed. Matched by member alone, every transfer in of every member whose span
 * started in a period (twice as many) was read whole and its span looked up again (~100 ms of a
 * merged province's figures at 6.3 M members); the spans are read in one range per unit for all
 * periods (each period a range of its own read each unit's index three times).
 */
async function transfersInto(
  db: Db,
  periods: ReadonlyArray<{ from: IsoDate; to: IsoDate }>,
  trees: TreeRows,
  span: { from: IsoDate; to: IsoDate },
): Promise<number[]> {
  const ranges = periods.map(
    (p, i) => sql`select e.member_id, e.event_date as day, ${sql.lit(i + 1)} as n from member_event e
      where e.type = 'transfer_in' and e.event_date between ${p.from}::date and ${p.to}::date
        and e.corrected_at is null`,
  );
  const first = periods.map((p) => p.from).reduce((a, b) => (a < b ? a : b));
  const arrivals = await sql<{ memberId: number; day: string; unitId: number; n: number }>`
    with landed as materialized (
      select s.member_id, lower(s.valid) as day, s.unit_id from member_span s
      where s.unit_id = any(${trees.units}::bigint[]) and lower(s.valid) between ${first}::date and ${span.to}::date
    )
    select x.member_id as "memberId", to_char(x.day, 'YYYY-MM-DD') as day, l.unit_id as "unitId", x.n
    from (${sql.join(ranges, sql` union all `)}) x
    join landed l on l.member_id = x.member_id and l.day = x.day`.execute(db);
  if (arrivals.rows.length === 0) return periods.map(() => 0);
  const a = arrivals.rows;
  const rows = await sql<{ n: number; count: number }>`
    with trees as materialized (${treesSql(trees)})
    select x.n, count(*)::int as count
    from unnest(${a.map((r) => r.memberId)}::bigint[], ${a.map((r) => r.day)}::date[],
      ${a.map((r) => r.unitId)}::bigint[], ${a.map((r) => r.n)}::int[]) as x (member_id, day, unit_id, n)
    left join lateral (select p.unit_id from member_span p
      where p.member_id = x.member_id and p.valid @> x.day - 1) before on true
    where exists (select 1 from trees t where t.unit_id = x.unit_id and t.valid @> x.day)
      and x.unit_id is distinct from before.unit_id
      and not exists (select 1 from trees t where t.unit_id = before.unit_id and t.valid @> x.day - 1)
    group by 1`.execute(db);
  return periods.map((_, i) => rows.rows.find((r) => Number(r.n) === i + 1)?.count ?? 0);
}

/**
 * The unit stood on every day from `from` to `to` (a merged unit had not: its past is its
 * predecessors'), each day under one of the reader's grants (or the reader reads everywhere): a
 * grant on a unit on its path holds its whole subtree that day.
 */
async function heldWholeThrough(
  db: Db,
  unitId: number,
  from: IsoDate,
  to: IsoDate,
  scope: Scope,
): Promise<boolean> {
  const underGrant = scope.all
    ? sql`true`
    : sql`bool_and(string_to_array(ltree2text(path), '.')::bigint[] && ${[...scope.roots]}::bigint[])`;
  const rows = await sql<{ ok: boolean }>`
    select coalesce(range_agg(valid) @> daterange(${from}::date, ${to}::date, '[]') and ${underGrant}, false) as ok
    from unit_tree where unit_id = ${unitId} and valid && daterange(${from}::date, ${to}::date, '[]')`.execute(
    db,
  );
  return rows.rows[0]?.ok === true;
}

/** A period's flows from a unit's roll-up: the running totals at its end less those the day before. */
export async function flowsFromRollupOf(
  db: Db,
  unitId: number,
  period: { from: IsoDate; to: IsoDate },
): Promise<MemberFlows> {
  const [totals] = await flowTotalsIn(db, unitId, [period]);
  return flowsOf(
    period,
    [...totals!].map(([kind, n]) => ({ kind, n })),
  );
}

/**
 * Periods' events by kind under a rollup unit: for each, the running totals at its end less those
 * the day before it began, all read in one query.
 */
async function flowTotalsIn(
  db: Db,
  unitId: number,
  periods: ReadonlyArray<{ from: IsoDate; to: IsoDate }>,
): Promise<Array<Map<string, number>>> {
  const days = periods.flatMap((p) => [p.to, addDays(p.from, -1)]);
  const totals = (await rollupCountsOn(db, unitId, days, 'flow')).map(
    (counts) => new Map(counts.map((c) => [c.value, c.count] as const)),
  );
  return periods.map((_, i) => {
    const [end, start] = [totals[2 * i]!, totals[2 * i + 1]!];
    return new Map(
      [...end].map(([kind, n]) => [kind, n - (start.get(kind) ?? 0)] as const).filter(([, n]) => n),
    );
  });
}

/** The figures of a period from counts by event kind ('admission', 'exit:deceased', …). */
function flowsOf(
  period: { from: IsoDate; to: IsoDate },
  counts: ReadonlyArray<{ kind: string; n: number }>,
): MemberFlows {
  const get = (k: string) => counts.find((r) => r.kind === k)?.n ?? 0;
  return {
    from: period.from,
    to: period.to,
    admissions: get('admission'),
    readmissions: get('readmission'),
    recognitions: get('recognition'),
    transfersIn: get('transfer_in'),
    transfersOut: get('transfer_out'),
    exits: counts
      .filter((r) => r.kind.startsWith('exit:'))
      .map((r) => ({ value: r.kind.slice(5), count: r.n }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)),
  };
}

/**
 * Events of a period in the subtree as it stood on each event's day (a merged unit's figures of
 * last year are its predecessors'): admissions, recognitions, transfers across the subtree's
 * border, exits by reason. The reference the roll-ups are tested against.
 */
export async function countFlowsDirectly(
  db: Db,
  unitId: number,
  period: { from: IsoDate; to: IsoDate },
  scope: Scope,
): Promise<MemberFlows> {
  return (await countFlowsDirectlyIn(db, unitId, [period], scope))[0]!;
}

/** `countFlowsDirectly` for several periods at once, in the order given. */
async function countFlowsDirectlyIn(
  db: Db,
  unitId: number,
  periods: ReadonlyArray<{ from: IsoDate; to: IsoDate }>,
  scope: Scope,
): Promise<MemberFlows[]> {
  // Every event counted here is a member's who stood in the subtree on its day or the day before:
  // the members with a span, in a period or the day before it, in a unit that ever stood in the
  // subtree (or its predecessors') are the only ones whose events need reading. Those spans also
  // place the events: an event's unit (or the day before's) that is none of theirs is outside the
  // subtree that day.
  const froms = periods.map((p) => p.from);
  const tos = periods.map((p) => p.to);
  const spans = sql`select s.member_id, s.unit_id, s.valid from member_span s
    where s.unit_id = any(${await unitsEver(db, unitId)}::bigint[])
      and s.valid && any(array(select daterange(f - 1, t, '[]') from unnest(${froms}::date[], ${tos}::date[]) as p (f, t)))`;
  const inside = (day: ReturnType<typeof sql>) => inSubtree(sql`subtree`, scope, sql`t.path`, day);
  // The candidates' events are found among the periods' flow events (member_event_flows: by type
  // and day, with their member, target and id), hashed, rather than member by member: a commune's
  // 2–3 k members were as many random reads of member_event_by_member (1.2 s for a commune at 6 M
  // members, against one pass over the 73 k flow events of a quarter). Each period is a range of
  // its own, its days given as values, so the planner sizes it; OFFSET 0 keeps it a whole (joined
  // to the candidates, it would be those member-by-member reads again). Each event found takes its
  // member's unit that day and the day before from the candidates' spans, so that only what the
  // index does not hold is then read, in a query of its own: the details of transfers out and
  // disciplines, and the span of an exit whose member's day is none of those spans. Read whole and
  // placed through member_span by member, each event was two random reads (60 hits: 60 ms cold).
  // Joined in, the planner guessed every flow event of the periods would be found, costed the rest
  // in the millions and had a server compile it first (JIT).
  const ranges = periods.map(
    (
      p,
      i,
    ) => sql`select e.id, e.member_id, e.type, e.event_date as day, e.unit_id as target, ${sql.lit(i + 1)} as n
      from member_event e
      where e.type = any(${FLOW_EVENT_TYPES}) and e.event_date between ${p.from}::date and ${p.to}::date
        and e.corrected_at is null`,
  );
  const hits = await sql<{
    id: number;
    memberId: number;
    type: string;
    day: string;
    target: number | null;
    n: number;
    unitAt: number | null;
    unitBefore: number | null;
  }>`
    with spans as materialized (${spans})
    select f.id, f.member_id as "memberId", f.type, to_char(f.day, 'YYYY-MM-DD') as day, f.target, f.n,
      at_day.unit_id as "unitAt", before.unit_id as "unitBefore"
    from (select * from (${sql.join(ranges, sql` union all `)}) u offset 0) f
    left join spans at_day on at_day.member_id = f.member_id and at_day.valid @> f.day
    left join spans before on before.member_id = f.member_id and before.valid @> f.day - 1
    where f.member_id in (select member_id from spans)`.execute(db);
  // What can count: an entry or a transfer where the member stood in one of the spans that day, an
  // exit where they did the day before (else outside the subtree: not counted).
  const exits = ['non_recognition', 'removal', 'resignation', 'death', 'discipline'];
  const found = hits.rows.filter((h) => (exits.includes(h.type) ? h.unitBefore !== null : h.unitAt !== null));
  if (found.length === 0) return periods.map((p) => flowsOf(p, []));
  const column = <T>(pick: (h: (typeof found)[number]) => T) => found.map(pick);
  const rows = await sql<{ n: number; kind: string; count: number }>`
    with subtree as materialized (${subtreeRows(unitId)}),
    ev as (
      select x.*,
        -- Read only for the types whose details count (a lateral join read every event).
        case when x.type in ('transfer_out', 'discipline')
          then (select e.details from member_event e where e.id = x.id) end as details
      from unnest(${column((h) => h.id)}::bigint[], ${column((h) => h.memberId)}::bigint[],
        ${column((h) => h.type)}::text[], ${column((h) => h.day)}::date[], ${column((h) => h.target)}::bigint[],
        ${column((h) => h.n)}::int[], ${column((h) => h.unitAt)}::bigint[], ${column((h) => h.unitBefore)}::bigint[])
        as x (id, member_id, type, day, target, n, unit_at, unit_before)
      -- The event counts only if its member has a span that day (as the count always had it):
      -- known when it is one of the candidates' spans, else looked up.
      where x.unit_at is not null
        or exists (select 1 from member_span p where p.member_id = x.member_id and p.valid @> x.day)
    ),
    placed as (
      select ev.*, exists (select 1 from unit_tree t where t.unit_id = ev.unit_at and t.valid @> ev.day
          and ${inside(sql`ev.day`)}) as here,
        exists (select 1 from unit_tree t where t.unit_id = ev.target and t.valid @> ev.day
          and ${inside(sql`ev.day`)}) as target_here,
        exists (select 1 from unit_tree t where t.unit_id = ev.unit_before and t.valid @> ev.day - 1
          and ${inside(sql`ev.day - 1`)}) as before_here
      from ev
    )
    select n, ${flowKind(sql`type`)} as kind,
      count(*)::int as count
    from placed
    where case
        when type = 'transfer_out' then here and details ->> 'transferKind' <> 'temporary' and not target_here
        when type = 'transfer_in' then here and not before_here and unit_at is distinct from unit_before
        when type = 'discipline' then before_here and details ->> 'form' = 'expulsion'
        when type in ('non_recognition', 'removal', 'resignation', 'death') then before_here
        else here end
    group by 1, 2`.execute(db);
  return periods.map((p, i) =>
    flowsOf(
      p,
      rows.rows.filter((r) => Number(r.n) === i + 1).map((r) => ({ kind: r.kind, n: r.count })),
    ),
  );
}

export interface WorkItem {
  memberId: number;
  fullName: string;
  unitId: number | null;
  unitCode: string | null;
  kind:
    | 'ceremony'
    | 'recognition'
    | 'transfer_slip'
    | 'suspension_end'
    | 'temporary_return'
    | 'incoming_transfer'
    | 'missing_fields';
  since: IsoDate | null;
  due: IsoDate | null;
  overdue: boolean;
  missing: string[] | null;
}

/**
 * Units up to which a subtree's deadlines are found from its members' periods (a commune has 10–25
 * units, a province 1–3.5 k): beyond, from the deadlines due in the whole organization.
 */
const SMALL_SUBTREE_UNITS = 200;

/**
 * What the statute says is due in a subtree: ceremonies, probation reviews, transfer slips,
 * suspensions ending, temporary stays ending (within `horizonDays` of the day, or overdue);
 * transfers waiting for this subtree to accept them; members whose record lacks required fields.
 */
export async function workList(
  ctx: AppContext,
  actor: Actor,
  args: {
    unitId?: number;
    asOf: IsoDate;
    horizonDays: number;
    limit: number;
    /** SMALL_SUBTREE_UNITS, lower in tests: a province of a few units read as a large one. */
    smallSubtreeUnits?: number;
  },
): Promise<WorkItem[]> {
  const scope = requireScope(actor, 'members.read');
  const day = args.asOf;
  if (args.unitId !== undefined && !(await isUnitVisible(ctx.db, scope, args.unitId, day)))
    throw new AppError('unit_not_found', { params: { unit: `#${args.unitId}` } });
  const within = await withinSubtreeOn(ctx.db, sql`t.path`, day, {
    scope,
    ...(args.unitId !== undefined && { unitId: args.unitId }),
  });
  const periods = await periodInSubtree(ctx.db, day, args.unitId === undefined && scope.all ? null : within);
  const horizon = addDays(day, args.horizonDays);
  const required = ctx.rules.members.pack.customFields.filter((f) => f.required).map((f) => f.code);
  // The items in their order — dated deadlines by due day, then transfers waiting, then records
  // lacking fields, each by name (records lacking fields as the member list orders names: folded,
  // code point by code point) — asked for kind by kind, until the page is full. One query over
  // all three sorted every member of a province lacking a field to show the first 200 deadlines
  // (4.4 s at 6 M members); deadlines are walked in order of their due day.
  const kinds: Array<(limit: number) => ReturnType<typeof sql<Omit<WorkItem, 'overdue'>>>> = [
    // A subtree of listed units: each deadline due is placed by its member's period of the day,
    // whose unit is tested in the list — one probe of member_period_by_member, which holds the
    // unit (0024) — and only those in the subtree read the name shown from the period's row.
    // Through the span, the tree row and the record, each of the 3.3 k deadlines due nationally
    // within 30 days cost three probes (69 ms for a province at 6.3 M members). A small subtree
    // (a commune, a cell) starts from its own members' periods instead: probing the nation's
    // deadlines took 18–27 ms of a commune's or a cell's work list.
    (limit) =>
      periods?.listed
        ? sql`
      with d as materialized (
        ${
          periods.units <= (args.smallSubtreeUnits ?? SMALL_SUBTREE_UNITS)
            ? sql`select d.member_id, d.kind, d.since, d.due, p.unit_id, p.valid
        from member_period p
        join member_deadline d on d.member_id = p.member_id
        where p.valid @> ${day}::date and ${periods.test} and d.due <= ${horizon}::date`
            : sql`select d.member_id, d.kind, d.since, d.due, p.unit_id, p.valid
        from member_deadline d
        -- A probe per deadline: joined, the planner read every period of the province's units instead.
        cross join lateral (select p.unit_id, p.valid from member_period p
          where p.member_id = d.member_id and p.valid @> ${day}::date limit 1) p
        where d.due <= ${horizon}::date and ${periods.test}`
        }
      ),
      page as (
        select d.*, p.full_name from d
        join member_period p on p.member_id = d.member_id and p.valid = d.valid
        order by d.due, d.kind, p.full_name, d.member_id
        limit ${limit}
      )
      -- The unit's code for the page's rows only: joined before, every unit was hashed (32 ms).
      select page.member_id as "memberId", page.full_name as "fullName", page.unit_id as "unitId", v.code as "unitCode",
        page.kind, to_char(page.since, 'YYYY-MM-DD') as since, to_char(page.due, 'YYYY-MM-DD') as due,
        null::text[] as missing
      from page
      join unit_version v on v.unit_id = page.unit_id and v.superseded_at is null and v.valid @> ${day}::date
      order by page.due, page.kind, page.full_name, page.member_id`
        : sql`
      select d.member_id as "memberId", r.full_name as "fullName", s.unit_id as "unitId", v.code as "unitCode",
        d.kind, to_char(d.since, 'YYYY-MM-DD') as since, to_char(d.due, 'YYYY-MM-DD') as due, null::text[] as missing
      from member_deadline d
      join member_span s on s.member_id = d.member_id and s.valid @> ${day}::date
      join unit_tree t on t.unit_id = s.unit_id and t.valid @> ${day}::date
      join unit_version v on v.unit_id = s.unit_id and v.superseded_at is null and v.valid @> ${day}::date
      join member_record r on r.member_id = d.member_id and r.superseded_at is null and r.valid @> ${day}::date
      where d.due <= ${horizon}::date and ${within}
      order by d.due, d.kind, r.full_name, d.member_id
      limit ${limit}`,
    // The spans in transit on a day are few among all that ever were (none today among 214 k at 6 M
    // members): they are found on their own, through member_span_in_transit, and then placed.
    // Joined to the subtree instead, the planner read every transit ever made into it (21–38 s for
    // a province at 6 M members).
    (limit) => sql`
      with s as materialized (
        select member_id, unit_id, transfer_to_unit_id, valid from member_span
        where valid @> ${day}::date and transfer_to_unit_id is not null
      )
      select s.member_id as "memberId", r.full_name as "fullName", s.unit_id as "unitId", v.code as "unitCode",
        'incoming_transfer' as kind, to_char(lower(s.valid), 'YYYY-MM-DD') as since, null as due, null::text[] as missing
      from s
      join unit_tree t on t.unit_id = s.transfer_to_unit_id and t.valid @> ${day}::date
      join unit_version v on v.unit_id = s.unit_id and v.superseded_at is null and v.valid @> ${day}::date
      join member_record r on r.member_id = s.member_id and r.superseded_at is null and r.valid @> ${day}::date
      where ${within}
      order by r.full_name, s.member_id
      limit ${limit}`,
    (limit) => {
      const missing = sql`array_remove(array[
          case when r.birth_date is null then 'birthDate' end,
          case when r.sex is null then 'sex' end,
          case when r.birth_place is null then 'birthPlace' end,
          case when r.home_town is null then 'homeTown' end,
          case when r.residence is null then 'residence' end,
          case when r.education is null then 'education' end
        ] || array(select 'custom.' || c from unnest(${required}::text[]) c where r.custom ->> c is null), null)`;
      // Only the built-in fields required: the members lacking one are member_period's incomplete
      // entries (0021), taken in name order — a large subtree walks member_period_incomplete_by_name
      // (0022) and stops after a page, a small one sorts its units' few entries; the planner
      // chooses. Through the records, a province with none had to rule out every incomplete record
      // of the register (520 k at 6.3 M members: 28 s), and sorting a province's by full name to
      // show 200 took 135–160 ms.
      if (periods && required.length === 0)
        return sql`
          with page as materialized (
            select p.member_id, p.unit_id, p.name from member_period p
            where p.incomplete and p.valid @> ${day}::date and p.status in ('probationary', 'official')
              and ${periods.test}
            order by p.name, p.member_id
            limit ${limit}
          )
          select page.member_id as "memberId", r.full_name as "fullName", page.unit_id as "unitId",
            v.code as "unitCode", 'missing_fields' as kind, null as since, null as due, ${missing} as missing
          from page
          join member_record r on r.member_id = page.member_id and r.superseded_at is null and r.valid @> ${day}::date
          join unit_version v on v.unit_id = page.unit_id and v.superseded_at is null and v.valid @> ${day}::date
          order by page.name, page.member_id`;
      return sql`
      select s.member_id as "memberId", r.full_name as "fullName", s.unit_id as "unitId", v.code as "unitCode",
        'missing_fields' as kind, null as since, null as due, ${missing} as missing
      from member_span s
      join unit_tree t on t.unit_id = s.unit_id and t.valid @> ${day}::date
      join unit_version v on v.unit_id = s.unit_id and v.superseded_at is null and v.valid @> ${day}::date
      join member_record r on r.member_id = s.member_id and r.superseded_at is null and r.valid @> ${day}::date
      where s.valid @> ${day}::date and s.status in ('probationary', 'official') and ${within}
        and ((r.birth_date is null or r.sex is null or r.birth_place is null or r.home_town is null
          or r.residence is null or r.education is null)
          ${
            // Written apart, so that the built-in fields alone match member_record_incomplete.
            required.length
              ? sql`or exists (select 1 from unnest(${required}::text[]) c where r.custom ->> c is null)`
              : sql``
          })
      -- The member list's order (member_period.name is this folded name, collation "C").
      order by r.search_text collate "C", s.member_id
      limit ${limit}`;
    },
  ];
  const items: Array<Omit<WorkItem, 'overdue'>> = [];
  for (const kind of kinds) {
    if (items.length >= args.limit) break;
    items.push(...(await kind(args.limit - items.length).execute(ctx.db)).rows);
  }
  return items.map((r) => ({ ...r, overdue: r.due !== null && r.due < day }));
}
