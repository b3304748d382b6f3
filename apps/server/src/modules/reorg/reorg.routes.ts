import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { negotiateLanguage, type ReorgOperation } from '@rollbook/domain';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import { decodeCursor, etag, page, ProblemSchema, requireIfMatch } from '../../http/conventions.js';
import { localizeViolation } from '../../http/errors.js';
import { presentOrder } from './reorg.present.js';
import {
  OrderBody,
  OrderListQuery,
  OrderListSchema,
  OrderParams,
  OrderPatchBody,
  OrderSchema,
  PreviewBody,
  PreviewSchema,
  ReversalBody,
} from './reorg.schemas.js';
import {
  applyOrder,
  createOrder,
  deleteOrder,
  draftReversal,
  findOrders,
  getOrder,
  type OrderPreview,
  previewOrder,
  updateOrder,
} from './reorg.service.js';

const errors = {
  400: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  412: ProblemSchema,
  422: ProblemSchema,
  428: ProblemSchema,
};

/** Reorganization orders: drafts that are edited, previewed, applied once, and undone only by reversal. */
export function reorgRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const localize = (preview: OrderPreview, acceptLanguage: string | undefined) => ({
      ...preview,
      violations: preview.violations.map((v) =>
        localizeViolation(v, negotiateLanguage(acceptLanguage), ctx.rules),
      ),
    });

    app.get(
      '/orders',
      {
        config: { access: 'orders.read' },
        schema: {
          tags: ['orders'],
          summary: 'List orders, newest first',
          querystring: OrderListQuery,
          response: { 200: OrderListSchema, 400: ProblemSchema },
        },
      },
      async (request) => {
        const { state, unitId, cursor, limit = 50 } = request.query;
        const beforeId = decodeCursor<{ id: number }>(cursor, { id: 'integer' })?.id;
        const rows = await findOrders(ctx, actorOf(request), {
          limit: limit + 1,
          ...(state && { state }),
          ...(unitId !== undefined && { unitId }),
          ...(beforeId !== undefined && { beforeId }),
        });
        const { items, nextCursor } = page(rows, limit, (o) => ({ id: o.id }));
        return { items: items.map((o) => presentOrder(o, ctx.today())), nextCursor };
      },
    );

    app.post(
      '/orders',
      {
        config: { access: 'orders.write' },
        schema: {
          tags: ['orders'],
          summary: 'Create a draft order',
          body: OrderBody,
          response: { 201: OrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const order = await createOrder(ctx, actorOf(request), {
          ...request.body,
          operations: request.body.operations as ReorgOperation[],
        });
        reply
          .status(201)
          .header('etag', etag(order.version))
          .header('location', `/api/v1/orders/${order.id}`);
        return presentOrder(order, ctx.today());
      },
    );

    app.post(
      '/orders/preview',
      {
        config: { access: 'orders.write' },
        schema: {
          tags: ['orders'],
          summary: 'Preview an unsaved order: what changes, figures before and after, broken rules',
          body: PreviewBody,
          response: { 200: PreviewSchema, ...errors },
        },
      },
      async (request) =>
        localize(
          await previewOrder(ctx, actorOf(request), {
            effectiveDate: request.body.effectiveDate,
            operations: request.body.operations as ReorgOperation[],
          }),
          request.headers['accept-language'],
        ),
    );

    app.get(
      '/orders/:id',
      {
        config: { access: 'orders.read' },
        schema: {
          tags: ['orders'],
          summary: 'One order',
          params: OrderParams,
          response: { 200: OrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const order = await getOrder(ctx.db, actorOf(request), request.params.id);
        reply.header('etag', etag(order.version));
        return presentOrder(order, ctx.today());
      },
    );

    app.patch(
      '/orders/:id',
      {
        config: { access: 'orders.write' },
        schema: {
          tags: ['orders'],
          summary: 'Change a draft (If-Match required)',
          params: OrderParams,
          body: OrderPatchBody,
          response: { 200: OrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const version = requireIfMatch(request);
        const { operations, ...rest } = request.body;
        const order = await updateOrder(ctx, actorOf(request), request.params.id, version, {
          ...rest,
          ...(operations && { operations: operations as ReorgOperation[] }),
        });
        reply.header('etag', etag(order.version));
        return presentOrder(order, ctx.today());
      },
    );

    app.delete(
      '/orders/:id',
      {
        config: { access: 'orders.write' },
        schema: {
          tags: ['orders'],
          summary: 'Delete a draft (If-Match required)',
          params: OrderParams,
          response: { 204: Type.Null({ description: 'Deleted.' }), ...errors },
        },
      },
      async (request, reply) => {
        await deleteOrder(ctx, actorOf(request), request.params.id, requireIfMatch(request));
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/orders/:id/preview',
      {
        config: { access: 'orders.write' },
        schema: {
          tags: ['orders'],
          summary: 'Preview a saved draft',
          params: OrderParams,
          response: { 200: PreviewSchema, ...errors },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const order = await getOrder(ctx.db, actor, request.params.id, 'orders.write');
        return localize(await previewOrder(ctx, actor, order), request.headers['accept-language']);
      },
    );

    app.post(
      '/orders/:id/apply',
      {
        config: { access: 'orders.apply' },
        schema: {
          tags: ['orders'],
          summary: 'Apply a draft on its effective date, atomically (If-Match required)',
          params: OrderParams,
          response: { 200: OrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        // The answer does not wait for the roll-ups of a large new unit (a merger's new province).
        const order = await applyOrder(
          ctx,
          actorOf(request),
          request.params.id,
          requireIfMatch(request),
          'background',
        );
        reply.header('etag', etag(order.version));
        return presentOrder(order, ctx.today());
      },
    );

    app.post(
      '/orders/:id/reversal',
      {
        config: { access: 'orders.write' },
        schema: {
          tags: ['orders'],
          summary: 'Draft the order that undoes an applied one',
          params: OrderParams,
          body: ReversalBody,
          response: { 201: OrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const order = await draftReversal(
          ctx,
          actorOf(request),
          request.params.id,
          request.body?.effectiveDate,
          negotiateLanguage(request.headers['accept-language']),
        );
        reply
          .status(201)
          .header('etag', etag(order.version))
          .header('location', `/api/v1/orders/${order.id}`);
        return presentOrder(order, ctx.today());
      },
    );
  };
}
