import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '@rollbook/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { originOf, setSessionCookie } from '../../http/auth.js';
import { ProblemSchema } from '../../http/conventions.js';
import {
  openPendingLogin,
  safeReturnTo,
  finishSsoLogin,
  PENDING_COOKIE,
  PENDING_MINUTES,
  requireSso,
  type SsoOptions,
  ssoOptions,
  startSsoLogin,
} from './oidc.service.js';

const SsoLoginQuery = Type.Object({
  returnTo: Type.Optional(
    Type.String({
      maxLength: 2048,
      description:
        'A path on this server to open after signing in, starting with one "/" (default "/"). Anything else, such as another site\'s address, is ignored.',
    }),
  ),
});

// The provider adds what it needs (OpenID Connect lists more than these); only these are read.
const SsoCallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ description: 'The authorization code.' })),
  state: Type.Optional(Type.String({ description: 'Echo of the state sent to the provider.' })),
  iss: Type.Optional(Type.String({ description: 'The provider that answered (RFC 9207).' })),
  error: Type.Optional(Type.String({ description: 'The provider’s error code, when it refused.' })),
});

const Redirect = Type.Null({ description: 'A redirect; see the Location header.' });

/** The pending-login cookie is sent only to the SSO routes, only from top-level navigations. */
const PENDING_PATH = '/api/v1/sso';

function secureCookie(ctx: AppContext, request: FastifyRequest): boolean {
  return ctx.config.secureCookie === 'auto' ? request.protocol === 'https' : ctx.config.secureCookie;
}

/** A browser navigating here gets a page to land on; a script gets the problem document. */
function wantsPage(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * Answers a failed sign-in: browsers go back to the sign-in page with the error's code (and its
 * reason, so the page can say what went wrong); anything else gets the problem document.
 */
function answerFailure(request: FastifyRequest, reply: FastifyReply, error: unknown, next = '/') {
  if (!(error instanceof AppError)) throw error;
  request.log.warn(
    { code: error.code, params: error.params, details: error.details },
    'single sign-on failed',
  );
  if (!wantsPage(request)) throw error;
  const query = new URLSearchParams({ error: error.code });
  const why = error.params.reason;
  if (typeof why === 'string') query.set('reason', why.replace(/^reason:/, ''));
  // The page the person was going to survives the failure, for a second try with a password.
  if (next !== '/') query.set('next', next);
  return reply.redirect(`/sign-in?${query}`, 302);
}

/**
 * Single sign-on by OpenID Connect: /sso/login sends the browser to the provider, /sso/callback
 * receives it back, signs the person in and returns to where they were going.
 */
export function oidcRoutes(
  ctx: AppContext,
  options: SsoOptions = ssoOptions(ctx.config),
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/sso/login',
      {
        config: { access: 'public' },
        schema: {
          tags: ['access'],
          summary: 'Sign in through the identity provider: redirects to it (authorization code + PKCE)',
          querystring: SsoLoginQuery,
          response: { 302: Redirect, 401: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (request, reply) => {
        try {
          const started = await startSsoLogin(requireSso(ctx), options, request.query.returnTo);
          reply.setCookie(PENDING_COOKIE, started.pendingCookie, {
            path: PENDING_PATH,
            httpOnly: true,
            // Lax: the provider sends the browser back by a top-level GET, which Lax lets through.
            sameSite: 'lax',
            secure: secureCookie(ctx, request),
            maxAge: PENDING_MINUTES * 60,
          });
          return reply.redirect(started.redirectTo, 302);
        } catch (error) {
          return answerFailure(request, reply, error);
        }
      },
    );

    app.get(
      '/sso/callback',
      {
        config: { access: 'public' },
        schema: {
          tags: ['access'],
          summary:
            'Where the identity provider returns: sets the session cookie and redirects to returnTo (register this address at the provider)',
          querystring: SsoCallbackQuery,
          response: { 302: Redirect, 401: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (request, reply) => {
        // A pending login is good for one answer, whatever that answer is.
        reply.clearCookie(PENDING_COOKIE, { path: PENDING_PATH });
        try {
          const signedIn = await finishSsoLogin(
            ctx,
            requireSso(ctx),
            options,
            {
              search: new URL(request.url, 'http://rollbook.invalid').search,
              pendingCookie: request.cookies[PENDING_COOKIE],
            },
            originOf(request),
          );
          setSessionCookie(ctx, request, reply, signedIn.cookieValue);
          return reply.redirect(signedIn.returnTo, 302);
        } catch (error) {
          return answerFailure(
            request,
            reply,
            error,
            wantedPage(options.key, request.cookies[PENDING_COOKIE]),
          );
        }
      },
    );
  };
}

/** Where a pending login was going, if its cookie can still be read. */
function wantedPage(key: Buffer, sealed: string | undefined): string {
  try {
    return safeReturnTo(openPendingLogin(key, sealed).returnTo);
  } catch {
    return '/';
  }
}
