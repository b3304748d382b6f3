import { addMonths, daysBetween, type IsoDate } from '@rollbook/domain';
import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Db } from '../units/units.repository.js';
import { predecessorsOf } from '../access/scope.js';

/**
 * Pre-aggregated member counts for large subtrees (docs/adr/0006-member-rollup.md).
 *
 * Every write that changes spans, records or the tree around members follows the same pattern:
 * take the contributions of the members it touches before the change (as negative deltas), make
 * the change, take them again after (positive), and apply the sum. What did not change cancels.
 */

/** One aggregated change of a count: on `day`, the count of (measure, value) under `unitId` moves by `delta`. */
export interface RollupDelta {
  unitId: number;
  measure: string;
  value: string;
  day: IsoDate;
  delta: number;
}

/**
 * Whose contributions to take: the members a write touches (from a day on, for a reorganization),
 * or every member, counted under some rollup units only (building units newly chosen).
 */
export type ContributionFilter =
  | {
      memberIds: readonly number[];
      /**
       * Instead of the ids: a query answering `member_id` (a bulk import's staged rows). A long id
       * array cannot use an index, and every span was tested against all of it: 30 k imported
       * members took a minute; as a subquery it is one hashed lookup per span.
       */
      memberQuery?: RawBuilder<{ member_id: number }>;
      from?: IsoDate;
      /**
       * Units whose members' spans and events (but for transfers) are left out: a reorganization
       * moves their counts as whole series (member-rollup-reorg.ts).
       */
      excludeUnits?: readonly number[];
    }
  | {
      everyMemberUnder: readonly number[];
      /**
       * Read only the members who ever stood under these units, found by the tree, instead of
       * every span, record and event of the organization. A build of one province (a merger's new
       * unit, chosen after an import) read the whole register for a thirtieth of it. Right for a
       * few units; for many (the root among them) a single pass over everything is cheaper.
       */
      narrow?: boolean;
      /**
       * With `narrow`: the first day any of the units stood (`firstDayOfAny`). Nothing is counted
       * under them before it, so their members' spans and events are read from it on: a merger's
       * new province has a few days of its own, and its members decades.
       */
      from?: IsoDate;
    };

/** The event types a period's flows count (ADR 0006), for both the roll-ups and the direct count. */
export const FLOW_EVENT_TYPES: RawBuilder<string[]> = sql`array['admission', 'readmission', 'recognition',
  'transfer_out', 'transfer_in', 'non_recognition', 'removal', 'resignation', 'death', 'discipline']::text[]`;

/**
 * The flows' kinds, the values of the measure 'flow': what `flowKind` makes of FLOW_EVENT_TYPES
 * (a test checks that they agree). Reads of the flows' changes name them to use the key.
 */
export const FLOW_KINDS = [
  'admission',
  'readmission',
  'recognition',
  'transfer_out',
  'transfer_in',
  'exit:not_recognized',
  'exit:removed',
  'exit:resigned',
  'exit:deceased',
  'exit:expelled',
] as const;

/** SQL: the flow an event type counts as ('admission', 'transfer_in', 'exit:deceased', …). */
export function flowKind(type: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`case ${type} when 'discipline' then 'exit:expelled' when 'non_recognition' then 'exit:not_recognized'
    when 'removal' then 'exit:removed' when 'resignation' then 'exit:resigned' when 'death' then 'exit:deceased'
    else ${type} end`;
}

/**
 * The contributions of spans to the counts of the rollup units above them: each span, cut by the
 * tree rows of its unit, adds +1 from its first day to each measure of each rollup unit on the
 * unit's path, and −1 from the day after its last. With `from`, only what lies on or after that day.
 *
 * Every part is a plain join the planner can size from the filter (a member-id array, or every
 * span): an earlier form took the record attributes from a CTE the planner guessed at a few hundred
 * rows, nested-looped over it and spent 45 s on 20 k members (the bench found it).
 */
export function contributionsQuery(filter: ContributionFilter): RawBuilder<RollupDelta> {
  const narrowed = 'everyMemberUnder' in filter && filter.narrow ? [...filter.everyMemberUnder] : null;
  const from = 'memberIds' in filter || narrowed ? (filter.from ?? null) : null;
  const excluded = 'memberIds' in filter && filter.excludeUnits?.length ? [...filter.excludeUnits] : null;
  const members = 'memberIds' in filter ? sql`${[...filter.memberIds]}::bigint[]` : null;
  // A narrow build's members (kept once, below): every member with a span, of any status so that
  // exits and transfers out are placed too, in a unit whose path ever held a unit being built.
  // Whatever such a unit counts (a span, or a flow where the member stood) is one of theirs.
  const narrowedMembers = narrowed
    ? sql`narrowed_members as materialized (
        select distinct s.member_id from member_span s where s.unit_id in (
          select t.unit_id from unit_tree t where ${pathUnderAny(sql`t.path`, narrowed)})
          ${from ? sql`and (upper_inf(s.valid) or upper(s.valid) > ${from}::date)` : sql``}),`
    : sql``;
  const memberQuery =
    'memberIds' in filter
      ? filter.memberQuery
      : narrowed
        ? sql<{ member_id: number }>`select member_id from narrowed_members`
        : undefined;
  /** Some members' contributions (a write's, an import's, a narrow build's), not everyone's. */
  const byMember = members !== null || memberQuery !== undefined;
  const isMember = (column: RawBuilder<unknown>) =>
    memberQuery ? sql`${column} in (${memberQuery})` : sql`${column} = any(${members})`;
  const rollupUnits =
    'memberIds' in filter
      ? sql`select unit_id from member_rollup_unit`
      : sql`select unnest(${[...filter.everyMemberUnder]}::bigint[]) as unit_id`;
  const spanFilter = byMember
    ? sql`${isMember(sql`s.member_id`)}${from ? sql` and (upper_inf(s.valid) or upper(s.valid) > ${from}::date)` : sql``}${
        excluded ? sql` and s.unit_id <> all(${excluded}::bigint[])` : sql``
      }`
    : sql`true`;
  // The record as it now reads (ADR 0006: attributes are today's, for every past figure): looked up
  // by index for the members of a write, sorted once for all of them when building.
  const recordColumns = sql`rec.sex, extract(year from rec.birth_date)::int::text as birth_year, rec.ethnicity,
    rec.religion`;
  // A bulk import's members: all their records at once, sorted once and hashed, rather than looked
  // up span by span (90 k lookups, 1.4 s of 7.8 on PGlite for 30 k members).
  const currentRecords = memberQuery
    ? sql`(select distinct on (rec.member_id) rec.member_id, ${recordColumns}
        from member_record rec where rec.superseded_at is null and rec.member_id in (${memberQuery})
        order by rec.member_id, upper(rec.valid) desc nulls first) at`
    : members
      ? sql`lateral (select rec.member_id, ${recordColumns} from member_record rec
        where rec.member_id = sp.member_id and rec.superseded_at is null
        order by upper(rec.valid) desc nulls first limit 1) at`
      : sql`(select distinct on (rec.member_id) rec.member_id, ${recordColumns}
        from member_record rec where rec.superseded_at is null
        order by rec.member_id, upper(rec.valid) desc nulls first) at`;
  const valid = from ? sql`s.valid * daterange(${from}::date, null)` : sql`s.valid`;
  // A write's members: skip pieces under no rollup unit before measuring them. Not when building:
  // every piece is under the unit being built, and the planner, unable to size this filter, would
  // then walk 20 M spans by index (the 6 M bench found it).
  const onlyUnderRollups = byMember
    ? sql`string_to_array(ltree2text(t.path), '.')::bigint[] && array(select unit_id from r)`
    : sql`true`;
  // Pieces alike are counted once (see "measured" below) for a write, not for a bulk import: new
  // members' pieces hardly coincide (330 k pieces of 30 k members collapsed to 329.6 k) and sorting
  // them on their arrays and ranges took 1.6 s.
  const collapsed = members !== null && !memberQuery;
  const eventFilter = byMember
    ? sql`${isMember(sql`e.member_id`)}${from ? sql` and e.event_date >= ${from}::date` : sql``}`
    : sql`true`;
  return sql<RollupDelta>`
    with r as materialized (${rollupUnits}),
    ${narrowedMembers}
    pieces as (
      select string_to_array(ltree2text(t.path), '.')::bigint[] as above, sp.valid * t.valid as valid, sp.status, sp.exempted, sp.suspended, sp.transit,
        at.sex, at.birth_year, at.ethnicity, at.religion
      from (
        select s.member_id, s.unit_id, s.status, s.exempted, s.suspended,
          s.transfer_to_unit_id is not null as transit, ${valid} as valid
        from member_span s
        where s.status <> 'left' and ${spanFilter} and exists (select 1 from r)
        ${
          // A bulk import's members: their spans first, then their units. Flattened, the planner
          // walked every unit under a roll-up times every member (3 k units × 30 k members: 77 s).
          memberQuery ? sql`offset 0` : sql``
        }
      ) sp
      join unit_tree t on t.unit_id = sp.unit_id and t.valid && sp.valid
      left join ${currentRecords} on at.member_id = sp.member_id
      where ${onlyUnderRollups}
    ),
    -- For a write, pieces alike are counted before they are spread over the rollup units above
    -- them: a reorganization takes every member from its effective date, and most pieces then
    -- share their unit's tree row, their first day and their last. Not when building: over the
    -- whole history hardly two pieces are alike, and sorting them all to find out costs minutes.
    measured as (
      select p.above, p.valid, m.measure, m.value, ${collapsed ? sql`count(*)::int` : sql`1`} as n
      from pieces p
      cross join lateral (values
        ('status', p.status),
        ('sex', case when p.status in ('probationary', 'official') then coalesce(p.sex, 'unknown') end),
        ('birth_year', case when p.status in ('probationary', 'official') then coalesce(p.birth_year, 'unknown') end),
        ('ethnicity', case when p.status in ('probationary', 'official') then coalesce(p.ethnicity, 'unknown') end),
        ('religion', case when p.status in ('probationary', 'official') then coalesce(p.religion, 'unknown') end),
        ('exempted', case when p.status in ('probationary', 'official') and p.exempted then 'yes' end),
        ('suspended', case when p.status in ('probationary', 'official') and p.suspended then 'yes' end),
        ('in_transit', case when p.status in ('probationary', 'official') and p.transit then 'yes' end)
      ) as m (measure, value)
      where m.value is not null and not isempty(p.valid)
      ${collapsed ? sql`group by 1, 2, 3, 4` : sql``}
    ),
    changes as (
      select a.id as unit_id, m.measure, m.value, b.day, b.sign * m.n as delta
      from measured m
      cross join lateral unnest(m.above) as a (id)
      join r on r.unit_id = a.id
      cross join lateral (values (lower(m.valid), 1), (upper(m.valid), -1)) as b (day, sign)
      where b.day is not null
    ),
    -- Flows (measure 'flow'): each event of a period counts once, on its day, under the rollup units
    -- where the direct count (countFlowsDirectly in members.figures.ts) counts it — entries where the member
    -- stands on the day, exits where they stood the day before, transfers across the border. Their
    -- checkpoints are running totals, so a period's flow is the total at its end minus the total
    -- the day before it began.
    events as (
      select e.member_id, e.event_date as day, e.unit_id as target,
        ${flowKind(sql`e.type`)} as kind
      from member_event e
      where ${eventFilter} and exists (select 1 from r) and e.corrected_at is null
        and e.type = any(${FLOW_EVENT_TYPES})
        and (e.type <> 'discipline' or e.details ->> 'form' = 'expulsion')
        and (e.type <> 'transfer_out' or e.details ->> 'transferKind' <> 'temporary')
    ),
    -- Joins, not a subquery per event: a build reads every event of the organization.
    placed as (
      select ev.kind, ev.day, at_day.unit_id as unit_at, before.unit_id as unit_before,
        string_to_array(ltree2text(th.path), '.')::bigint[] as here,
        string_to_array(ltree2text(tb.path), '.')::bigint[] as before_here,
        string_to_array(ltree2text(tt.path), '.')::bigint[] as target_here
      from events ev
      join member_span at_day on at_day.member_id = ev.member_id and at_day.valid @> ev.day
      left join lateral (select p.unit_id from member_span p
        where (ev.kind = 'transfer_in' or ev.kind like 'exit:%')
          and p.member_id = ev.member_id and p.valid @> ev.day - 1) before on true
      left join unit_tree th on th.unit_id = at_day.unit_id and th.valid @> ev.day
      left join unit_tree tb on tb.unit_id = before.unit_id and tb.valid @> ev.day - 1
      left join unit_tree tt on ev.kind = 'transfer_out' and tt.unit_id = ev.target and tt.valid @> ev.day
    ),
    flows as (
      select a.id as unit_id, 'flow' as measure, p.kind as value, p.day, count(*)::int as delta
      from placed p
      cross join lateral unnest(case when p.kind like 'exit:%' then p.before_here else p.here end) as a (id)
      join r on r.unit_id = a.id
      where ${
        excluded
          ? sql`(p.kind in ('transfer_in', 'transfer_out') or not coalesce(
              case when p.kind like 'exit:%' then p.unit_before else p.unit_at end = any(${excluded}::bigint[]), false)) and`
          : sql``
      } case p.kind
          when 'transfer_out' then not coalesce(a.id = any(p.target_here), false)
          when 'transfer_in' then not coalesce(a.id = any(p.before_here), false) and p.unit_at is distinct from p.unit_before
          else true end
      group by 1, 2, 3, 4
    )
    select unit_id as "unitId", measure, value, to_char(day, 'YYYY-MM-DD') as day, sum(delta)::int as delta
    from (select unit_id, measure, value, day, delta from changes union all select * from flows) c
    group by unit_id, measure, value, day having sum(delta) <> 0`;
}

/**
 * SQL: a tree path lies under (or is) some path one of the units ever had. Through the GiST index
 * on paths, as `unitsEverInScope` does: an lquery pattern per unit ('*.id.*') reads every path.
 */
function pathUnderAny(path: RawBuilder<unknown>, unitIds: readonly number[]): RawBuilder<boolean> {
  return sql<boolean>`${path} <@ any(array(select r.path from unit_tree r where r.unit_id = any(${[...unitIds]}::bigint[])))`;
}

/**
 * Taken by every write before it first reads roll-up contributions, and held until it commits. A
 * build of newly chosen units (`refreshRollupUnits`, EXCLUSIVE) then waits for the writes under way
 * and they for it. Otherwise, on a server, a write that read the roll-up units before a build
 * committed, and committed after the build had read the spans, would be missing from the built
 * units for good. Writes do not wait for each other.
 */
export async function holdRollupUnits(trx: Db): Promise<void> {
  await sql`lock table member_rollup_unit in row share mode`.execute(trx);
}

export async function contributions(db: Db, filter: ContributionFilter): Promise<RollupDelta[]> {
  if (db.isTransaction) await holdRollupUnits(db);
  if ('memberIds' in filter && filter.memberIds.length === 0 && !filter.memberQuery) return [];
  if ('everyMemberUnder' in filter && filter.everyMemberUnder.length === 0) return [];
  return (await contributionsQuery(filter).execute(db)).rows;
}

/** Adds `after` and subtracts `before`: what the change did to the counts. */
export function difference(before: readonly RollupDelta[], after: readonly RollupDelta[]): RollupDelta[] {
  const sum = new Map<string, RollupDelta>();
  const add = (d: RollupDelta, sign: number) => {
    const key = `${d.unitId}|${d.measure}|${d.value}|${d.day}`;
    const entry = sum.get(key) ?? { ...d, delta: 0 };
    entry.delta += sign * d.delta;
    sum.set(key, entry);
  };
  for (const d of before) add(d, -1);
  for (const d of after) add(d, 1);
  return [...sum.values()].filter((d) => d.delta !== 0);
}

/**
 * Applies changes to the dated deltas and to every monthly checkpoint on or after each change's
 * day. Checkpoints exist for each count from the month of its first change up to the horizon, so
 * months a change reaches for the first time start from zero.
 */
export async function applyRollup(trx: Transaction<Database>, deltas: readonly RollupDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const cols = {
    unit: deltas.map((d) => d.unitId),
    measure: deltas.map((d) => d.measure),
    value: deltas.map((d) => d.value),
    day: deltas.map((d) => d.day),
    delta: deltas.map((d) => d.delta),
  };
  await applyChanges(
    trx,
    sql`unnest(${cols.unit}::bigint[], ${cols.measure}::text[], ${cols.value}::text[],
      ${cols.day}::date[], ${cols.delta}::int[]) as d (unit_id, measure, value, day, delta)`,
  );
}

/**
 * Applies the contributions of a filter (a bulk import's members) without bringing them out of the
 * database: they are kept once in a temporary table that the steps below read. Taken out and sent
 * back as arrays, 100 k changes were serialized twice and unnested four times (seconds on PGlite).
 * A single member's write keeps to the arrays: a table per write would churn the catalog.
 */
export async function applyContributions(
  trx: Transaction<Database>,
  filter: ContributionFilter,
): Promise<void> {
  await holdRollupUnits(trx);
  await sql`drop table if exists pending_rollup_change`.execute(trx);
  await sql`create temporary table pending_rollup_change on commit drop as
    select "unitId" as unit_id, measure, value, day::date as day, delta from (${contributionsQuery(filter)}) c`.execute(
    trx,
  );
  await sql`analyze pending_rollup_change`.execute(trx);
  await applyChanges(trx, sql`pending_rollup_change as d`);
  await sql`drop table pending_rollup_change`.execute(trx);
}

/** The changes of `input` (a from-item `d (unit_id, measure, value, day, delta)`) applied to deltas and checkpoints. */
async function applyChanges(trx: Transaction<Database>, input: RawBuilder<unknown>): Promise<void> {
  // In key order: a bulk import's few hundred thousand changes then walk the index once instead
  // of jumping about it (18.6 s → 6.6 s for 290 k changes at 6 M members). The counts that reach
  // zero come back and only those are deleted, by key.
  const zeroed = await sql<{ unitId: number; measure: string; value: string; day: string }>`
    with written as (
      insert into member_rollup (unit_id, measure, value, day, delta)
      select unit_id, measure, value, day, delta from ${input} order by 1, 2, 3, 4
      on conflict (unit_id, measure, value, day) do update set delta = member_rollup.delta + excluded.delta
      returning unit_id, measure, value, day, delta
    )
    select unit_id as "unitId", measure, value, to_char(day, 'YYYY-MM-DD') as day from written where delta = 0`.execute(
    trx,
  );
  if (zeroed.rows.length > 0) {
    const z = zeroed.rows;
    await sql`delete from member_rollup where (unit_id, measure, value, day) in (
      select * from unnest(${z.map((r) => r.unitId)}::bigint[], ${z.map((r) => r.measure)}::text[],
        ${z.map((r) => r.value)}::text[], ${z.map((r) => r.day)}::date[]))`.execute(trx);
  }
  // The checkpoint a change first reaches: the first day of its month, or of the next. Checkpoints
  // before the first one any change reaches keep their counts, so they are not read, and when that
  // one is past the horizon no checkpoint changes at all: a province merged today moves whole series
  // whose first checkpoint is next month's, and every month of its counts back to 1970 (250 k
  // checkpoints, then the table hashed to update none) took 1.7 s of the merger's 2.7 s at 6 M
  // members. The bound is sent as a value, so that the planner knows how few months it leaves.
  const firstMonth = sql`case when d.day = date_trunc('month', d.day)::date then d.day
    else (date_trunc('month', d.day) + interval '1 month')::date end`;
  const reached = await sql<{ first: string | null }>`
    select to_char(min(${firstMonth}), 'YYYY-MM-DD') as first from ${input}
    having min(${firstMonth}) <= (select horizon from member_rollup_state)`.execute(trx);
  const first = reached.rows[0]?.first;
  if (!first) return;
  // A count's checkpoints run from the month of its first change to the horizon, so only the months
  // before its first checkpoint can be missing. Taken per count, not per change: a series per
  // change was 46 M generated months for 290 k changes (22 s).
  await sql`insert into member_rollup_month (unit_id, month, measure, value, count)
    select k.unit_id, g::date, k.measure, k.value, 0
    from (
      select d.unit_id, d.measure, d.value, min(${firstMonth}) as first
      from ${input} group by 1, 2, 3
    ) k
    cross join member_rollup_state st
    left join lateral (select min(m.month) as first from member_rollup_month m
      where m.unit_id = k.unit_id and m.measure = k.measure and m.value = k.value) existing on true
    cross join lateral generate_series(k.first,
      coalesce((existing.first - interval '1 month')::date, st.horizon), interval '1 month') as g
    where k.first <= st.horizon
    on conflict do nothing`.execute(trx);
  // One update per checkpoint with the sum of every change on or before it (an UPDATE … FROM
  // applies only one of several matching source rows). Each change is placed on the first
  // checkpoint it reaches and the checkpoints of each count take a running sum: joining every
  // change to every later month instead made a bulk import's 1 k changes × 300 months a 20 s update.
  await sql`update member_rollup_month m set count = m.count + x.delta
    from (
      select c.unit_id, c.month, c.measure, c.value,
        sum(coalesce(f.delta, 0)) over (partition by c.unit_id, c.measure, c.value order by c.month)::int as delta
      from member_rollup_month c
      left join (
        select d.unit_id, d.measure, d.value, sum(d.delta)::int as delta, ${firstMonth} as first_month
        from ${input}
        group by 1, 2, 3, 5
      ) f on f.unit_id = c.unit_id and f.measure = c.measure and f.value = c.value and f.first_month = c.month
      where (c.unit_id, c.measure, c.value) in (select d.unit_id, d.measure, d.value from ${input})
        and c.month >= ${first}::date
    ) x
    where m.unit_id = x.unit_id and m.month = x.month and m.measure = x.measure and m.value = x.value
      and x.delta <> 0`.execute(trx);
}

/** Whether a unit keeps roll-ups. */
export async function hasRollup(db: Db, unitId: number): Promise<boolean> {
  const rows = await sql<{
    ok: number;
  }>`select 1 as ok from member_rollup_unit where unit_id = ${unitId}`.execute(db);
  return rows.rows.length > 0;
}

/**
 * Counts of a rollup unit on a day: the checkpoint of the day's month (the horizon's, beyond it)
 * plus the changes after the checkpoint up to the day, or the next month's checkpoint less the
 * changes after the day up to it (see `rollupCountsOn`).
 */
export async function rollupCounts(
  db: Db,
  unitId: number,
  day: IsoDate,
  measure?: string,
): Promise<Array<{ measure: string; value: string; count: number }>> {
  return (await rollupCountsOn(db, unitId, [day], measure))[0]!;
}

/**
 * `rollupCounts` on several days at once (a period's flows: the running totals at its end and the
 * day before it began), in one query, in the order given.
 *
 * A checkpoint is the count on the first day of its month, every change on or before that day
 * included, so a day's count is its month's checkpoint plus the changes after it up to the day, or
 * equally the next month's checkpoint less the changes after the day up to that first day. The
 * nearer checkpoint is taken: a period ends on the last day of a month (a quarter, a year), one
 * day of changes from the next checkpoint, against a whole month of them from its own (~3 k
 * changes for the whole organization, each on a heap page of its own: 7–12 ms warm, 50–500 ms cold
 * at 6.3 M members, per day read; one day is ~100 changes).
 */
export async function rollupCountsOn(
  db: Db,
  unitId: number,
  days: readonly IsoDate[],
  measure?: string,
): Promise<Array<Array<{ measure: string; value: string; count: number }>>> {
  if (days.length === 0) return [];
  // Without a measure, the stock: every measure but the flows' running totals. The flows' changes
  // are read by key (unit, measure, value, day), one range per kind: through (unit, day), a day of
  // the whole organization's changes is ~100 rows of every measure for the 7 flows among them.
  const onlyCheckpoints = measure ? sql`and m.measure = ${measure}` : sql`and m.measure <> 'flow'`;
  const onlyChanges =
    measure === 'flow'
      ? sql`and r.measure = 'flow' and r.value = any(${[...FLOW_KINDS]}::text[])`
      : measure
        ? sql`and r.measure = ${measure}`
        : sql`and r.measure <> 'flow'`;
  // The checkpoints' months are worked out first and passed as values: joined in, a month could
  // not bound the index scan of the changes, and every change of the unit since its first was read
  // (0.3–4 s for a province at 6 M members).
  const state = await sql<{ horizon: string }>`
    select to_char(horizon, 'YYYY-MM-DD') as horizon from member_rollup_state`.execute(db);
  const horizon = state.rows[0]!.horizon;
  const distinct = [...new Set(days)];
  const parts = distinct.flatMap((day, i) => {
    const month = `${day.slice(0, 7)}-01`;
    const next = addMonths(month, 1);
    const backward = month < horizon && daysBetween(day, next) < daysBetween(month, day);
    const checkpoint = backward ? next : month < horizon ? month : horizon;
    // Changes in (checkpoint, day], added; or in (day, checkpoint], taken away.
    const [after, upTo, sign] = backward ? [day, next, -1] : [checkpoint, day, 1];
    const n = sql.lit(i);
    return [
      sql`select ${n} as i, m.measure, m.value, m.count as n from member_rollup_month m
        where m.unit_id = ${unitId} and m.month = ${checkpoint}::date ${onlyCheckpoints}`,
      ...(after < upTo
        ? [
            sql`select ${n} as i, r.measure, r.value, ${sql.lit(sign)} * r.delta as n from member_rollup r
          where r.unit_id = ${unitId} and r.day > ${after}::date and r.day <= ${upTo}::date ${onlyChanges}`,
          ]
        : []),
    ];
  });
  const rows = await sql<{ i: number; measure: string; value: string; count: number }>`
    select i, measure, value, sum(n)::int as count from (${sql.join(parts, sql` union all `)}) x
    group by i, measure, value having sum(n) <> 0`.execute(db);
  const byDay = distinct.map((_, i) =>
    rows.rows
      .filter((r) => Number(r.i) === i)
      .map((r) => ({ measure: r.measure, value: r.value, count: r.count })),
  );
  return days.map((day) => byDay[distinct.indexOf(day)]!);
}

/** Moves the checkpoint horizon up to a day's month, writing the checkpoints in between. */
export async function extendHorizon(trx: Transaction<Database>, today: IsoDate): Promise<void> {
  const state = await sql<{ horizon: string }>`select to_char(horizon, 'YYYY-MM-DD') as horizon
    from member_rollup_state for update`.execute(trx);
  const horizon = state.rows[0]!.horizon;
  const target = `${today.slice(0, 7)}-01`;
  if (target <= horizon) return;
  await sql`insert into member_rollup_month (unit_id, month, measure, value, count)
    select m.unit_id, g::date, m.measure, m.value,
      m.count + coalesce((select sum(r.delta) from member_rollup r where r.unit_id = m.unit_id
        and r.measure = m.measure and r.value = m.value and r.day > ${horizon}::date and r.day <= g::date), 0)::int
    from member_rollup_month m
    cross join lateral generate_series((${horizon}::date + interval '1 month')::date, ${target}::date, interval '1 month') g
    where m.month = ${horizon}::date`.execute(trx);
  // Counts whose first change falls after the old horizon had no checkpoint there.
  await sql`insert into member_rollup_month (unit_id, month, measure, value, count)
    select k.unit_id, g::date, k.measure, k.value,
      (select sum(r.delta) from member_rollup r where r.unit_id = k.unit_id and r.measure = k.measure
        and r.value = k.value and r.day <= g::date)::int
    from (select unit_id, measure, value, min(day) as first from member_rollup
      where day > ${horizon}::date and day <= ${target}::date group by 1, 2, 3) k
    cross join lateral generate_series(
      case when k.first = date_trunc('month', k.first)::date then k.first
        else (date_trunc('month', k.first) + interval '1 month')::date end,
      ${target}::date, interval '1 month') g
    on conflict do nothing`.execute(trx);
  await sql`update member_rollup_state set horizon = ${target}::date`.execute(trx);
}

/**
 * After a roll-up build (outside its transaction: VACUUM cannot run in one). A build rewrites
 * millions of dated changes; autovacuum waits for a fifth of a table to be dead rows, so until then
 * the figures read past dead rows and the heap behind every index entry (the visibility map stays
 * empty). At 6.3 M members a kept roll-up held 2.3 M dead rows and 7 of 155 k pages all-visible.
 */
export async function vacuumRollups(db: Db): Promise<void> {
  await sql`vacuum (analyze) member_rollup, member_rollup_month`.execute(db);
}

/** The first day any of some units stood (null for none): nothing is counted under them before it. */
export async function firstDayOfAny(db: Db, unitIds: readonly number[]): Promise<IsoDate | null> {
  const row = await sql<{ day: string | null }>`select to_char(min(lower(valid)), 'YYYY-MM-DD') as day
    from unit_tree where unit_id = any(${[...unitIds]}::bigint[])`.execute(db);
  return (row.rows[0]?.day as IsoDate | null) ?? null;
}

/** Probationary and official members under each of some units on a day (units with none left out). */
export async function membersUnder(
  db: Db,
  day: IsoDate,
  unitIds: readonly number[],
): Promise<Array<{ unitId: number; members: number }>> {
  if (unitIds.length === 0) return [];
  const rows = await sql<{ unitId: number; members: number }>`
    select a.id as "unitId", count(*)::int as members
    from unit_tree t
    join member_span s on s.unit_id = t.unit_id and s.valid @> ${day}::date
      and s.status in ('probationary', 'official')
    cross join lateral unnest(string_to_array(ltree2text(t.path), '.')::bigint[]) as a (id)
    where t.valid @> ${day}::date and a.id = any(${[...unitIds]}::bigint[])
      and ${pathUnderAny(sql`t.path`, unitIds)}
    group by a.id`.execute(db);
  return rows.rows;
}

/**
 * Chooses the units that keep roll-ups — those whose subtree holds at least `minMembers` members
 * today, and the units that ended into them as large on their last day — builds the roll-ups of
 * units newly chosen from the whole history, and drops those of units that fell below half the
 * threshold (not of units that ended: a merged unit's past adds them up). Run at start-up, after
 * bulk loads, and (`only` for the units it made) after a reorganization; a unit not (yet) chosen is
 * counted directly, which is correct, only slower.
 */
export async function refreshRollupUnits(
  trx: Transaction<Database>,
  today: IsoDate,
  minMembers: number,
  options: {
    /**
     * Consider only these units, as `membersUnder` counted them (and what ended into them); drop
     * none. Answers at once if none is large enough.
     */
    only?: ReadonlyArray<{ unitId: number; members: number }>;
  } = {},
): Promise<{ chosen: number[]; dropped: number[] }> {
  /** Only the units given (a reorganization's), not every unit. */
  const only = options.only !== undefined;
  // Counted before the lock, which member writes wait for (`holdRollupUnits`): a whole register's
  // sizes take seconds.
  const sizes = options.only
    ? { rows: [...options.only] }
    : await sql<{ unitId: number; members: number }>`
        select a.id as "unitId", count(*)::int as members
        from member_span s
        join unit_tree t on t.unit_id = s.unit_id and t.valid @> ${today}::date
        cross join lateral unnest(string_to_array(ltree2text(t.path), '.')::bigint[]) as a (id)
        where s.valid @> ${today}::date and s.status in ('probationary', 'official')
        group by a.id`.execute(trx);
  if (only && !sizes.rows.some((r) => r.members >= minMembers)) return { chosen: [], dropped: [] };
  await sql`lock table member_rollup_unit in exclusive mode`.execute(trx);
  await extendHorizon(trx, today);
  const current = new Set(
    (await sql<{ id: number }>`select unit_id as id from member_rollup_unit`.execute(trx)).rows.map(
      (r) => r.id,
    ),
  );
  const size = new Map(sizes.rows.map((r) => [r.unitId, r.members]));
  const chosen = sizes.rows
    .filter((r) => r.members >= minMembers && !current.has(r.unitId))
    .map((r) => r.unitId);
  if (only && chosen.length === 0) return { chosen, dropped: [] };
  // Units that ended into a chosen one (a province merged away) are chosen too when they were as
  // large on their last day: asked about its past, the successor adds up their roll-ups.
  const predecessors = await sql<{ unitId: number; members: number }>`
    with up as (select id from ${predecessorsOf(only ? chosen : [...new Set([...current, ...chosen])])} p),
    ended as (
      select up.id, max(upper(t.valid)) - 1 as last_day from up join unit_tree t on t.unit_id = up.id
      where up.id not in (select unit_id from member_rollup_unit)
      group by up.id having bool_and(not upper_inf(t.valid) and upper(t.valid) <= ${today}::date)
    )
    select e.id as "unitId", (select count(*)::int from member_span s
        join unit_tree t on t.unit_id = s.unit_id and t.valid @> e.last_day
        where s.valid @> e.last_day and s.status in ('probationary', 'official')
          and t.path ~ ('*.' || e.id || '.*')::lquery) as members
    from ended e`.execute(trx);
  for (const p of predecessors.rows)
    if (p.members >= minMembers && !chosen.includes(Number(p.unitId))) {
      chosen.push(Number(p.unitId));
      size.set(Number(p.unitId), p.members);
    }
  // A unit merged away keeps its roll-ups: its successor's past is the sum of its predecessors'.
  const standing = new Set(
    (
      await sql<{ id: number }>`select distinct unit_id as id from unit_tree
        where unit_id = any(${[...current]}::bigint[]) and valid @> ${today}::date`.execute(trx)
    ).rows.map((r) => Number(r.id)),
  );
  const dropped = only
    ? []
    : [...current].filter((id) => standing.has(id) && (size.get(id) ?? 0) < minMembers / 2);
  if (dropped.length)
    await sql`delete from member_rollup_unit where unit_id = any(${dropped}::bigint[])`.execute(trx);
  if (chosen.length === 0) return { chosen, dropped };
  await sql`insert into member_rollup_unit (unit_id, members_when_chosen)
    select id, m from unnest(${chosen}::bigint[], ${chosen.map((id) => size.get(id)!)}::int[]) as x (id, m)`.execute(
    trx,
  );
  // A few units (a merger's new province, a subtree an import filled) are built from their own
  // members; many, or the root, from one pass over the whole register (the first choice).
  const everyone = sizes.rows.reduce((n, r) => Math.max(n, r.members), 0);
  const narrow = only || chosen.reduce((n, id) => n + size.get(id)!, 0) * NARROW_BUILD_SHARE < everyone;
  await insertHistory(trx, chosen, narrow ? { from: (await firstDayOfAny(trx, chosen)) ?? undefined } : null);
  return { chosen, dropped };
}

/**
 * A build reads only the chosen units' own members while they hold less than 1 / this of the
 * organization's (summed over the units, so overlapping subtrees count twice). At 1 M members on
 * PGlite, building one province of 30 k from every span took 97 s.
 */
const NARROW_BUILD_SHARE = 4;

/**
 * Writes the full history of new rollup units — their deltas, computed and inserted inside the
 * database (at national scale they are millions of rows), then every checkpoint to the horizon.
 */
async function insertHistory(
  trx: Transaction<Database>,
  unitIds: readonly number[],
  /** Read only their own members (from the first day any of them stood), or everyone's. */
  narrow: { from?: IsoDate } | null,
): Promise<void> {
  await sql`insert into member_rollup (unit_id, measure, value, day, delta)
    select "unitId", measure, value, day::date, delta
    from (${contributionsQuery({ everyMemberUnder: unitIds, narrow: narrow !== null, ...narrow })}) c`.execute(
    trx,
  );
  await sql`
    with d as (
      select unit_id, measure, value,
        case when day = date_trunc('month', day)::date then day else (date_trunc('month', day) + interval '1 month')::date end as month,
        sum(delta) as s
      from member_rollup where unit_id = any(${[...unitIds]}::bigint[]) group by 1, 2, 3, 4
    ),
    keys as (select unit_id, measure, value, min(month) as first from d group by 1, 2, 3),
    grid as (
      select k.unit_id, k.measure, k.value, g::date as month
      from keys k cross join member_rollup_state st
      cross join lateral generate_series(k.first, st.horizon, interval '1 month') g
    )
    -- Months with and without changes gathered by grouping, not by a join: the planner cannot
    -- size these sets and a nested loop over them took minutes.
    insert into member_rollup_month (unit_id, month, measure, value, count)
    select unit_id, month, measure, value,
      sum(s) over (partition by unit_id, measure, value order by month)::int
    from (
      select unit_id, month, measure, value, sum(s) as s from (
        select unit_id, month, measure, value, s from d
        union all
        select unit_id, month, measure, value, 0 from grid
      ) both_sets
      where month <= (select horizon from member_rollup_state)
      group by 1, 2, 3, 4
    ) by_month`.execute(trx);
}
