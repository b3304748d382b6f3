import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError, reason, type RuleViolation } from '@rollbook/domain';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { scopeOf } from '../../http/auth.js';
import {
  AsOfQuery,
  decodeCursor,
  encodeCursor,
  page,
  PageOf,
  ProblemSchema,
} from '../../http/conventions.js';
import { createAndApplyOrder } from '../reorg/reorg.service.js';
import { OrderSchema } from '../reorg/reorg.schemas.js';
import { presentOrder } from '../reorg/reorg.present.js';
import {
  CreateUnitBody,
  FiguresChangeQuery,
  FiguresChangeSchema,
  FiguresSchema,
  HistoryQuery,
  HistorySchema,
  LineageSchema,
  UnitDetailSchema,
  UnitListQuery,
  UnitParams,
  UnitSchema,
} from './units.schemas.js';
import {
  compareFigures,
  findChildren,
  getFigures,
  getLineage,
  getUnit,
  getUnitHistory,
  searchUnits,
} from './units.service.js';

const problems = { 400: ProblemSchema, 404: ProblemSchema };

/** Read the tree as of any date; add a unit (a one-operation order, so it has a history like any other change). */
export function unitRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/units',
      {
        config: { access: 'units.read' },
        schema: {
          tags: ['units'],
          summary: 'List the units under a parent, or search units by name or code, as of a date',
          querystring: UnitListQuery,
          response: { 200: PageOf(UnitSchema), ...problems },
        },
      },
      async (request) => {
        const { scope } = scopeOf(request);
        const { asOf = ctx.today(), parentId, q, kind, under, cursor, limit = 50 } = request.query;
        if (q) {
          const after = decodeCursor<{ code: string; id: number }>(cursor, { code: 'string', id: 'integer' });
          const items = await searchUnits(ctx.db, {
            query: q,
            date: asOf,
            limit: limit + 1,
            scope,
            ...(under !== undefined && { underUnitId: under }),
            ...(kind !== undefined && { kind }),
            ...(after && { after }),
          });
          return page(items, limit, (u) => ({ code: u.code, id: u.id }));
        }
        if (parentId === undefined) {
          throw new AppError('validation_failed', {
            field: 'parentId',
            params: { reason: reason('parent_or_query') },
          });
        }
        const all = await findChildren(ctx.db, parentId === 'root' ? null : Number(parentId), asOf, scope);
        // Children of one unit are few (hundreds at most); the cursor is a position in the ordered list.
        const offset = decodeCursor<{ offset: number }>(cursor, { offset: 'integer' })?.offset ?? 0;
        const items = all.slice(offset, offset + limit);
        return {
          items,
          nextCursor: offset + limit < all.length ? encodeCursor({ offset: offset + limit }) : null,
        };
      },
    );

    app.post(
      '/units',
      {
        config: { access: 'orders.apply' },
        schema: {
          tags: ['units'],
          summary: 'Add a unit: makes and applies a one-operation reorganization order',
          body: CreateUnitBody,
          response: {
            201: Type.Object({ unit: UnitSchema, order: OrderSchema }),
            400: ProblemSchema,
            409: ProblemSchema,
            422: ProblemSchema,
          },
        },
      },
      async (request, reply) => {
        const {
          effectiveDate = ctx.today(),
          decision,
          code,
          name,
          kind,
          parentId,
          attributes,
        } = request.body;
        const { actor } = scopeOf(request, 'orders.write');
        const order = await createAndApplyOrder(ctx, actor, {
          effectiveDate,
          title: `${code} ${name}`,
          decision,
          operations: [{ type: 'create', code, name, kind, parentId, ...(attributes && { attributes }) }],
        }).catch((error: unknown) => {
          throw asBodyFields(error);
        });
        const id = order.result?.createdUnitIds?.['0']?.[0];
        const detail = await getUnit(ctx.db, id!, effectiveDate, scopeOf(request, 'units.read').scope);
        reply.status(201).header('location', `/api/v1/units/${id}`);
        return { unit: detail.unit!, order: presentOrder(order, ctx.today()) };
      },
    );

    app.get(
      '/units/:id',
      {
        config: { access: 'units.read' },
        schema: {
          tags: ['units'],
          summary: 'A unit as of a date, with its place in the tree',
          params: UnitParams,
          querystring: AsOfQuery,
          response: { 200: UnitDetailSchema, ...problems },
        },
      },
      async (request) =>
        getUnit(ctx.db, request.params.id, request.query.asOf ?? ctx.today(), scopeOf(request).scope),
    );

    app.get(
      '/units/:id/history',
      {
        config: { access: 'units.read' },
        schema: {
          tags: ['units'],
          summary: "A unit's timeline: every version and the order behind it",
          params: UnitParams,
          querystring: HistoryQuery,
          response: { 200: HistorySchema, ...problems },
        },
      },
      async (request) =>
        getUnitHistory(ctx.db, request.params.id, {
          includeSuperseded: request.query.includeSuperseded ?? false,
          scope: scopeOf(request).scope,
          date: request.query.asOf ?? ctx.today(),
        }),
    );

    app.get(
      '/units/:id/lineage',
      {
        config: { access: 'units.read' },
        schema: {
          tags: ['units'],
          summary: 'Predecessors and successors through merges and splits',
          params: UnitParams,
          querystring: AsOfQuery,
          response: { 200: LineageSchema, ...problems },
        },
      },
      async (request) =>
        getLineage(ctx.db, request.params.id, scopeOf(request).scope, request.query.asOf ?? ctx.today()),
    );

    app.get(
      '/units/:id/figures',
      {
        config: { access: 'units.read' },
        schema: {
          tags: ['units'],
          summary: 'Units in the subtree by kind, as of a date',
          params: UnitParams,
          querystring: AsOfQuery,
          response: { 200: FiguresSchema, ...problems },
        },
      },
      async (request) =>
        getFigures(
          ctx.db,
          request.params.id,
          request.query.asOf ?? ctx.today(),
          scopeOf(request).scope,
          ctx.rules,
        ),
    );

    app.get(
      '/units/:id/figures/change',
      {
        config: { access: 'units.read' },
        schema: {
          tags: ['units'],
          summary: 'How the subtree changed between two dates, and the orders that changed it',
          params: UnitParams,
          querystring: FiguresChangeQuery,
          response: { 200: FiguresChangeSchema, ...problems },
        },
      },
      async (request) =>
        compareFigures(
          ctx.db,
          request.params.id,
          { from: request.query.from, to: request.query.to ?? ctx.today() },
          scopeOf(request).scope,
          ctx.rules,
        ),
    );
  };
}

/**
 * The quick add is a one-operation order; its broken rules name the fields of that operation
 * (operations.0.code) — rename them to the fields of the request (code) so a form can place them.
 */
function asBodyFields(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  const rebase = (field: string | undefined) => {
    if (!field?.startsWith('operations.0')) return field;
    return field.replace(/^operations\.0\.?/, '') || 'parentId';
  };
  const details = error.details as { violations?: RuleViolation[] } | undefined;
  const violations = details?.violations?.map((v) => ({ ...v, field: rebase(v.field) ?? 'body' }));
  const field = rebase(error.field);
  return new AppError(error.code, {
    params: error.params,
    ...(field !== undefined && { field }),
    ...(violations && { details: { violations } }),
  });
}
