import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, negotiateLanguage } from '@rollbook/domain';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { accessRoutes } from '../modules/access/access.routes.js';
import { oidcRoutes } from '../modules/access/oidc.routes.js';
import { auditRoutes } from '../modules/audit/audit.routes.js';
import { exportRoutes } from '../modules/exports/exports.routes.js';
import { figuresExportRoutes } from '../modules/exports/figures-export.js';
import { importRoutes } from '../modules/imports/imports.routes.js';
import { demoRoutes } from '../modules/demo/demo.routes.js';
import { cardRoutes } from '../modules/members/cards.routes.js';
import { memberRoutes } from '../modules/members/members.routes.js';
import { reorgRoutes } from '../modules/reorg/reorg.routes.js';
import { systemRoutes } from '../modules/system/system.routes.js';
import { unitRoutes } from '../modules/units/units.routes.js';
import { installAuth } from './auth.js';
import { createErrorHandler, toProblem } from './errors.js';
import { createAjv } from './validation.js';

export type App = FastifyInstance;

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

export interface AppOptions {
  logger?: boolean | { level: string };
  /** Serve the built web app (off in API tests). */
  serveWeb?: boolean;
}

/** Builds the HTTP server: the API under /api/v1, its OpenAPI document and reference, and the web app. */
export async function buildApp(ctx: AppContext, options: AppOptions = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger
      ? {
          ...(typeof options.logger === 'object' ? options.logger : {}),
          // Paths only: query strings carry searched names and single sign-on codes.
          serializers: {
            req: (request: { method: string; url: string; ip?: string }) => ({
              method: request.method,
              url: request.url.split('?')[0],
              remoteAddress: request.ip,
            }),
          },
        }
      : false,
    trustProxy:
      typeof ctx.config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(ctx.config.trustProxy)
        : ctx.config.trustProxy,
    // Request ids tie an audit event to the log lines of its request; unique across restarts.
    genReqId: () => randomUUID(),
    // Bodies are orders and forms; bulk data comes as files through the import endpoints.
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Query strings and paths are text, so their numbers and booleans are coerced; JSON bodies are
  // taken as sent (coercion would turn null into "" and 3 into "3").
  const validators = { coercing: createAjv('array'), exact: createAjv(false) };
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? validators.exact : validators.coercing).compile(schema),
  );

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine and the API reference set styles inline.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // Served over plain HTTP on a local network too; upgrading would break every asset there.
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Rollbook API',
        version: '1',
        description:
          'Every read takes an `asOf` date (default: today). Errors are `application/problem+json` with a stable `code`, the `field` at fault and a message in the language of `Accept-Language` (en, vi, ar). Mutable resources carry an ETag; send it back in `If-Match`.',
      },
      tags: [
        { name: 'units', description: 'The unit tree as of any date' },
        { name: 'orders', description: 'Reorganization orders: draft, preview, apply, reverse' },
        { name: 'access', description: 'Sign-in, sessions, API tokens, users, grants and roles' },
        { name: 'audit', description: 'The hash-chained audit trail' },
        { name: 'system', description: 'Health, rule pack and demo data' },
        {
          name: 'imports',
          description: 'Bulk import of members from CSV and XLSX: upload, map, validate, commit',
        },
      ],
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'rollbook_session',
            description:
              'Set by POST /api/v1/session. Writes made with it must also send X-CSRF-Token (from GET /api/v1/session).',
          },
          token: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token (rbk_…) from POST /api/v1/tokens.',
          },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());

  app.setErrorHandler(createErrorHandler(ctx.rules));
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('too_many_requests', { params: { retry: context.after } }),
  });
  await installAuth(app, ctx);

  await app.register(systemRoutes(ctx), { prefix: '/api' });
  await app.register(unitRoutes(ctx), { prefix: '/api/v1' });
  await app.register(reorgRoutes(ctx), { prefix: '/api/v1' });
  await app.register(demoRoutes(ctx), { prefix: '/api/v1' });
  await app.register(accessRoutes(ctx), { prefix: '/api/v1' });
  await app.register(oidcRoutes(ctx), { prefix: '/api/v1' });
  await app.register(auditRoutes(ctx), { prefix: '/api/v1' });
  await app.register(memberRoutes(ctx), { prefix: '/api/v1' });
  await app.register(cardRoutes(ctx), { prefix: '/api/v1' });
  await app.register(importRoutes(ctx), { prefix: '/api/v1' });
  await app.register(exportRoutes(ctx), { prefix: '/api/v1' });
  await app.register(figuresExportRoutes(ctx), { prefix: '/api/v1' });

  const serveWeb = (options.serveWeb ?? true) && fs.existsSync(path.join(WEB_DIST, 'index.html'));
  // wildcard: files are looked up per request, so a rebuilt web app is served without a restart.
  if (serveWeb) await app.register(fastifyStatic, { root: WEB_DIST, wildcard: true });

  app.setNotFoundHandler((request, reply) => {
    const wantsPage = request.method === 'GET' && !request.url.startsWith('/api') && serveWeb;
    // The web app routes on the client: any page address serves index.html.
    if (wantsPage) return reply.type('text/html').sendFile('index.html');
    const problem = toProblem(
      new AppError('not_found'),
      negotiateLanguage(request.headers['accept-language']),
    );
    return reply.status(404).type('application/problem+json').send(problem);
  });
  return app;
}
