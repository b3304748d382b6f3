import type { IsoDate } from '@rollbook/domain';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../units/units.repository.js';
import type { Scope } from './actor.js';

/**
 * SQL: the ltree path is inside the scope on the day. The scope's roots are resolved to their
 * paths on that day once per statement (a scalar subquery runs once), so a unit a reorganization
 * moved counts where it stood that day.
 */
export function pathInScope(scope: Scope, path: RawBuilder<unknown>, date: DateArg): RawBuilder<boolean> {
  if (scope.all) return sql<boolean>`true`;
  return sql<boolean>`${path} <@ any((select rb_scope_paths(${[...scope.roots]}::bigint[], ${dateSql(date)})))`;
}

/** A day: a literal date, or an SQL expression (a column) when each row has its own. */
export type DateArg = IsoDate | RawBuilder<unknown>;

function dateSql(date: DateArg): RawBuilder<unknown> {
  return typeof date === 'string' ? sql`${date}::date` : date;
}

/** SQL: the unit (by id column) stood inside the scope on the day. */
export function unitInScope(scope: Scope, unitId: RawBuilder<unknown>, date: DateArg): RawBuilder<boolean> {
  if (scope.all) return sql<boolean>`true`;
  return sql<boolean>`exists (select 1 from unit_tree st where st.unit_id = ${unitId} and st.valid @> ${dateSql(date)}
    and ${pathInScope(scope, sql`st.path`, date)})`;
}

/** The units among these that stood inside the scope on the day. */
export async function keepInScope(
  db: Db,
  scope: Scope,
  unitIds: readonly number[],
  date: IsoDate,
): Promise<number[]> {
  if (scope.all || unitIds.length === 0) return [...unitIds];
  const rows = await sql<{ id: number }>`
    select u.id from unnest(${[...unitIds]}::bigint[]) as u (id)
    where ${unitInScope(scope, sql`u.id`, date)}`.execute(db);
  return rows.rows.map((r) => r.id);
}

/**
 * SQL: the unit may be shown when asked about on the day. A unit live that day must stand inside
 * the scope that day; one that was not live (not yet made, or already ended) is judged on the
 * nearest day it was: a commune officer still reads the cell that was dissolved last month, and
 * the audit event of an order that ended a unit is judged by where that unit last stood.
 */
export function unitVisible(
  scope: Scope,
  unitId: RawBuilder<unknown>,
  day: RawBuilder<unknown>,
): RawBuilder<boolean> {
  if (scope.all) return sql<boolean>`true`;
  return sql<boolean>`exists (
    select 1 from (
      select t.path, greatest(lower(t.valid), least(${day}, upper(t.valid) - 1)) as day
      from unit_tree t where t.unit_id = ${unitId}
      order by case when t.valid @> ${day} then 0
        when lower(t.valid) > ${day} then lower(t.valid) - ${day}
        else ${day} - (upper(t.valid) - 1) end
      limit 1
    ) near
    where near.path <@ any(rb_scope_paths(${[...scope.roots]}::bigint[], near.day)))`;
}

/** The units among these that may be shown when asked about on the day (see `unitVisible`), in one query. */
export async function visibleUnits(
  db: Db,
  scope: Scope,
  unitIds: readonly number[],
  date: IsoDate,
): Promise<Set<number>> {
  if (unitIds.length === 0) return new Set();
  if (scope.all) {
    const rows = await sql<{
      id: number;
    }>`select id from unit where id = any(${[...unitIds]}::bigint[])`.execute(db);
    return new Set(rows.rows.map((r) => r.id));
  }
  const rows = await sql<{ id: number }>`
    select u.id from unnest(${[...new Set(unitIds)]}::bigint[]) as u (id)
    where ${unitVisible(scope, sql`u.id`, sql`${date}::date`)}`.execute(db);
  return new Set(rows.rows.map((r) => r.id));
}

/** Whether a unit may be shown when asked about on a day (see `unitVisible`). */
export async function isUnitVisible(db: Db, scope: Scope, unitId: number, date: IsoDate): Promise<boolean> {
  return (await visibleUnits(db, scope, [unitId], date)).has(unitId);
}

/**
 * SQL subquery: the units these were made from, and the units those were made from, and so on
 * (`unit_lineage`, corrections left out; at most 50 generations).
 */
export function predecessorsOf(unitIds: readonly number[]): RawBuilder<number> {
  return sql<number>`(
    with recursive up (id, depth) as (
      select l.predecessor_id, 1 from unit_lineage l
      where l.successor_id = any(${[...unitIds]}::bigint[]) and l.superseded_at is null
      union
      select l.predecessor_id, up.depth + 1 from unit_lineage l join up on l.successor_id = up.id
      where l.superseded_at is null and up.depth < 50
    )
    select id from up)`;
}

/**
 * SQL: every unit that ever stood inside the scope's subtrees, or inside the units its roots were
 * made from. A coarse, indexed first cut for the audit trail; `unitVisible` then decides by day.
 */
export function unitsEverInScope(scope: Scope & { all: false }): RawBuilder<number[]> {
  // Under any path a root ever had: an lquery pattern per root ('*.id.*') made the index read
  // every path (65 ms at 60 k units, for each period of a commune's figures).
  return sql<number[]>`array(
    select distinct t.unit_id from unit_tree t
    where t.path <@ any(array(select r.path from unit_tree r
      where r.unit_id = any(${[...scope.roots]}::bigint[]) or r.unit_id in ${predecessorsOf(scope.roots)})))`;
}
