import type { InjectOptions } from 'fastify';
import type { App } from '../http/app.js';
import { buildApp } from '../http/app.js';
import type { AppContext } from '../context.js';
import { SESSION_COOKIE, openSessionFor } from '../modules/access/identity.service.js';
import { createUserLocally } from '../modules/access/users.service.js';
import { createTestContext, TEST_OPERATOR, uniqueCode } from './test-context.js';

/** Headers that make a request as a signed-in user: the session cookie and its CSRF token. */
export interface SignedInUser {
  userId: number;
  username: string;
  headers: Record<string, string>;
}

/**
 * A user holding the given grants, signed in (the session is opened directly: tests of sign-in
 * itself go through POST /session). Grants name a role and a unit (null: everywhere).
 */
export async function signedInUser(
  ctx: AppContext,
  grants: Array<{ role: string; unitId: number | null; from?: string }>,
  options: { username?: string; password?: string } = {},
): Promise<SignedInUser> {
  const username = options.username ?? uniqueCode('user').toLowerCase();
  const user = await createUserLocally(ctx, TEST_OPERATOR, {
    username,
    displayName: username,
    password: options.password ?? null,
    grants,
    admin: false,
  });
  const session = await openSessionFor(ctx, ctx.db, user.id, { requestId: null, source: 'test' });
  return {
    userId: user.id,
    username,
    headers: { cookie: `${SESSION_COOKIE}=${session.cookieValue}`, 'x-csrf-token': session.csrfToken },
  };
}

/** The HTTP app over a fresh test database, with an organization-wide administrator signed in. */
export async function createTestApp() {
  const { ctx, handle } = await createTestContext();
  const app: App = await buildApp(ctx, { serveWeb: false });
  const admin = await signedInUser(ctx, [{ role: 'administrator', unitId: null }]);
  return {
    app,
    ctx,
    admin,
    /** A request as the administrator (its own headers win). */
    inject(options: InjectOptions) {
      return app.inject({ ...options, headers: { ...admin.headers, ...(options.headers ?? {}) } });
    },
    async close() {
      await app.close();
      await handle.close();
    },
  };
}
