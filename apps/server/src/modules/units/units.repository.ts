import type { IsoDate } from '@rollbook/domain';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Scope } from '../access/actor.js';
import { pathInScope } from '../access/scope.js';
import { parseDaterange, type Period } from './daterange.js';

/** Any executor: the database or a transaction. Reads take it so they run where the caller is. */
export type Db = Kysely<Database>;

/** A unit's facts on one day. */
export interface UnitFacts {
  unitId: number;
  code: string;
  name: string;
  kind: string;
  parentId: number | null;
  attributes: Record<string, unknown>;
}

/** One stored version of a unit: its facts over a validity period, and the order that started it. */
export interface UnitVersionRow extends UnitFacts {
  versionId: number;
  valid: Period;
  orderId: number;
  recordedAt: Date;
  supersededAt: Date | null;
}

const versionColumns = [
  'v.id as versionId',
  'v.unit_id as unitId',
  'v.code',
  'v.name',
  'v.kind',
  'v.parent_id as parentId',
  'v.attributes',
  'v.valid',
  'v.order_id as orderId',
  'v.recorded_at as recordedAt',
  'v.superseded_at as supersededAt',
] as const;

function toVersion(row: Omit<UnitVersionRow, 'valid'> & { valid: string }): UnitVersionRow {
  return { ...row, valid: parseDaterange(row.valid) };
}

/** Current (not superseded) versions of these units live on the date. */
export async function findVersionsAt(
  db: Db,
  unitIds: readonly number[],
  date: IsoDate,
): Promise<UnitVersionRow[]> {
  if (unitIds.length === 0) return [];
  const rows = await db
    .selectFrom('unit_version as v')
    .select(versionColumns)
    .where('v.unit_id', 'in', [...new Set(unitIds)])
    .where('v.superseded_at', 'is', null)
    .where(sql<boolean>`v.valid @> ${date}::date`)
    .execute();
  return rows.map(toVersion);
}

/**
 * Current versions of the units live under a parent on the date. With parentId null: the top of
 * what the scope reaches — the top units for an organization-wide reader, the highest units of
 * the scope otherwise (a grant inside another grant's subtree is not a second top).
 */
export async function findChildVersionsAt(
  db: Db,
  parentId: number | null,
  date: IsoDate,
  scope: Scope,
): Promise<UnitVersionRow[]> {
  if (parentId === null && !scope.all) {
    const rows = await db
      .selectFrom('unit_version as v')
      .innerJoin('unit_tree as t', (join) =>
        join.onRef('t.unit_id', '=', 'v.unit_id').on(sql<boolean>`t.valid @> ${date}::date`),
      )
      .select(versionColumns)
      .where('v.superseded_at', 'is', null)
      .where(sql<boolean>`v.valid @> ${date}::date`)
      .where(
        sql<boolean>`t.path = any(scope_paths.paths) and not exists (
          select 1 from unnest(scope_paths.paths) p where p @> t.path and p <> t.path)`,
      )
      .innerJoin(
        sql<{
          paths: string[];
        }>`(select rb_scope_paths(${[...scope.roots]}::bigint[], ${date}::date) as paths)`.as('scope_paths'),
        (join) => join.onTrue(),
      )
      .orderBy('v.code')
      .execute();
    return rows.map(toVersion);
  }
  const rows = await db
    .selectFrom('unit_version as v')
    .select(versionColumns)
    .where((eb) => (parentId === null ? eb('v.parent_id', 'is', null) : eb('v.parent_id', '=', parentId)))
    .where('v.superseded_at', 'is', null)
    .where(sql<boolean>`v.valid @> ${date}::date`)
    .orderBy('v.code')
    .execute();
  return rows.map(toVersion);
}

/** Every current version of a unit, oldest first: its history. */
export async function findUnitHistory(
  db: Db,
  unitId: number,
  includeSuperseded = false,
): Promise<UnitVersionRow[]> {
  let query = db.selectFrom('unit_version as v').select(versionColumns).where('v.unit_id', '=', unitId);
  if (!includeSuperseded) query = query.where('v.superseded_at', 'is', null);
  const rows = await query
    .orderBy(sql`lower(v.valid)`)
    .orderBy('v.recorded_at')
    .execute();
  return rows.map(toVersion);
}

/** The latest current version of each unit that ends on or before the date (for reinstating). */
export async function findLastVersionsBefore(
  db: Db,
  unitIds: readonly number[],
  date: IsoDate,
): Promise<UnitVersionRow[]> {
  if (unitIds.length === 0) return [];
  const rows = await db
    .selectFrom('unit_version as v')
    .select(versionColumns)
    .distinctOn('v.unit_id')
    .where('v.unit_id', 'in', [...new Set(unitIds)])
    .where('v.superseded_at', 'is', null)
    .where(sql<boolean>`upper(v.valid) <= ${date}::date`)
    .orderBy('v.unit_id')
    .orderBy(sql`upper(v.valid)`, 'desc')
    .execute();
  return rows.map(toVersion);
}

/**
 * Later changes of these units that an order dated `date` must not cut across: versions starting
 * after the date, and a planned end of the version live on it (a later dissolution, merge or split),
 * each with the order that made it.
 */
export async function findLaterChanges(
  db: Db,
  unitIds: readonly number[],
  date: IsoDate,
): Promise<Array<{ unitId: number; from: IsoDate; orderId: number }>> {
  if (unitIds.length === 0) return [];
  const rows = await sql<{ unit_id: number; from: string; order_id: number }>`
    select unit_id, lower(valid)::text as from, order_id from unit_version
    where unit_id = any(${[...new Set(unitIds)]}::bigint[]) and superseded_at is null and lower(valid) > ${date}::date
    union all
    select v.unit_id, upper(v.valid)::text, coalesce(
      (select o.id from reorg_order o join reorg_order_unit ou on ou.order_id = o.id
        where ou.unit_id = v.unit_id and o.status = 'applied' and o.effective_date = upper(v.valid)
        order by o.id desc limit 1),
      v.order_id)
    from unit_version v
    where v.unit_id = any(${[...new Set(unitIds)]}::bigint[]) and v.superseded_at is null
      and v.valid @> ${date}::date and not upper_inf(v.valid)
    order by 2`.execute(db);
  return rows.rows.map((r) => ({ unitId: r.unit_id, from: r.from, orderId: r.order_id }));
}

/**
 * After the tree is rebuilt from a date: the first day on which one of these units has facts but no
 * place in the tree (its parent is gone then, or a later change closes a loop), if any.
 */
export async function findFirstTreeGap(
  db: Db,
  unitIds: readonly number[],
  date: IsoDate,
): Promise<{ unitId: number; day: IsoDate } | undefined> {
  if (unitIds.length === 0) return undefined;
  const rows = await sql<{ unit_id: number; day: string }>`
    with ids as (select unnest(${[...unitIds]}::bigint[]) as id),
    facts as (
      select v.unit_id, range_agg(v.valid * daterange(${date}::date, null)) as r
      from unit_version v join ids on ids.id = v.unit_id
      where v.superseded_at is null and v.valid && daterange(${date}::date, null) group by v.unit_id
    ),
    tree as (
      select t.unit_id, range_agg(t.valid * daterange(${date}::date, null)) as r
      from unit_tree t join ids on ids.id = t.unit_id
      where t.valid && daterange(${date}::date, null) group by t.unit_id
    )
    select f.unit_id, lower(f.r - coalesce(t.r, '{}'::datemultirange))::text as day
    from facts f left join tree t using (unit_id)
    where not isempty(f.r - coalesce(t.r, '{}'::datemultirange))
    order by day limit 1`.execute(db);
  const row = rows.rows[0];
  return row ? { unitId: row.unit_id, day: row.day } : undefined;
}

/** Kinds of these units and of their parents, on and after a date, with the first day each pair holds. */
export async function findPlacementsFrom(
  db: Db,
  unitIds: readonly number[],
  date: IsoDate,
): Promise<Array<{ unitId: number; kind: string; parentId: number; parentKind: string; day: IsoDate }>> {
  if (unitIds.length === 0) return [];
  const rows = await sql<{
    unit_id: number;
    kind: string;
    parent_id: number;
    parent_kind: string;
    day: string;
  }>`
    select t.unit_id, t.kind, p.unit_id as parent_id, p.kind as parent_kind,
      min(greatest(lower(t.valid), lower(p.valid), ${date}::date))::text as day
    from unit_tree t
    join unit_tree p on p.unit_id = t.parent_id and p.valid && t.valid
    where t.unit_id = any(${[...unitIds]}::bigint[]) and t.valid && daterange(${date}::date, null)
      and p.valid && daterange(${date}::date, null)
    group by t.unit_id, t.kind, p.unit_id, p.kind
    order by day`.execute(db);
  return rows.rows.map((r) => ({
    unitId: r.unit_id,
    kind: r.kind,
    parentId: r.parent_id,
    parentKind: r.parent_kind,
    day: r.day,
  }));
}

/** The newest applied order dated on a day, if any (to name the later order a conflict comes from). */
export async function findOrderOn(db: Db, day: IsoDate): Promise<number | undefined> {
  const row = await db
    .selectFrom('reorg_order')
    .select('id')
    .where('status', '=', 'applied')
    .where('effective_date', '=', day)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.id;
}

/** Current versions, of any unit, that hold one of these codes on some day from the date on. */
export async function findCodeHoldersFrom(
  db: Db,
  codes: readonly string[],
  date: IsoDate,
): Promise<Array<{ unitId: number; code: string; name: string; from: IsoDate }>> {
  if (codes.length === 0) return [];
  return db
    .selectFrom('unit_version as v')
    .select([
      'v.unit_id as unitId',
      'v.code',
      'v.name',
      sql<string>`greatest(lower(v.valid), ${date}::date)::text`.as('from'),
    ])
    .where(sql<boolean>`upper(v.code) = any(${codes.map((c) => c.toUpperCase())}::text[])`)
    .where('v.superseded_at', 'is', null)
    .where(sql<boolean>`v.valid && daterange(${date}::date, null)`)
    .execute();
}

/** The versions an order superseded that were live on a day: the state it found there. */
export async function findVersionsSupersededBy(
  db: Db,
  orderId: number,
  date: IsoDate,
): Promise<UnitVersionRow[]> {
  const rows = await db
    .selectFrom('unit_version as v')
    .select(versionColumns)
    .where('v.superseded_by_order_id', '=', orderId)
    .where(sql<boolean>`v.valid @> ${date}::date`)
    .execute();
  return rows.map(toVersion);
}

/** The newest current version of a unit, whatever its dates (to name a unit in a message). */
export async function findLatestVersion(db: Db, unitId: number): Promise<UnitVersionRow | undefined> {
  const row = await db
    .selectFrom('unit_version as v')
    .select(versionColumns)
    .where('v.unit_id', '=', unitId)
    .where('v.superseded_at', 'is', null)
    .orderBy(sql`lower(v.valid)`, 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toVersion(row) : undefined;
}

/** The materialized path of a unit on a date (ids from the root down), or undefined when not live. */
export async function findPathAt(db: Db, unitId: number, date: IsoDate): Promise<number[] | undefined> {
  const row = await db
    .selectFrom('unit_tree')
    .select(sql<string>`path::text`.as('path'))
    .where('unit_id', '=', unitId)
    .where(sql<boolean>`valid @> ${date}::date`)
    .executeTakeFirst();
  return row ? row.path.split('.').map(Number) : undefined;
}

/**
 * Units in a subtree on a date, counted by kind; the root itself is not counted. Reads the
 * pre-aggregated changes of unit_rollup, so the cost does not grow with the subtree.
 */
export async function countByKindAt(
  db: Db,
  rootIds: readonly number[],
  date: IsoDate,
): Promise<Record<string, number>> {
  if (rootIds.length === 0) return {};
  const rows = await sql<{ kind: string; n: number }>`
    select kind, sum(delta) as n from unit_rollup
    where ancestor_id = any(${[...rootIds]}::bigint[]) and day <= ${date}::date
    group by kind having sum(delta) <> 0`.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [r.kind, Number(r.n)]));
}

/** Units directly under these units on a date, counted by kind. */
export async function countChildrenByKindAt(
  db: Db,
  unitIds: readonly number[],
  date: IsoDate,
): Promise<Record<string, number>> {
  if (unitIds.length === 0) return {};
  const rows = await sql<{ kind: string; n: number }>`
    select kind, count(*) as n from unit_tree
    where parent_id = any(${[...unitIds]}::bigint[]) and valid @> ${date}::date
    group by kind`.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [r.kind, Number(r.n)]));
}

/** Direct children counts on a date, for showing which tree nodes can open. */
export async function countChildrenAt(
  db: Db,
  unitIds: readonly number[],
  date: IsoDate,
): Promise<Map<number, number>> {
  if (unitIds.length === 0) return new Map();
  const rows = await sql<{ parent_id: number; n: number }>`
    select parent_id, count(*) as n from unit_tree
    where parent_id = any(${[...unitIds]}::bigint[]) and valid @> ${date}::date
    group by parent_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.parent_id, Number(r.n)]));
}

/** A name search: the text, the day, optionally a subtree and a kind, and keyset paging. */
export interface UnitSearch {
  query: string;
  date: IsoDate;
  underUnitId?: number;
  kind?: string;
  after?: { code: string; id: number };
  limit: number;
  scope: Scope;
}

/** Searches names and codes live on a date, ignoring case and diacritics, optionally inside a subtree. */
export async function searchUnitsAt(db: Db, args: UnitSearch): Promise<UnitVersionRow[]> {
  let q = db
    .selectFrom('unit_version as v')
    .select(versionColumns)
    .where('v.superseded_at', 'is', null)
    .where(sql<boolean>`v.valid @> ${args.date}::date`)
    // The text is matched literally: % and _ typed by a user are not wildcards.
    .where(sql<boolean>`v.search_text like '%' || rb_fold(${escapeLike(args.query)}) || '%'`);
  if (args.kind) q = q.where('v.kind', '=', args.kind);
  if (!args.scope.all) {
    q = q.where(
      sql<boolean>`exists (select 1 from unit_tree t where t.unit_id = v.unit_id and t.valid @> ${args.date}::date
        and ${pathInScope(args.scope, sql`t.path`, args.date)})`,
    );
  }
  if (args.underUnitId !== undefined) {
    q = q.where(
      sql<boolean>`exists (select 1 from unit_tree t join unit_tree r on r.unit_id = ${args.underUnitId} and r.valid @> ${args.date}::date
        where t.unit_id = v.unit_id and t.valid @> ${args.date}::date and t.path <@ r.path)`,
    );
  }
  if (args.after) {
    const after = args.after;
    q = q.where((eb) =>
      eb.or([
        eb('v.code', '>', after.code),
        eb.and([eb('v.code', '=', after.code), eb('v.unit_id', '>', after.id)]),
      ]),
    );
  }
  const rows = await q.orderBy('v.code').orderBy('v.unit_id').limit(args.limit).execute();
  return rows.map(toVersion);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Rebuilds the derived paths of the given units and everything under them, from a date on. */
/** Returns every unit whose rows it rewrote. */
export async function rebuildTreeFrom(db: Db, unitIds: readonly number[], date: IsoDate): Promise<number[]> {
  if (unitIds.length === 0) return [];
  const ids = [...new Set(unitIds)];
  // 1. Everything whose path runs through a changed unit on or after the date is affected too:
  //    its path then starts with that unit's path (an indexed <@ probe per changed unit).
  const below = await sql<{ unit_id: number }>`
    select distinct t.unit_id
    from unit_tree r
    join unit_tree t on t.path <@ r.path and t.valid && daterange(${date}::date, null) and t.valid && r.valid
    where r.unit_id = any(${ids}::bigint[]) and r.valid && daterange(${date}::date, null)`.execute(db);
  const affected = [...new Set([...ids, ...below.rows.map((r) => r.unit_id)])];

  // 2. Replace their rows from the date on: keep the part before the date, walk the facts down
  //    from the nearest unaffected parent, and merge pieces that differ only in their dates.
  await sql`
    with recursive
    affected as (select unnest(${affected}::bigint[]) as id),
    old as (
      delete from unit_tree t using affected a
      where t.unit_id = a.id and t.valid && daterange(${date}::date, null)
      returning t.*
    ),
    kept as (
      select unit_id, valid * daterange(null, ${date}::date) as valid, path, kind, parent_id
      from old where lower(valid) < ${date}::date
    ),
    facts as (
      select v.unit_id, v.valid * daterange(${date}::date, null) as valid, v.parent_id, v.kind
      from unit_version v join affected a on a.id = v.unit_id
      where v.superseded_at is null and v.valid && daterange(${date}::date, null)
    ),
    walk (unit_id, valid, path, kind, parent_id, depth) as (
      select f.unit_id, f.valid, text2ltree(f.unit_id::text), f.kind, f.parent_id, 1
      from facts f where f.parent_id is null
      union all
      select f.unit_id, f.valid * p.valid, p.path || f.unit_id::text, f.kind, f.parent_id, 1
      from facts f
      join unit_tree p on p.unit_id = f.parent_id and p.valid && f.valid
      where not exists (select 1 from affected a where a.id = f.parent_id)
      union all
      select f.unit_id, f.valid * w.valid, w.path || f.unit_id::text, f.kind, f.parent_id, w.depth + 1
      from walk w join facts f on f.parent_id = w.unit_id and f.valid && w.valid
      where w.depth < 100
    ),
    pieces as (
      select unit_id, valid, path, kind, parent_id from kept
      union all
      select unit_id, valid, path, kind, parent_id from walk
    ),
    written as (
      insert into unit_tree (unit_id, valid, path, kind, parent_id)
      select unit_id, merged, path, kind, parent_id
      from (
        select unit_id, path, kind, parent_id, unnest(range_agg(valid)) as merged
        from pieces group by unit_id, path, kind, parent_id
      ) m
      returning 1
    ),
    -- 3. The roll-up changes by what the old rows (from the date on) took away and the new ones
    --    add: -1/+1 under every unit on the path, from the first day, reversed the day after.
    changed as (
      select path, kind, valid * daterange(${date}::date, null) as valid, -1 as sign from old
      union all
      select path, kind, valid, 1 from walk
    ),
    deltas as (
      select a.id::bigint as ancestor_id, c.kind, lower(c.valid) as day, c.sign as delta
      from changed c
      cross join lateral unnest(string_to_array(ltree2text(subpath(c.path, 0, nlevel(c.path) - 1)), '.')) as a (id)
      union all
      select a.id::bigint, c.kind, upper(c.valid), -c.sign
      from changed c
      cross join lateral unnest(string_to_array(ltree2text(subpath(c.path, 0, nlevel(c.path) - 1)), '.')) as a (id)
      where not upper_inf(c.valid)
    )
    insert into unit_rollup (ancestor_id, kind, day, delta)
    select ancestor_id, kind, day, sum(delta)::integer from deltas
    group by ancestor_id, kind, day having sum(delta) <> 0
    on conflict (ancestor_id, kind, day) do update set delta = unit_rollup.delta + excluded.delta`.execute(
    db,
  );
  // Changes that cancelled out leave nothing to read.
  await sql`delete from unit_rollup where delta = 0`.execute(db);
  return affected;
}

/** The applied order that ended a unit's last version on a day (its dissolution, merger or split). */
export async function findOrderEndingUnit(db: Db, unitId: number, day: IsoDate): Promise<number | undefined> {
  const rows = await sql<{ order_id: number }>`
    select order_id from reorg_order_unit ou join reorg_order o on o.id = ou.order_id
    where ou.unit_id = ${unitId} and o.effective_date = ${day}::date and o.status = 'applied'
    order by o.id desc limit 1`.execute(db);
  return rows.rows[0]?.order_id;
}

/** Merges and splits in a unit's ancestry and descendance, and the partners it merged with. */
export async function findLineageEdges(db: Db, unitId: number) {
  const rows = await sql<{
    kind: 'merge' | 'split';
    predecessor_id: number;
    successor_id: number;
    effective_date: string;
    order_id: number;
  }>`
    with recursive
    up (id) as (select ${unitId}::bigint union select l.predecessor_id from unit_lineage l join up on l.successor_id = up.id where l.superseded_at is null),
    down (id) as (select ${unitId}::bigint union select l.successor_id from unit_lineage l join down on l.predecessor_id = down.id where l.superseded_at is null)
    select distinct l.kind, l.predecessor_id, l.successor_id, l.effective_date, l.order_id
    from unit_lineage l
    where l.superseded_at is null
      and (l.successor_id in (select id from up) or l.predecessor_id in (select id from down)
        or l.successor_id in (select id from down))
    order by l.effective_date`.execute(db);
  return rows.rows;
}

/** Each unit's latest facts and the span of days it existed. */
export async function findUnitSpans(db: Db, unitIds: readonly number[]) {
  const rows = await sql<{
    unit_id: number;
    code: string;
    name: string;
    kind: string;
    from: string;
    to: string | null;
  }>`
    select distinct on (unit_id) unit_id, code, name, kind,
      (select min(lower(valid)) from unit_version x where x.unit_id = v.unit_id and x.superseded_at is null)::text as from,
      (select case when bool_or(upper_inf(valid)) then null else max(upper(valid)) end from unit_version x
        where x.unit_id = v.unit_id and x.superseded_at is null)::text as to
    from unit_version v where unit_id = any(${[...unitIds]}::bigint[]) and superseded_at is null
    order by unit_id, lower(valid) desc`.execute(db);
  return rows.rows;
}

/** The units a unit was made from, through merges and splits, that were live on a day. */
export async function findPredecessorsLiveOn(db: Db, unitId: number, date: IsoDate): Promise<number[]> {
  const rows = await sql<{ id: number }>`
    with recursive up (id, depth) as (
      select predecessor_id, 1 from unit_lineage where successor_id = ${unitId} and superseded_at is null
      union
      select l.predecessor_id, up.depth + 1 from unit_lineage l join up on l.successor_id = up.id
      where l.superseded_at is null and up.depth < 50
    )
    select distinct up.id from up
    join unit_version v on v.unit_id = up.id and v.superseded_at is null and v.valid @> ${date}::date`.execute(
    db,
  );
  return rows.rows.map((r) => r.id);
}

/** Applied orders dated in (from, to] that touched a unit inside these subtrees, as they stood then. */
export async function findOrdersTouchingSubtrees(
  db: Db,
  rootIds: readonly number[],
  from: IsoDate,
  to: IsoDate,
): Promise<number[]> {
  if (rootIds.length === 0) return [];
  const rows = await sql<{ id: number }>`
    select distinct o.id from reorg_order o
    join reorg_order_unit ou on ou.order_id = o.id
    where o.status = 'applied' and o.effective_date > ${from}::date and o.effective_date <= ${to}::date
      and exists (
        select 1 from unit_tree t join unit_tree r on r.unit_id = any(${[...rootIds]}::bigint[])
        where t.unit_id = ou.unit_id
          and ((t.valid @> o.effective_date and r.valid @> o.effective_date)
            or (t.valid @> (o.effective_date - 1) and r.valid @> (o.effective_date - 1)))
          and t.path <@ r.path)
    order by o.id`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** Whether a unit exists at all, on any day. */
export async function unitExists(db: Db, unitId: number): Promise<boolean> {
  return !!(await db.selectFrom('unit').select('id').where('id', '=', unitId).executeTakeFirst());
}
