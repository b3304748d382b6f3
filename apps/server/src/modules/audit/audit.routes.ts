import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '@rollbook/domain';
import { type Static, Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { actorOf, scopeOf } from '../../http/auth.js';
import { requireEverywhere } from '../access/actor.js';
import {
  decodeCursor,
  IsoDateSchema,
  Nullable,
  page,
  PageOf,
  ProblemSchema,
} from '../../http/conventions.js';
import { isUnitVisible } from '../access/scope.js';
import type { Scope } from '../access/actor.js';
import {
  auditCsv,
  type AuditFilter,
  findAuditEvents,
  getAuditEvent,
  recordAudit,
  verifyAudit,
} from './audit.service.js';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };

const AuditEventSchema = Type.Object({
  seq: Type.Integer({ description: 'Position in the chain.' }),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Object({ id: Nullable(Type.Integer()), name: Type.String() }),
  requestId: Nullable(Type.String()),
  source: Nullable(Type.String({ description: 'Client address, or `local` for the CLI.' })),
  action: Type.String({ description: 'e.g. order.apply, grant.revoke, audit.export.' }),
  entity: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }),
  unitIds: Type.Array(Type.Integer()),
  decision: Nullable(Type.Object({}, { additionalProperties: true })),
  changes: Type.Unknown({ description: 'What differs: {field: [before, after]}.' }),
  hash: Type.String({ description: 'SHA-256 of the previous hash and this event, hex.' }),
});

const AuditQuery = Type.Object({
  unitId: Type.Optional(Type.Integer({ minimum: 1, description: 'Only events about this unit’s subtree.' })),
  actorId: Type.Optional(Type.Integer({ minimum: 1 })),
  entityType: Type.Optional(Type.String({ maxLength: 50 })),
  entityId: Type.Optional(Type.String({ maxLength: 50 })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  from: Type.Optional(IsoDateSchema),
  to: Type.Optional(IsoDateSchema),
  cursor: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
});

type AuditQueryType = Static<typeof AuditQuery>;

/** The filter of a query; a unit outside the reader's scope answers like a missing one. */
async function filterOf(
  ctx: AppContext,
  scope: Scope,
  query: AuditQueryType,
): Promise<Omit<AuditFilter, 'limit'>> {
  if (query.unitId !== undefined && !(await isUnitVisible(ctx.db, scope, query.unitId, ctx.today()))) {
    throw new AppError('unit_not_found', { field: 'unitId', params: { unit: `#${query.unitId}` } });
  }
  const { cursor: _cursor, limit: _limit, ...rest } = query;
  return { ...rest, timeZone: ctx.config.timeZone };
}

/** The audit trail: read within scope, exported as CSV, verified end to end. */
export function auditRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/audit',
      {
        config: { access: 'audit.read' },
        schema: {
          tags: ['audit'],
          summary: 'Audit events inside your scope, newest first',
          querystring: AuditQuery,
          response: { 200: PageOf(AuditEventSchema), ...problems },
        },
      },
      async (request) => {
        const { scope } = scopeOf(request);
        const limit = request.query.limit ?? 50;
        const before = decodeCursor<{ seq: number }>(request.query.cursor, { seq: 'integer' });
        const events = await findAuditEvents(ctx.db, scope, {
          ...(await filterOf(ctx, scope, request.query)),
          ...(before && { beforeSeq: before.seq }),
          limit: limit + 1,
        });
        return page(events, limit, (e) => ({ seq: e.seq }));
      },
    );

    app.get(
      '/audit/export.csv',
      {
        config: { access: 'audit.read' },
        schema: {
          tags: ['audit'],
          summary: 'The same events as CSV (streamed). The export itself is recorded in the trail.',
          querystring: Type.Omit(AuditQuery, ['cursor', 'limit']),
          produces: ['text/csv'],
          response: { 200: Type.String({ description: 'CSV, UTF-8 with a byte-order mark.' }), ...problems },
        },
      },
      async (request, reply) => {
        const { actor, scope } = scopeOf(request);
        const filter = await filterOf(ctx, scope, request.query);
        // Reading the trail in bulk is itself a reading of confidential data: it leaves an event.
        await ctx.db.transaction().execute((trx) =>
          recordAudit(trx, actor, {
            action: 'audit.export',
            entity: { type: 'audit', id: null },
            unitIds: filter.unitId ? [filter.unitId] : scope.all ? [] : [...scope.roots],
            after: filter,
          }),
        );
        async function* withBom() {
          yield '\uFEFF';
          yield* auditCsv(ctx.db, scope, filter);
        }
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="rollbook-audit-${ctx.today()}.csv"`);
        // A stream is sent as is (no serializer); the schema above describes its text for the docs.
        return reply.send(Readable.from(withBom()) as never);
      },
    );

    app.get(
      '/audit/verify',
      {
        config: { access: 'audit.read' },
        schema: {
          tags: ['audit'],
          summary: 'Verify the whole chain (organization-wide readers)',
          querystring: Type.Object({
            anchor: Type.Optional(
              Type.String({
                pattern: '^\\d+:[0-9a-fA-F]{64}$',
                description: '`seq:hash` noted earlier; checks nothing was rewritten or cut since.',
              }),
            ),
          }),
          response: {
            200: Type.Object({
              ok: Type.Boolean(),
              events: Type.Integer(),
              head: Nullable(Type.Object({ seq: Type.Integer(), hash: Type.String() })),
              broken: Nullable(Type.Object({ seq: Type.Integer(), problem: Type.String() })),
              milliseconds: Type.Integer(),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        requireEverywhere(actorOf(request), 'audit.read');
        const anchor = request.query.anchor?.split(':');
        return verifyAudit(ctx.db, anchor ? { seq: Number(anchor[0]), hash: anchor[1]! } : undefined);
      },
    );

    app.get(
      '/audit/:seq',
      {
        config: { access: 'audit.read' },
        schema: {
          tags: ['audit'],
          summary: 'One audit event',
          params: Type.Object({ seq: Type.Integer({ minimum: 1 }) }),
          response: { 200: AuditEventSchema, ...problems },
        },
      },
      async (request) =>
        getAuditEvent(ctx.db, scopeOf(request).scope, request.params.seq, ctx.config.timeZone),
    );
  };
}
