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
 * Whether a unit may be shown when asked about on a day. A unit live that day must stand inside the
 * scope that day; one that was not live (not yet made, or already ended) is judged on the nearest
 * day it was: a commune officer still reads the cell that was dissolved last month.
 */
export async function isUnitVisible(db: Db, scope: Scope, unitId: number, date: IsoDate): Promise<boolean> {
  if (scope.all) return true;
  const row = await sql<{ visible: boolean }>`
    with spans as (select valid from unit_tree where unit_id = ${unitId}),
    day as (
      select case
        when exists (select 1 from spans where valid @> ${date}::date) then ${date}::date
        when exists (select 1 from spans where lower(valid) > ${date}::date)
          then (select min(lower(valid)) from spans where lower(valid) > ${date}::date)
        else (select max(upper(valid)) - 1 from spans)
      end as d
    )
    select exists (
      select 1 from unit_tree st, day
      where st.unit_id = ${unitId} and st.valid @> day.d
        and st.path <@ any(rb_scope_paths(${[...scope.roots]}::bigint[], day.d))
    ) as visible`.execute(db);
  return row.rows[0]?.visible ?? false;
}

/** The units that ever stood inside the scope's subtrees (for the audit trail of a subtree). */
export function unitsEverInScope(scope: Scope & { all: false }): RawBuilder<number[]> {
  const patterns = scope.roots.map((id) => `*.${id}.*`);
  return sql<
    number[]
  >`array(select distinct t.unit_id from unit_tree t where t.path ? ${patterns}::lquery[])`;
}
