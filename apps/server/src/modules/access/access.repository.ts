import type { IsoDate, Permission } from '@rollbook/domain';
import { sql } from 'kysely';
import type { Db } from '../units/units.repository.js';
import type { ActorGrant, Scope } from './actor.js';
import { pathInScope } from './scope.js';

export interface UserRow {
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

const userColumns = [
  'u.id',
  'u.username',
  'u.display_name as displayName',
  'u.email',
  'u.active',
  sql<boolean>`u.password_hash is not null`.as('hasPassword'),
  sql<boolean>`u.oidc_subject is not null`.as('singleSignOn'),
  'u.version',
  sql<string>`to_json(u.created_at) #>> '{}'`.as('createdAt'),
] as const;

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('app_user as u').select(userColumns).where('u.id', '=', id).executeTakeFirst();
}

export async function findUserByUsername(db: Db, username: string) {
  return db
    .selectFrom('app_user as u')
    .select([
      ...userColumns,
      'u.password_hash as passwordHash',
      'u.locked_until as lockedUntil',
      'u.failed_sign_ins as failedSignIns',
    ])
    .where(sql<boolean>`lower(u.username) = lower(${username})`)
    .executeTakeFirst();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('app_user')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Users a manager may see: those holding a grant in force on a unit inside the manager's scope
 * today; and, among users with no grant in force, those whose past grants were inside it or whom
 * the manager made. An organization-wide manager sees everyone.
 */
export async function findUsersInScope(
  db: Db,
  scope: Scope,
  managerId: number | null,
  today: IsoDate,
  args: { q?: string; afterId?: number; limit: number; userId?: number },
): Promise<UserRow[]> {
  let query = db.selectFrom('app_user as u').select(userColumns).orderBy('u.id').limit(args.limit);
  if (!scope.all) {
    const manager = managerId ?? -1;
    query = query.where(
      sql<boolean>`(
        exists (select 1 from role_grant g join unit_tree t on t.unit_id = g.unit_id
          where g.user_id = u.id and g.valid @> ${today}::date and t.valid @> ${today}::date
            and ${pathInScope(scope, sql`t.path`, today)})
        or (not exists (select 1 from role_grant g where g.user_id = u.id and g.valid @> ${today}::date)
          and (
            exists (select 1 from role_grant g join unit_tree t on t.unit_id = g.unit_id
              where g.user_id = u.id and t.valid @> ${today}::date and ${pathInScope(scope, sql`t.path`, today)})
            or exists (select 1 from role_grant g where g.user_id = u.id and g.created_by = ${manager})
            or exists (select 1 from audit_event e where e.entity_type = 'user' and e.entity_id = u.id::text
              and e.action = 'user.create' and e.actor_id = ${manager}))))`,
    );
  }
  if (args.q) {
    const like = `%${args.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb('u.username', 'ilike', like), eb('u.display_name', 'ilike', like)]),
    );
  }
  if (args.userId !== undefined) query = query.where('u.id', '=', args.userId);
  if (args.afterId !== undefined) query = query.where('u.id', '>', args.afterId);
  return query.execute();
}

export interface GrantRow {
  id: number;
  userId: number;
  roleId: number;
  role: string;
  roleName: string;
  permissions: Permission[];
  unitId: number | null;
  validFrom: IsoDate;
  validTo: IsoDate | null;
  endedByOrderId: number | null;
}

const grantColumns = [
  'g.id',
  'g.user_id as userId',
  'g.role_id as roleId',
  'r.code as role',
  'r.name as roleName',
  sql<Permission[]>`r.permissions`.as('permissions'),
  'g.unit_id as unitId',
  sql<IsoDate>`lower(g.valid)::text`.as('validFrom'),
  sql<IsoDate | null>`upper(g.valid)::text`.as('validTo'),
  'g.ended_by_order_id as endedByOrderId',
] as const;

export async function findGrants(
  db: Db,
  userIds: readonly number[],
  options: { activeOn?: IsoDate } = {},
): Promise<GrantRow[]> {
  if (userIds.length === 0) return [];
  let query = db
    .selectFrom('role_grant as g')
    .innerJoin('role as r', 'r.id', 'g.role_id')
    .select(grantColumns)
    .where('g.user_id', 'in', [...userIds])
    .orderBy('g.id');
  if (options.activeOn) query = query.where(sql<boolean>`g.valid @> ${options.activeOn}::date`);
  return query.execute();
}

export async function findGrantById(db: Db, id: number): Promise<GrantRow | undefined> {
  return db
    .selectFrom('role_grant as g')
    .innerJoin('role as r', 'r.id', 'g.role_id')
    .select(grantColumns)
    .where('g.id', '=', id)
    .executeTakeFirst();
}

export function toActorGrants(rows: GrantRow[]): ActorGrant[] {
  return rows.map((g) => ({ grantId: g.id, role: g.role, unitId: g.unitId, permissions: g.permissions }));
}

export interface RoleRow {
  id: number;
  code: string;
  name: string;
  description: string;
  permissions: Permission[];
  builtin: boolean;
  version: number;
}

export async function findRoles(db: Db): Promise<RoleRow[]> {
  return db
    .selectFrom('role')
    .select([
      'id',
      'code',
      'name',
      'description',
      sql<Permission[]>`permissions`.as('permissions'),
      'builtin',
      'version',
    ])
    .orderBy('builtin', 'desc')
    .orderBy('code')
    .execute();
}

/**
 * Grants in force on a day on units an order ends that day (merged away, dissolved): they end with
 * the unit. Returns what was ended; the preview lists the same by running this in its rollback.
 */
export async function endGrantsOnEndedUnits(db: Db, orderId: number, day: IsoDate): Promise<EndedGrant[]> {
  const affected = await sql<EndedGrant & { began: boolean }>`
    select g.id as "grantId", g.user_id as "userId", u.username, r.code as role, g.unit_id as "unitId",
      lower(g.valid) < ${day}::date as began
    from role_grant g join app_user u on u.id = g.user_id join role r on r.id = g.role_id
    where g.unit_id in (select unit_id from reorg_order_unit where order_id = ${orderId})
      and (upper_inf(g.valid) or upper(g.valid) > ${day}::date)
      and not exists (select 1 from unit_tree t where t.unit_id = g.unit_id and t.valid @> ${day}::date)
    order by g.id`.execute(db);
  const began = affected.rows.filter((g) => g.began).map((g) => g.grantId);
  const notYet = affected.rows.filter((g) => !g.began).map((g) => g.grantId);
  if (began.length) {
    await sql`update role_grant set valid = daterange(lower(valid), ${day}::date), ended_by_order_id = ${orderId}
      where id = any(${began}::bigint[])`.execute(db);
  }
  // A grant that began on or after the day (the order is back-dated) never reached a live unit:
  // it is withdrawn, as a revoked grant that had not begun is.
  if (notYet.length) await sql`delete from role_grant where id = any(${notYet}::bigint[])`.execute(db);
  return affected.rows.map(({ began: _began, ...grant }) => grant);
}

/** A grant that ended (or was withdrawn) because the unit it was on ended. */
export interface EndedGrant {
  grantId: number;
  userId: number;
  username: string;
  role: string;
  unitId: number;
}
