import {
  AppError,
  BUILTIN_ROLES,
  type IsoDate,
  isPermission,
  type Permission,
  reason,
} from '@rollbook/domain';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/types.js';
import { recordAudit } from '../audit/audit.service.js';
import { findVersionsAt, type Db } from '../units/units.repository.js';
import {
  countUsers,
  findGrantById,
  findGrants,
  findRoles,
  findUserById,
  findUsersInScope,
  type GrantRow,
  type RoleRow,
  type UserRow,
} from './access.repository.js';
import { type Actor, requireEverywhere, requireScope, type Scope, scopeFor } from './actor.js';
import { endAllSessions, openSessionFor, type RequestOrigin } from './identity.service.js';
import { assertStrongPassword, hashPassword, verifyPassword } from './passwords.js';
import { keepInScope, visibleUnits } from './scope.js';

/** Keeps the built-in roles' permissions in step with this version of Rollbook (run at every start). */
export async function syncBuiltinRoles(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = new Map((await findRoles(trx)).map((r) => [r.code, r]));
    const upgrade: Actor = {
      userId: null,
      name: 'system:upgrade',
      grants: [],
      tokenPermissions: null,
      requestId: null,
      source: 'local',
    };
    for (const role of BUILTIN_ROLES) {
      const before = existing.get(role.code);
      const same =
        before?.builtin &&
        JSON.stringify([...before.permissions].sort()) === JSON.stringify([...role.permissions].sort());
      if (same) continue;
      const row = await trx
        .insertInto('role')
        .values({ code: role.code, permissions: [...role.permissions], builtin: true })
        .onConflict((oc) =>
          oc.column('code').doUpdateSet({ permissions: [...role.permissions], builtin: true }),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      // A new version of Rollbook that changes what a built-in role allows leaves a trace.
      await recordAudit(trx, upgrade, {
        action: before ? 'role.update' : 'role.create',
        entity: { type: 'role', id: row.id },
        before: before ? { permissions: before.permissions } : undefined,
        after: { code: role.code, permissions: role.permissions },
      });
    }
  });
}

export interface GrantView extends GrantRow {
  unit: { id: number; code: string; name: string; kind: string } | null;
  active: boolean;
}

async function presentGrants(db: Db, grants: GrantRow[], today: IsoDate): Promise<GrantView[]> {
  const unitIds = grants.flatMap((g) => (g.unitId === null ? [] : [g.unitId]));
  // A unit is named as it stands today, or as it stood on its grant's last day.
  const named = new Map((await findVersionsAt(db, unitIds, today)).map((v) => [v.unitId, v]));
  for (const g of grants) {
    if (g.unitId === null || named.has(g.unitId) || !g.validTo) continue;
    const [last] = await sql<{ unit_id: number; code: string; name: string; kind: string }>`
      select unit_id, code, name, kind from unit_version where unit_id = ${g.unitId} and superseded_at is null
      order by lower(valid) desc limit 1`
      .execute(db)
      .then((r) => r.rows);
    if (last)
      named.set(g.unitId, {
        unitId: last.unit_id,
        code: last.code,
        name: last.name,
        kind: last.kind,
      } as never);
  }
  return grants.map((g) => {
    const v = g.unitId === null ? undefined : named.get(g.unitId);
    return {
      ...g,
      unit: v ? { id: v.unitId, code: v.code, name: v.name, kind: v.kind } : null,
      active: g.validFrom <= today && (g.validTo === null || today < g.validTo),
    };
  });
}

export interface UserDetail extends UserRow {
  grants: GrantView[];
}

/** Users the actor manages (see `findUsersInScope`), with their grants. */
export async function listUsers(
  ctx: AppContext,
  actor: Actor,
  args: { q?: string; afterId?: number; limit: number },
): Promise<UserDetail[]> {
  const scope = requireScope(actor, 'users.manage');
  const users = await findUsersInScope(ctx.db, scope, actor.userId, ctx.today(), args);
  const grants = await findGrants(
    ctx.db,
    users.map((u) => u.id),
  );
  const views = await presentGrants(ctx.db, grants, ctx.today());
  return users.map((u) => ({ ...u, grants: views.filter((g) => g.userId === u.id) }));
}

/** One user the actor manages; a user outside the actor's reach answers like a missing one. */
export async function getUser(
  ctx: AppContext,
  actor: Actor,
  userId: number,
  db: Db = ctx.db,
): Promise<UserDetail> {
  const scope = requireScope(actor, 'users.manage');
  const [user] = await findUsersInScope(db, scope, actor.userId, ctx.today(), { userId, limit: 1 });
  if (!user) throw new AppError('user_not_found', { params: { user: `#${userId}` } });
  const all = await presentGrants(db, await findGrants(db, [userId]), ctx.today());
  // A unit manager sees the grants inside their scope only: others name units out of their reach.
  const reachable = scope.all
    ? null
    : await visibleUnits(
        db,
        scope,
        all.flatMap((g) => (g.unitId === null ? [] : [g.unitId])),
        ctx.today(),
      );
  const grants = all.filter((g) => !reachable || (g.unitId !== null && reachable.has(g.unitId)));
  return { ...user, grants };
}

/**
 * The user, if the actor may act on their account: a change of password, e-mail, state, sessions
 * or tokens reaches everything the user holds, so the actor must be able to grant every grant in
 * force the user has (a commune manager cannot reset an organization-wide administrator).
 */
async function getManagedUser(ctx: AppContext, actor: Actor, userId: number, db: Db): Promise<UserDetail> {
  const user = await getUser(ctx, actor, userId, db);
  const today = ctx.today();
  const roles = await findRoles(db);
  for (const grant of await findGrants(db, [userId], { activeOn: today })) {
    const role = roles.find((r) => r.id === grant.roleId)!;
    try {
      await assertMayGrant(db, actor, role, grant.unitId, today);
    } catch (error) {
      if (error instanceof AppError)
        throw new AppError('forbidden', { params: { permission: 'users.manage' } });
      throw error;
    }
  }
  return user;
}

/** The same for the HTTP routes that act on a user's sessions and tokens. */
export async function getManageableUser(ctx: AppContext, actor: Actor, userId: number): Promise<UserDetail> {
  return getManagedUser(ctx, actor, userId, ctx.db);
}

/** The actor's own account, grants and what they allow ("my scopes"). */
export async function getOwnAccount(ctx: AppContext, actor: Actor) {
  if (actor.userId === null) throw new AppError('unauthenticated');
  const user = await findUserById(ctx.db, actor.userId);
  if (!user) throw new AppError('unauthenticated');
  const grants = await presentGrants(ctx.db, await findGrants(ctx.db, [actor.userId]), ctx.today());
  const permissions = [...new Set(actor.grants.flatMap((g) => g.permissions))].filter(
    (p) => !actor.tokenPermissions || actor.tokenPermissions.has(p),
  );
  return { user, grants, permissions };
}

async function findRole(db: Db, code: string, field = 'role'): Promise<RoleRow> {
  const role = (await findRoles(db)).find((r) => r.code === code);
  if (!role) throw new AppError('role_not_found', { field, params: { role: code } });
  return role;
}

/**
 * Refuses a grant the actor could not hold themselves: managing users over a unit does not let
 * anyone hand out more than they have there (no one makes themselves an inspector).
 */
async function assertMayGrant(
  db: Db,
  actor: Actor,
  role: RoleRow,
  unitId: number | null,
  today: IsoDate,
  field = 'unitId',
) {
  // A unit outside the manager's reach is answered like a missing one.
  const manage = requireScope(actor, 'users.manage');
  if (unitId !== null && !manage.all && (await keepInScope(db, manage, [unitId], today)).length === 0) {
    throw new AppError('unit_not_found', { field, params: { unit: `#${unitId}` } });
  }
  for (const permission of ['users.manage' as Permission, ...role.permissions]) {
    const scope = scopeFor(actor, permission);
    const covered =
      !!scope &&
      (scope.all || (unitId !== null && (await keepInScope(db, scope, [unitId], today)).length > 0));
    if (!covered) throw new AppError('forbidden', { params: { permission } });
  }
}

async function assertUnitLive(db: Db, unitId: number | null, date: IsoDate, field: string) {
  if (unitId === null) return;
  const [version] = await findVersionsAt(db, [unitId], date);
  if (!version) throw new AppError('unit_not_live', { field, params: { unit: `#${unitId}`, date } });
}

/** Nobody may take away the last way to manage users across the whole organization. */
async function assertAdministratorRemains(trx: Transaction<Database>, today: IsoDate) {
  // Two administrators removing each other at once: the second waits here and then sees the first.
  await sql`select pg_advisory_xact_lock(hashtext('rollbook.administrators'))`.execute(trx);
  const row = await sql<{ n: number }>`
    select count(*)::int as n from role_grant g
    join role r on r.id = g.role_id join app_user u on u.id = g.user_id
    where g.unit_id is null and g.valid @> ${today}::date and u.active and 'users.manage' = any(r.permissions)`.execute(
    trx,
  );
  if ((row.rows[0]?.n ?? 0) === 0) throw new AppError('last_administrator');
}

export interface NewUser {
  username: string;
  displayName: string;
  email?: string | null;
  password?: string | null;
  grants?: Array<{ role: string; unitId: number | null; from?: IsoDate }>;
}

async function insertUser(
  trx: Transaction<Database>,
  ctx: AppContext,
  actor: Actor,
  input: NewUser,
  oidc?: { issuer: string; subject: string },
): Promise<number> {
  if (input.password) assertStrongPassword(input.password, input.username);
  const clash = await trx
    .selectFrom('app_user')
    .select('id')
    .where(sql<boolean>`lower(username) = lower(${input.username})`)
    .executeTakeFirst();
  if (clash)
    throw new AppError('username_taken', { field: 'username', params: { username: input.username } });
  const row = await trx
    .insertInto('app_user')
    .values({
      username: input.username,
      display_name: input.displayName,
      email: input.email ?? null,
      password_hash: input.password ? await hashPassword(input.password) : null,
      oidc_issuer: oidc?.issuer ?? null,
      oidc_subject: oidc?.subject ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, {
    action: 'user.create',
    entity: { type: 'user', id: row.id },
    unitIds: (input.grants ?? []).flatMap((g) => (g.unitId === null ? [] : [g.unitId])),
    after: { username: input.username, displayName: input.displayName, email: input.email ?? null },
  });
  for (const [i, grant] of (input.grants ?? []).entries()) {
    await insertGrant(trx, ctx, actor, row.id, grant, `grants.${i}`);
  }
  return row.id;
}

async function insertGrant(
  trx: Transaction<Database>,
  ctx: AppContext,
  actor: Actor,
  userId: number,
  grant: { role: string; unitId: number | null; from?: IsoDate },
  field = '',
): Promise<number> {
  const today = ctx.today();
  const from = grant.from ?? today;
  const role = await findRole(trx, grant.role, field ? `${field}.role` : 'role');
  await assertUnitLive(trx, grant.unitId, from > today ? from : today, field ? `${field}.unitId` : 'unitId');
  await assertMayGrant(trx, actor, role, grant.unitId, today, field ? `${field}.unitId` : 'unitId');
  const row = await trx
    .insertInto('role_grant')
    .values({
      user_id: userId,
      role_id: role.id,
      unit_id: grant.unitId,
      valid: `[${from},)`,
      created_by: actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, {
    action: 'grant.create',
    entity: { type: 'grant', id: row.id },
    unitIds: grant.unitId === null ? [] : [grant.unitId],
    after: { userId, role: role.code, unitId: grant.unitId, from },
  });
  return row.id;
}

/**
 * The first administrator, made only while no user exists (the first-run page, or
 * `rollbook user create --admin`). There is no default password anywhere.
 */
export async function setupFirstAdministrator(
  ctx: AppContext,
  input: { username: string; displayName: string; password: string },
  origin: RequestOrigin,
) {
  return ctx.db.transaction().execute(async (trx) => {
    // Two browsers racing through setup: the lock makes the second one see the first's user.
    await sql`select pg_advisory_xact_lock(hashtext('rollbook.setup'))`.execute(trx);
    if ((await countUsers(trx)) > 0) throw new AppError('setup_already_done');
    const actor: Actor = {
      userId: null,
      name: `setup:${input.username}`,
      grants: [],
      tokenPermissions: null,
      ...origin,
    };
    const id = await insertUserAsAdministrator(trx, ctx, actor, input);
    const session = await openSessionFor(ctx, trx, id, origin);
    return { userId: id, ...session };
  });
}

/** A user with the administrator role over the whole organization (setup, or the CLI). */
export async function insertUserAsAdministrator(
  trx: Transaction<Database>,
  ctx: AppContext,
  actor: Actor,
  input: NewUser,
): Promise<number> {
  if (!input.password)
    throw new AppError('validation_failed', { field: 'password', params: { reason: reason('required') } });
  // The actor here is whoever holds the database (setup page before any user, or the CLI).
  const system: Actor = {
    ...actor,
    grants: [
      {
        grantId: 0,
        role: 'administrator',
        unitId: null,
        permissions: BUILTIN_ROLES.find((r) => r.code === 'administrator')!.permissions,
      },
    ],
  };
  return insertUser(trx, ctx, system, { ...input, grants: [{ role: 'administrator', unitId: null }] });
}

export async function createUser(ctx: AppContext, actor: Actor, input: NewUser): Promise<UserDetail> {
  requireScope(actor, 'users.manage');
  return ctx.db.transaction().execute(async (trx) => {
    const id = await insertUser(trx, ctx, actor, input);
    // The maker always sees the user they made: through its grants, or its `user.create` event.
    return getUser(ctx, actor, id, trx);
  });
}

/** Creates a user from the CLI (the local operator), optionally as an organization-wide administrator. */
export async function createUserLocally(ctx: AppContext, actor: Actor, input: NewUser & { admin: boolean }) {
  return ctx.db.transaction().execute(async (trx) => {
    const id = input.admin
      ? await insertUserAsAdministrator(trx, ctx, actor, input)
      : await insertUser(trx, ctx, actor, input);
    return (await findUserById(trx, id))!;
  });
}

export async function updateUser(
  ctx: AppContext,
  actor: Actor,
  userId: number,
  expectedVersion: number,
  patch: { displayName?: string; email?: string | null; active?: boolean },
): Promise<UserDetail> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await getManagedUser(ctx, actor, userId, trx);
    if (before.version !== expectedVersion) {
      throw new AppError('version_conflict', { field: 'If-Match', params: { current: before.version } });
    }
    await trx
      .updateTable('app_user')
      .set({
        ...(patch.displayName !== undefined && { display_name: patch.displayName }),
        ...(patch.email !== undefined && { email: patch.email }),
        ...(patch.active !== undefined && { active: patch.active }),
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', userId)
      .execute();
    if (patch.active === false) {
      await endAllSessions(trx, userId);
      await assertAdministratorRemains(trx, ctx.today());
    }
    const after = await getUser(ctx, actor, userId, trx);
    await recordAudit(trx, actor, {
      action:
        patch.active === false
          ? 'user.deactivate'
          : patch.active === true && !before.active
            ? 'user.reactivate'
            : 'user.update',
      entity: { type: 'user', id: userId },
      unitIds: activeUnitIds(after.grants),
      before: { displayName: before.displayName, email: before.email, active: before.active },
      after: { displayName: after.displayName, email: after.email, active: after.active },
    });
    return after;
  });
}

function activeUnitIds(grants: GrantView[]): number[] {
  return grants.flatMap((g) => (g.unitId === null ? [] : [g.unitId]));
}

/** An administrator sets a new password; the user's sessions end at once. */
export async function resetPassword(
  ctx: AppContext,
  actor: Actor,
  userId: number,
  password: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const user = await getManagedUser(ctx, actor, userId, trx);
    assertStrongPassword(password, user.username);
    await trx
      .updateTable('app_user')
      .set({
        password_hash: await hashPassword(password),
        failed_sign_ins: 0,
        locked_until: null,
        version: sql`version + 1`,
      })
      .where('id', '=', userId)
      .execute();
    await endAllSessions(trx, userId);
    await recordAudit(trx, actor, {
      action: 'user.password_reset',
      entity: { type: 'user', id: userId },
      unitIds: activeUnitIds(user.grants),
    });
  });
}

/**
 * Forgets the single sign-on identity linked to a user: the next sign-in through the provider is
 * treated as a first one (and links again only by the rule in docs/single-sign-on.md).
 */
export async function unlinkSingleSignOn(ctx: AppContext, actor: Actor, userId: number): Promise<UserDetail> {
  return ctx.db.transaction().execute(async (trx) => {
    const user = await getManagedUser(ctx, actor, userId, trx);
    const before = await trx
      .selectFrom('app_user')
      .select(['oidc_issuer', 'oidc_subject'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('app_user')
      .set({ oidc_issuer: null, oidc_subject: null, version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', userId)
      .execute();
    await recordAudit(trx, actor, {
      action: 'user.unlink_sso',
      entity: { type: 'user', id: userId },
      unitIds: activeUnitIds(user.grants),
      before: { issuer: before.oidc_issuer, subject: before.oidc_subject },
      after: { issuer: null, subject: null },
    });
    return getUser(ctx, actor, userId, trx);
  });
}

/** A user changes their own password, proving they know the current one; other sessions end. */
export async function changeOwnPassword(
  ctx: AppContext,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  keepSessionId: number | null,
): Promise<void> {
  if (actor.userId === null) throw new AppError('unauthenticated');
  const row = await ctx.db
    .selectFrom('app_user')
    .select(['username', 'password_hash'])
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow();
  if (!row.password_hash || !(await verifyPassword(row.password_hash, input.currentPassword))) {
    throw new AppError('current_password_wrong', { field: 'currentPassword' });
  }
  assertStrongPassword(input.newPassword, row.username, 'newPassword');
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ password_hash: await hashPassword(input.newPassword), version: sql`version + 1` })
      .where('id', '=', actor.userId!)
      .execute();
    let query = trx.deleteFrom('user_session').where('user_id', '=', actor.userId!);
    if (keepSessionId !== null) query = query.where('id', '<>', keepSessionId);
    await query.execute();
    await recordAudit(trx, actor, {
      action: 'user.password_change',
      entity: { type: 'user', id: actor.userId },
    });
  });
}

export async function grantRole(
  ctx: AppContext,
  actor: Actor,
  userId: number,
  grant: { role: string; unitId: number | null; from?: IsoDate },
): Promise<UserDetail> {
  return ctx.db.transaction().execute(async (trx) => {
    await getUser(ctx, actor, userId, trx);
    await insertGrant(trx, ctx, actor, userId, grant);
    return getUser(ctx, actor, userId, trx);
  });
}

/** Ends a grant today (takes effect on the user's next request); one not yet begun is withdrawn. */
export async function revokeGrant(
  ctx: AppContext,
  actor: Actor,
  userId: number,
  grantId: number,
): Promise<UserDetail> {
  return ctx.db.transaction().execute(async (trx) => {
    await getUser(ctx, actor, userId, trx);
    const grant = await findGrantById(trx, grantId);
    const today = ctx.today();
    if (!grant || grant.userId !== userId || (grant.validTo !== null && grant.validTo <= today)) {
      throw new AppError('grant_not_found', { params: { grant: `#${grantId}` } });
    }
    const role = await findRole(trx, grant.role);
    await assertMayGrant(trx, actor, role, grant.unitId, today);
    if (grant.validFrom >= today) await trx.deleteFrom('role_grant').where('id', '=', grantId).execute();
    else
      await sql`update role_grant set valid = daterange(lower(valid), ${today}::date) where id = ${grantId}`.execute(
        trx,
      );
    await assertAdministratorRemains(trx, today);
    await recordAudit(trx, actor, {
      action: 'grant.revoke',
      entity: { type: 'grant', id: grantId },
      unitIds: grant.unitId === null ? [] : [grant.unitId],
      before: { userId, role: grant.role, unitId: grant.unitId, from: grant.validFrom, to: grant.validTo },
      after: { to: today },
    });
    return getUser(ctx, actor, userId, trx);
  });
}

export async function listRoles(ctx: AppContext): Promise<RoleRow[]> {
  return findRoles(ctx.db);
}

/** Known permissions, each held by the actor across the whole organization: no one writes a role above themselves. */
function checkPermissions(actor: Actor, permissions: string[]): Permission[] {
  for (const p of permissions) {
    if (!isPermission(p)) {
      throw new AppError('validation_failed', {
        field: 'permissions',
        params: { reason: reason('unknown_permission'), value: p },
      });
    }
  }
  for (const p of permissions as Permission[]) {
    if (!scopeFor(actor, p)?.all)
      throw new AppError('forbidden', { field: 'permissions', params: { permission: p } });
  }
  return permissions as Permission[];
}

export async function createRole(
  ctx: AppContext,
  actor: Actor,
  input: { code: string; name: string; description?: string; permissions: string[] },
): Promise<RoleRow> {
  requireEverywhere(actor, 'roles.manage');
  const permissions = checkPermissions(actor, input.permissions);
  return ctx.db.transaction().execute(async (trx) => {
    if ((await findRoles(trx)).some((r) => r.code === input.code)) {
      throw new AppError('role_code_taken', { field: 'code', params: { role: input.code } });
    }
    const row = await trx
      .insertInto('role')
      .values({ code: input.code, name: input.name, description: input.description ?? '', permissions })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: 'role.create',
      entity: { type: 'role', id: row.id },
      after: { ...input, permissions },
    });
    return (await findRoles(trx)).find((r) => r.id === row.id)!;
  });
}

async function editableRole(db: Db, id: number): Promise<RoleRow> {
  const role = (await findRoles(db)).find((r) => r.id === id);
  if (!role) throw new AppError('role_not_found', { params: { role: `#${id}` } });
  if (role.builtin) throw new AppError('builtin_role', { params: { role: role.code } });
  return role;
}

export async function updateRole(
  ctx: AppContext,
  actor: Actor,
  id: number,
  expectedVersion: number,
  patch: { name?: string; description?: string; permissions?: string[] },
): Promise<RoleRow> {
  requireEverywhere(actor, 'roles.manage');
  const permissions = patch.permissions ? checkPermissions(actor, patch.permissions) : undefined;
  return ctx.db.transaction().execute(async (trx) => {
    const before = await editableRole(trx, id);
    if (before.version !== expectedVersion) {
      throw new AppError('version_conflict', { field: 'If-Match', params: { current: before.version } });
    }
    await trx
      .updateTable('role')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(permissions && { permissions }),
        version: sql`version + 1`,
      })
      .where('id', '=', id)
      .execute();
    const after = (await findRoles(trx)).find((r) => r.id === id)!;
    await assertAdministratorRemains(trx, ctx.today());
    await recordAudit(trx, actor, { action: 'role.update', entity: { type: 'role', id }, before, after });
    return after;
  });
}

export async function deleteRole(
  ctx: AppContext,
  actor: Actor,
  id: number,
  expectedVersion: number,
): Promise<void> {
  requireEverywhere(actor, 'roles.manage');
  await ctx.db.transaction().execute(async (trx) => {
    const role = await editableRole(trx, id);
    if (role.version !== expectedVersion) {
      throw new AppError('version_conflict', { field: 'If-Match', params: { current: role.version } });
    }
    const holders = await sql<{
      n: number;
    }>`select count(distinct user_id)::int as n from role_grant where role_id = ${id}`.execute(trx);
    const count = holders.rows[0]?.n ?? 0;
    if (count > 0) throw new AppError('role_in_use', { params: { role: role.code, count } });
    await trx.deleteFrom('role').where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'role.delete', entity: { type: 'role', id }, before: role });
  });
}

export type { Scope };
