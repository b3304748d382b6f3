import cookie from '@fastify/cookie';
import { AppError, type Permission } from '@rollbook/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { type Actor, can, requireScope, type Scope } from '../modules/access/actor.js';
import {
  csrfMatches,
  findSession,
  findTokenActor,
  type RequestOrigin,
  SESSION_COOKIE,
  SESSION_IDLE_HOURS,
} from '../modules/access/identity.service.js';

/**
 * Who may call a route: anyone, anyone signed in, or holders of a permission. Every API route
 * declares one (the server refuses to start otherwise), and the permission-matrix test reads
 * them from the route table.
 */
export type Access = 'public' | 'signed-in' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every API route and its access rule: the permission-matrix test walks it. */
    accessTable: Array<{ method: string; url: string; access: Access }>;
  }
  interface FastifyRequest {
    actor: Actor | null;
    sessionId: number | null;
    /** The session's CSRF token, handed to the page by GET /session. */
    csrfToken: string | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Routes outside the rule: the API reference and its document describe the API, not data. */
function isDocumentation(url: string): boolean {
  return url === '/api/openapi.json' || url.startsWith('/api/docs');
}

export function originOf(request: FastifyRequest): RequestOrigin {
  return {
    requestId: request.id,
    source: request.ip,
    userAgent: request.headers['user-agent'] ?? null,
  };
}

/**
 * Installs authentication for every route: a session cookie (with a CSRF token on writes) or a
 * bearer API token identifies the actor; the route's `access` rule then answers 401 or 403
 * before the handler runs. What lies inside the actor's scope is decided later, in SQL.
 */
export async function installAuth(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionId', null);
  app.decorateRequest('csrfToken', null);

  const table: FastifyInstance['accessTable'] = [];
  app.decorate('accessTable', table);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api') || isDocumentation(route.url)) return;
    const access = route.config?.access;
    if (!access) {
      throw new Error(`${String(route.method)} ${route.url} declares no access rule (config.access).`);
    }
    for (const method of [route.method].flat()) {
      // Fastify adds HEAD for every GET; it is the same route.
      if (method !== 'HEAD') table.push({ method, url: route.url, access });
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access) return;
    const origin = originOf(request);
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      // A script's token: no cookie, so no cross-site request can carry it; no CSRF token needed.
      request.actor = await findTokenActor(ctx, authorization.slice(7).trim(), origin);
      if (!request.actor) throw new AppError('unauthenticated');
    } else {
      const value = request.cookies[SESSION_COOKIE];
      const session = value ? await findSession(ctx, value, origin) : null;
      if (session) {
        // Cookies ride along on cross-site requests; a write must also show the token only the
        // page itself could have read (synchronizer-token pattern).
        if (access !== 'public' && !SAFE_METHODS.has(request.method)) {
          const given = request.headers['x-csrf-token'];
          if (!csrfMatches(session.csrfToken, typeof given === 'string' ? given : undefined)) {
            throw new AppError('csrf_token_invalid');
          }
        }
        request.actor = session.actor;
        request.sessionId = session.sessionId;
        request.csrfToken = session.csrfToken;
      }
    }
    if (access === 'public') return;
    if (!request.actor) throw new AppError('unauthenticated');
    if (access !== 'signed-in' && !can(request.actor, access)) {
      throw new AppError('forbidden', { params: { permission: access } });
    }
  });
}

/** The signed-in actor of a request whose route requires one. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('unauthenticated');
  return request.actor;
}

/**
 * The actor of a browser session. Credentials (tokens, passwords, sign-out everywhere) are not
 * managed with an API token: a leaked token must not be able to mint another or lock the owner out.
 */
export function sessionActorOf(request: FastifyRequest): Actor {
  const actor = actorOf(request);
  if (request.sessionId === null) throw new AppError('session_required');
  return actor;
}

/** The actor and the reach of a permission (by default the route's own). */
export function scopeOf(request: FastifyRequest, permission?: Permission): { actor: Actor; scope: Scope } {
  const actor = actorOf(request);
  const access = request.routeOptions.config?.access;
  const wanted = permission ?? (access && access !== 'public' && access !== 'signed-in' ? access : undefined);
  if (!wanted) throw new Error(`scopeOf on ${request.url} needs a permission`);
  return { actor, scope: requireScope(actor, wanted) };
}

/** Sets the session cookie: HttpOnly (no script reads it), SameSite=Lax, Secure over HTTPS. */
export function setSessionCookie(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  value: string,
) {
  reply.setCookie(SESSION_COOKIE, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.secureCookie === 'auto' ? request.protocol === 'https' : ctx.config.secureCookie,
    maxAge: SESSION_IDLE_HOURS * 3600,
  });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
