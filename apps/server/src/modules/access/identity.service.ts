import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, isPermission, type Permission, reason } from '@rollbook/domain';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Db } from '../units/units.repository.js';
import {
  findGrants,
  findUserById,
  findUserByUsername,
  type UserRow,
  toActorGrants,
} from './access.repository.js';
import type { Actor } from './actor.js';
import { decoyHash, verifyPassword } from './passwords.js';

/** Where a request comes from, for the audit trail. */
export interface RequestOrigin {
  requestId: string | null;
  source: string | null;
  userAgent?: string | null;
}

export const SESSION_COOKIE = 'rollbook_session';
/** A session ends after this long without use, and in any case after SESSION_MAX_HOURS. */
export const SESSION_IDLE_HOURS = 12;
const SESSION_MAX_HOURS = 24 * 7;
const TOKEN_PREFIX = 'rbk_';

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function secret(): string {
  return randomBytes(32).toString('base64url');
}

/** The actor behind a user id: the user and the grants in force today (read fresh on every request). */
export async function actorForUser(
  ctx: AppContext,
  user: { id: number; username: string },
  origin: RequestOrigin,
  tokenPermissions: ReadonlySet<Permission> | null = null,
): Promise<Actor> {
  const grants = await findGrants(ctx.db, [user.id], { activeOn: ctx.today() });
  return {
    userId: user.id,
    name: user.username,
    grants: toActorGrants(grants),
    tokenPermissions,
    requestId: origin.requestId,
    source: origin.source,
  };
}

export interface SignedIn {
  user: UserRow;
  cookieValue: string;
  csrfToken: string;
  expiresAt: Date;
}

/**
 * Checks a user name and password. Every failure — unknown name, wrong password, locked or
 * deactivated account — gets the same answer and costs the same time, so the answer tells an
 * attacker nothing. After `lockoutThreshold` failures in a row the account is locked for a while.
 */
export async function signIn(
  ctx: AppContext,
  input: { username: string; password: string },
  origin: RequestOrigin,
): Promise<SignedIn> {
  const found = await findUserByUsername(ctx.db, input.username);
  // The attempt is counted before the password is checked, in one statement: guesses sent in
  // parallel each see the others, so together they cannot try more than the threshold allows.
  const attempt = found ? await claimAttempt(ctx, found.id) : null;
  const passwordOk = await verifyPassword(found?.passwordHash ?? (await decoyHash()), input.password);
  const allowed = !!attempt && attempt.number <= ctx.config.lockoutThreshold;
  if (!found || !found.active || !found.passwordHash || !allowed || !passwordOk) {
    // Unknown names are recorded too: the trail shows guessing, and the answer takes as long.
    await recordFailure(ctx, found ?? null, input.username, attempt, origin);
    throw new AppError('sign_in_failed');
  }
  return ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ failed_sign_ins: 0, locked_until: null })
      .where('id', '=', found.id)
      .execute();
    const session = await openSession(trx, found.id, origin);
    const actor = await actorForUser({ ...ctx, db: trx }, found, origin);
    await recordAudit(trx, actor, { action: 'session.sign_in', entity: { type: 'user', id: found.id } });
    return { user: found, ...session };
  });
}

/** Counts a sign-in attempt on an account that is not locked; null when it is locked. */
async function claimAttempt(ctx: AppContext, userId: number): Promise<{ number: number } | null> {
  const row = await sql<{ failed_sign_ins: number }>`
    update app_user set failed_sign_ins = failed_sign_ins + 1
    where id = ${userId} and (locked_until is null or locked_until <= now())
    returning failed_sign_ins`.execute(ctx.db);
  return row.rows[0] ? { number: row.rows[0].failed_sign_ins } : null;
}

async function recordFailure(
  ctx: AppContext,
  user: { id: number } | null,
  attemptedName: string,
  attempt: { number: number } | null,
  origin: RequestOrigin,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    // The attempt that reaches the threshold locks the account (and starts a fresh count).
    const locksNow = !!user && !!attempt && attempt.number === ctx.config.lockoutThreshold;
    if (locksNow) {
      await sql`update app_user set failed_sign_ins = 0,
        locked_until = now() + make_interval(mins => ${ctx.config.lockoutMinutes})
        where id = ${user.id}`.execute(trx);
    }
    await recordAudit(
      trx,
      { userId: null, name: 'anonymous', grants: [], tokenPermissions: null, ...origin },
      {
        action: locksNow ? 'session.locked_out' : 'session.sign_in_failed',
        entity: { type: 'user', id: user?.id ?? null },
        ...(!user && { after: { username: attemptedName.slice(0, 64) } }),
      },
    );
  });
}

async function openSession(db: Db, userId: number, origin: RequestOrigin) {
  const cookieValue = secret();
  const csrfToken = secret();
  const expiresAt = new Date(Date.now() + SESSION_IDLE_HOURS * 3600_000);
  await db
    .insertInto('user_session')
    .values({
      secret_hash: sha256(cookieValue),
      user_id: userId,
      csrf_token: csrfToken,
      expires_at: expiresAt,
      source_address: origin.source,
      user_agent: origin.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { cookieValue, csrfToken, expiresAt };
}

/** Opens a session for a user already identified (first-run setup, single sign-on). */
export async function openSessionFor(ctx: AppContext, db: Db, userId: number, origin: RequestOrigin) {
  return openSession(db, userId, origin);
}

export interface SessionLookup {
  actor: Actor;
  sessionId: number;
  csrfToken: string;
}

/**
 * The session behind a cookie, if it is still valid and its user still active. Use slides the
 * idle expiry forward (at most once a minute, so reads do not each write).
 */
export async function findSession(
  ctx: AppContext,
  cookieValue: string,
  origin: RequestOrigin,
): Promise<SessionLookup | null> {
  const row = await sql<{
    id: number;
    user_id: number;
    username: string;
    csrf_token: string;
    stale: boolean;
  }>`
    select s.id, s.user_id, u.username, s.csrf_token, s.last_seen_at < now() - interval '1 minute' as stale
    from user_session s join app_user u on u.id = s.user_id
    where s.secret_hash = ${sha256(cookieValue)} and s.expires_at > now() and u.active
      and s.created_at > now() - make_interval(hours => ${SESSION_MAX_HOURS})`.execute(ctx.db);
  const session = row.rows[0];
  if (!session) return null;
  if (session.stale) {
    await sql`update user_session set last_seen_at = now(),
      expires_at = least(now() + make_interval(hours => ${SESSION_IDLE_HOURS}), created_at + make_interval(hours => ${SESSION_MAX_HOURS}))
      where id = ${session.id}`.execute(ctx.db);
  }
  const actor = await actorForUser(ctx, { id: session.user_id, username: session.username }, origin);
  return { actor, sessionId: session.id, csrfToken: session.csrf_token };
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function signOut(ctx: AppContext, actor: Actor, sessionId: number): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('user_session').where('id', '=', sessionId).execute();
    await recordAudit(trx, actor, { action: 'session.sign_out', entity: { type: 'user', id: actor.userId } });
  });
}

/** Ends every session of a user at once (sign out everywhere, deactivation, password reset). */
export async function endAllSessions(db: Db, userId: number): Promise<number> {
  const result = await db.deleteFrom('user_session').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface TokenView {
  id: number;
  name: string;
  permissions: Permission[] | null;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export async function findTokens(db: Db, userId: number): Promise<TokenView[]> {
  const rows = await db
    .selectFrom('api_token')
    .select(['id', 'name', 'permissions', 'expires_at', 'revoked_at', 'last_used_at', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    permissions: t.permissions as Permission[] | null,
    expiresAt: t.expires_at.toISOString(),
    revokedAt: t.revoked_at?.toISOString() ?? null,
    lastUsedAt: t.last_used_at?.toISOString() ?? null,
    createdAt: t.created_at.toISOString(),
  }));
}

/**
 * Makes an API token for the actor's own user. The secret is returned once and only its SHA-256
 * is kept (it is 256 random bits, so a slow hash would add nothing).
 */
export async function createToken(
  ctx: AppContext,
  actor: Actor,
  input: { name: string; permissions?: string[] | null; expiresInDays: number },
): Promise<{ token: TokenView; secret: string }> {
  if (actor.userId === null) throw new AppError('forbidden', { params: { permission: 'api token' } });
  const permissions = input.permissions ?? null;
  for (const p of permissions ?? []) {
    if (!isPermission(p)) {
      throw new AppError('validation_failed', {
        field: 'permissions',
        params: { reason: reason('unknown_permission'), value: p },
      });
    }
  }
  return ctx.db.transaction().execute(async (trx) => {
    const raw = secret();
    const row = await trx
      .insertInto('api_token')
      .values({
        user_id: actor.userId!,
        name: input.name,
        secret_hash: sha256(raw),
        permissions,
        expires_at: new Date(Date.now() + input.expiresInDays * 86400_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: 'token.create',
      entity: { type: 'api_token', id: row.id },
      after: { name: input.name, permissions, expiresInDays: input.expiresInDays },
    });
    const token = (await findTokens(trx, actor.userId!)).find((t) => t.id === row.id)!;
    return { token, secret: `${TOKEN_PREFIX}${raw}` };
  });
}

export async function revokeToken(
  ctx: AppContext,
  actor: Actor,
  ownerId: number,
  tokenId: number,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('api_token')
      .set({ revoked_at: new Date() })
      .where('id', '=', tokenId)
      .where('user_id', '=', ownerId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0)
      throw new AppError('token_not_found', { params: { token: `#${tokenId}` } });
    await recordAudit(trx, actor, { action: 'token.revoke', entity: { type: 'api_token', id: tokenId } });
  });
}

/** The actor behind a bearer token: its owner, narrowed to the token's permissions. */
export async function findTokenActor(
  ctx: AppContext,
  bearer: string,
  origin: RequestOrigin,
): Promise<Actor | null> {
  if (!bearer.startsWith(TOKEN_PREFIX)) return null;
  const row = await sql<{ id: number; user_id: number; username: string; permissions: string[] | null }>`
    update api_token t set last_used_at = now()
    from app_user u
    where u.id = t.user_id and u.active and t.secret_hash = ${sha256(bearer.slice(TOKEN_PREFIX.length))}
      and t.revoked_at is null and t.expires_at > now()
    returning t.id, t.user_id, u.username, t.permissions`.execute(ctx.db);
  const token = row.rows[0];
  if (!token) return null;
  const narrowed = token.permissions ? new Set(token.permissions.filter(isPermission)) : null;
  return actorForUser(ctx, { id: token.user_id, username: token.username }, origin, narrowed);
}

export { findUserById };
