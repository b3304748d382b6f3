import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { actorOf, clearSessionCookie, originOf, sessionActorOf, setSessionCookie } from '../../http/auth.js';
import { decodeCursor, etag, page, PageOf, ProblemSchema, requireIfMatch } from '../../http/conventions.js';
import { recordAudit } from '../audit/audit.service.js';
import { countUsers } from './access.repository.js';
import {
  NewGrantBody,
  NewRoleBody,
  NewTokenBody,
  NewUserBody,
  PasswordChangeBody,
  PasswordResetBody,
  RoleParams,
  RolePatchBody,
  RoleSchema,
  SessionSchema,
  SetupBody,
  SetupStateSchema,
  SignInBody,
  TokenParams,
  TokenSchema,
  UserListQuery,
  UserParams,
  UserPatchBody,
  UserSchema,
  UserTokenParams,
  GrantParams,
} from './access.schemas.js';
import {
  actorForUser,
  createToken,
  endAllSessions,
  findTokens,
  revokeToken,
  signIn,
  signOut,
} from './identity.service.js';
import {
  changeOwnPassword,
  createRole,
  createUser,
  deleteRole,
  getOwnAccount,
  getManageableUser,
  getUser,
  grantRole,
  listRoles,
  listUsers,
  resetPassword,
  revokeGrant,
  setupFirstAdministrator,
  unlinkSingleSignOn,
  updateRole,
  updateUser,
} from './users.service.js';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
const writeProblems = { ...problems, 409: ProblemSchema, 412: ProblemSchema, 428: ProblemSchema };
const Deleted = Type.Null({ description: 'Done.' });

/** Sign-in, sessions, tokens, users, grants and roles. */
export function accessRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Sign-in and setup guess passwords if anything does: a few tries per minute per address,
    // on top of the per-account lockout kept in the database.
    const signInLimit = { max: ctx.config.signInRatePerMinute, timeWindow: '1 minute' };

    const sessionAnswer = async (actorCsrf: string | null, request: Parameters<typeof actorOf>[0]) => {
      const { user, grants, permissions } = await getOwnAccount(ctx, actorOf(request));
      return { user, grants, permissions, csrfToken: actorCsrf };
    };

    app.get(
      '/setup',
      {
        config: { access: 'public' },
        schema: {
          tags: ['access'],
          summary: 'Whether the first administrator is still to be created',
          response: { 200: SetupStateSchema },
        },
      },
      async () => ({
        needed: (await countUsers(ctx.db)) === 0,
        singleSignOn: ctx.config.oidc ? { label: ctx.config.oidc.label } : null,
      }),
    );

    app.post(
      '/setup',
      {
        config: { access: 'public', rateLimit: signInLimit },
        schema: {
          tags: ['access'],
          summary: 'Create the first administrator (only while no user exists) and sign in',
          body: SetupBody,
          response: { 201: SessionSchema, 400: ProblemSchema, 409: ProblemSchema, 429: ProblemSchema },
        },
      },
      async (request, reply) => {
        const made = await setupFirstAdministrator(ctx, request.body, originOf(request));
        setSessionCookie(ctx, request, reply, made.cookieValue);
        request.actor = await actorForUser(
          ctx,
          { id: made.userId, username: request.body.username },
          originOf(request),
        );
        return reply.status(201).send(await sessionAnswer(made.csrfToken, request));
      },
    );

    app.post(
      '/session',
      {
        config: { access: 'public', rateLimit: signInLimit },
        schema: {
          tags: ['access'],
          summary: 'Sign in with a user name and password; sets the session cookie',
          body: SignInBody,
          response: { 200: SessionSchema, 400: ProblemSchema, 401: ProblemSchema, 429: ProblemSchema },
        },
      },
      async (request, reply) => {
        const signedIn = await signIn(ctx, request.body, originOf(request));
        setSessionCookie(ctx, request, reply, signedIn.cookieValue);
        request.actor = await actorForUser(ctx, signedIn.user, originOf(request));
        return sessionAnswer(signedIn.csrfToken, request);
      },
    );

    app.get(
      '/session',
      {
        config: { access: 'signed-in' },
        schema: {
          tags: ['access'],
          summary: 'Who is signed in: the account, its grants ("my scopes") and the CSRF token',
          response: { 200: SessionSchema, 401: ProblemSchema },
        },
      },
      async (request) => {
        return sessionAnswer(request.csrfToken, request);
      },
    );

    app.delete(
      '/session',
      {
        config: { access: 'signed-in' },
        schema: {
          tags: ['access'],
          summary: 'Sign out this browser',
          response: { 204: Deleted, ...problems },
        },
      },
      async (request, reply) => {
        if (request.sessionId) await signOut(ctx, actorOf(request), request.sessionId);
        clearSessionCookie(reply);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      '/sessions',
      {
        config: { access: 'signed-in' },
        schema: {
          tags: ['access'],
          summary: 'Sign out everywhere: every session of this user ends at once',
          response: { 204: Deleted, ...problems },
        },
      },
      async (request, reply) => {
        const actor = sessionActorOf(request);
        await ctx.db.transaction().execute(async (trx) => {
          await endAllSessions(trx, actor.userId!);
          await recordAudit(trx, actor, {
            action: 'session.sign_out_everywhere',
            entity: { type: 'user', id: actor.userId },
          });
        });
        clearSessionCookie(reply);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/session/password',
      {
        config: { access: 'signed-in', rateLimit: signInLimit },
        schema: {
          tags: ['access'],
          summary: 'Change your own password (other sessions end)',
          body: PasswordChangeBody,
          response: { 204: Deleted, ...problems, 429: ProblemSchema },
        },
      },
      async (request, reply) => {
        await changeOwnPassword(ctx, sessionActorOf(request), request.body, request.sessionId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/tokens',
      {
        config: { access: 'signed-in' },
        schema: {
          tags: ['access'],
          summary: 'Your API tokens',
          response: { 200: Type.Object({ items: Type.Array(TokenSchema) }), ...problems },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        if (actor.userId === null) return { items: [] };
        return { items: await findTokens(ctx.db, actor.userId) };
      },
    );

    app.post(
      '/tokens',
      {
        config: { access: 'signed-in' },
        schema: {
          tags: ['access'],
          summary:
            'Make an API token for scripts (`Authorization: Bearer …`); the secret is shown only in this answer',
          body: NewTokenBody,
          response: { 201: Type.Object({ token: TokenSchema, secret: Type.String() }), ...problems },
        },
      },
      async (request, reply) => {
        const { name, permissions, expiresInDays = 90 } = request.body;
        const made = await createToken(ctx, sessionActorOf(request), {
          name,
          permissions: permissions ?? null,
          expiresInDays,
        });
        return reply.status(201).send(made);
      },
    );

    app.delete(
      '/tokens/:tokenId',
      {
        config: { access: 'signed-in' },
        schema: {
          tags: ['access'],
          summary: 'Revoke one of your API tokens',
          params: TokenParams,
          response: { 204: Deleted, ...problems },
        },
      },
      async (request, reply) => {
        const actor = sessionActorOf(request);
        await revokeToken(ctx, actor, actor.userId ?? -1, request.params.tokenId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/users',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['access'],
          summary: 'Users you manage (holding grants inside your scope)',
          querystring: UserListQuery,
          response: { 200: PageOf(UserSchema), ...problems },
        },
      },
      async (request) => {
        const { q, cursor, limit = 50 } = request.query;
        const after = decodeCursor<{ id: number }>(cursor, { id: 'integer' });
        const users = await listUsers(ctx, actorOf(request), {
          ...(q && { q }),
          ...(after && { afterId: after.id }),
          limit: limit + 1,
        });
        return page(users, limit, (u) => ({ id: u.id }));
      },
    );

    app.post(
      '/users',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['access'],
          summary: 'Create a user, optionally with grants',
          body: NewUserBody,
          response: { 201: UserSchema, ...writeProblems, 422: ProblemSchema },
        },
      },
      async (request, reply) => {
        const user = await createUser(ctx, actorOf(request), request.body);
        reply.header('etag', etag(user.version)).header('location', `/api/v1/users/${user.id}`);
        return reply.status(201).send(user);
      },
    );

    app.get(
      '/users/:id',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['access'],
          summary: 'One user and their grants',
          params: UserParams,
          response: { 200: UserSchema, ...problems },
        },
      },
      async (request, reply) => {
        const user = await getUser(ctx, actorOf(request), request.params.id);
        reply.header('etag', etag(user.version));
        return user;
      },
    );

    app.patch(
      '/users/:id',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['access'],
          summary: 'Change a user’s name, email or active state (If-Match required)',
          params: UserParams,
          body: UserPatchBody,
          response: { 200: UserSchema, ...writeProblems },
        },
      },
      async (request, reply) => {
        const user = await updateUser(
          ctx,
          actorOf(request),
          request.params.id,
          requireIfMatch(request),
          request.body,
        );
        reply.header('etag', etag(user.version));
        return user;
      },
    );

    app.post(
      '/users/:id/password',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['access'],
          summary: 'Set a new password for a user (their sessions end)',
          params: UserParams,
          body: PasswordResetBody,
          response: { 204: Deleted, ...problems },
        },
      },
      async (request, reply) => {
        await resetPassword(ctx, actorOf(request), request.params.id, request.body.password);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      '/users/:id/sessions',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['access'],
          summary: 'Sign a user out everywhere',
          params: UserParams,
          response: { 204: Deleted, ...problems },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const user = await getManageableUser(ctx, actor, request.params.id);
        await ctx.db.transaction().execute(async (trx) => {
          await endAllSessions(trx, user.id);
          await recordAudit(trx, actor, {
            action: 'user.sign_out_everywhere',
            entity: { type: 'user', id: user.id },
            unitIds: user.grants.flatMap((g) => (g.unitId === null ? [] : [g.unitId])),
          });
        });
        return reply.status(204).send(null);
      },
    );

    app.delete(
      '/users/:id/sso',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['access'],
          summary: 'Unlink the single sign-on identity of a user',
          params: UserParams,
          response: { 200: UserSchema, ...problems },
        },
      },
      async (request, reply) => {
        const user = await unlinkSingleSignOn(ctx, actorOf(request), request.params.id);
        reply.header('etag', etag(user.version));
        return user;
      },
    );

    app.post(
      '/users/:id/grants',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['access'],
          summary: 'Grant a role over a unit’s subtree (or the whole organization)',
          params: UserParams,
          body: NewGrantBody,
          response: { 201: UserSchema, ...writeProblems, 422: ProblemSchema },
        },
      },
      async (request, reply) => {
        const { role, unitId, from } = request.body;
        const user = await grantRole(ctx, actorOf(request), request.params.id, {
          role,
          unitId,
          ...(from && { from }),
        });
        return reply.status(201).send(user);
      },
    );

    app.delete(
      '/users/:id/grants/:grantId',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['access'],
          summary: 'Revoke a grant (ends today; takes effect on the next request)',
          params: GrantParams,
          response: { 200: UserSchema, ...writeProblems },
        },
      },
      async (request) => revokeGrant(ctx, actorOf(request), request.params.id, request.params.grantId),
    );

    app.get(
      '/users/:id/tokens',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['access'],
          summary: 'A user’s API tokens',
          params: UserParams,
          response: { 200: Type.Object({ items: Type.Array(TokenSchema) }), ...problems },
        },
      },
      async (request) => {
        const user = await getUser(ctx, actorOf(request), request.params.id);
        return { items: await findTokens(ctx.db, user.id) };
      },
    );

    app.delete(
      '/users/:id/tokens/:tokenId',
      {
        config: { access: 'users.manage' },
        schema: {
          tags: ['access'],
          summary: 'Revoke a user’s API token',
          params: UserTokenParams,
          response: { 204: Deleted, ...problems },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const user = await getManageableUser(ctx, actor, request.params.id);
        await revokeToken(ctx, actor, user.id, request.params.tokenId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/roles',
      {
        config: { access: 'signed-in' },
        schema: {
          tags: ['access'],
          summary: 'Roles and their permissions',
          response: { 200: Type.Object({ items: Type.Array(RoleSchema) }), ...problems },
        },
      },
      async () => ({ items: await listRoles(ctx) }),
    );

    app.post(
      '/roles',
      {
        config: { access: 'roles.manage' },
        schema: {
          tags: ['access'],
          summary: 'Define a role of your organization',
          body: NewRoleBody,
          response: { 201: RoleSchema, ...writeProblems },
        },
      },
      async (request, reply) => {
        const role = await createRole(ctx, actorOf(request), request.body);
        return reply.status(201).header('etag', etag(role.version)).send(role);
      },
    );

    app.patch(
      '/roles/:id',
      {
        config: { access: 'roles.manage' },
        schema: {
          tags: ['access'],
          summary: 'Change a role (If-Match required; takes effect on holders’ next request)',
          params: RoleParams,
          body: RolePatchBody,
          response: { 200: RoleSchema, ...writeProblems },
        },
      },
      async (request, reply) => {
        const role = await updateRole(
          ctx,
          actorOf(request),
          request.params.id,
          requireIfMatch(request),
          request.body,
        );
        reply.header('etag', etag(role.version));
        return role;
      },
    );

    app.delete(
      '/roles/:id',
      {
        config: { access: 'roles.manage' },
        schema: {
          tags: ['access'],
          summary: 'Delete a role nobody holds (If-Match required)',
          params: RoleParams,
          response: { 204: Deleted, ...writeProblems },
        },
      },
      async (request, reply) => {
        await deleteRole(ctx, actorOf(request), request.params.id, requireIfMatch(request));
        return reply.status(204).send(null);
      },
    );
  };
}
