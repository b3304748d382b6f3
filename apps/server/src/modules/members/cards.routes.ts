import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import { etag, IsoDateSchema, Nullable, ProblemSchema, requireIfMatch } from '../../http/conventions.js';
import {
  CARD_ACTIONS,
  campaignProgress,
  cardAction,
  createCampaign,
  listCampaigns,
  listCards,
} from './cards.service.js';
import { MemberParams, writes } from './members.schemas.js';
import { memberVersion } from './members.repository.js';

const CardSchema = Type.Object({
  id: Type.Integer(),
  memberId: Type.Integer(),
  number: Type.String(),
  issuedOn: Type.String(),
  kind: Type.String({ description: 'issue, reissue or exchange' }),
  replacesCardId: Nullable(Type.Integer()),
  campaignId: Nullable(Type.Integer()),
  endedOn: Nullable(Type.String()),
  endReason: Nullable(Type.String({ description: 'replaced, lost, recovered or kept_by_family' })),
  recordedAt: Type.String({ format: 'date-time' }),
  recordedBy: Type.String(),
});

const CampaignSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  startsOn: Type.String(),
  endsOn: Nullable(Type.String()),
  unitId: Nullable(Type.Integer()),
  decisionNumber: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  inScope: Type.Integer({ description: 'Official members holding a card on the start day.' }),
});

const ProgressLine = Type.Object({
  unitId: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  inScope: Type.Integer(),
  exchanged: Type.Integer(),
});

/** Membership cards and exchange campaigns (BRIEF capability 3). */
export function cardRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/members/:id/cards',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['cards'],
          summary: "A member's cards, old → new",
          params: MemberParams,
          response: { 200: Type.Object({ items: Type.Array(CardSchema) }), 404: ProblemSchema },
        },
      },
      async (request) => ({ items: await listCards(ctx, actorOf(request), request.params.id) }),
    );

    app.post(
      '/members/:id/cards',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['cards'],
          summary: 'Issue, re-issue, exchange (in a campaign), report lost or recover a card',
          params: MemberParams,
          body: Type.Object(
            {
              action: Type.Union(CARD_ACTIONS.map((a) => Type.Literal(a))),
              date: IsoDateSchema,
              number: Type.Optional(
                Nullable(Type.String({ maxLength: 60, description: 'An opaque card number.' })),
              ),
              campaignId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({ cardId: Nullable(Type.Integer()), items: Type.Array(CardSchema) }),
            ...writes,
          },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const result = await cardAction(ctx, actor, request.params.id, requireIfMatch(request), request.body);
        reply.status(201).header('etag', etag((await memberVersion(ctx.db, request.params.id))!));
        return { cardId: result.cardId, items: await listCards(ctx, actor, request.params.id) };
      },
    );

    app.get(
      '/card-campaigns',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['cards'],
          summary: 'Card exchange campaigns the reader may follow',
          response: { 200: Type.Object({ items: Type.Array(CampaignSchema) }) },
        },
      },
      async (request) => ({ items: await listCampaigns(ctx, actorOf(request)) }),
    );

    app.post(
      '/card-campaigns',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['cards'],
          summary: 'Open an exchange campaign; its scope is fixed on the start day',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200 }),
              startsOn: IsoDateSchema,
              endsOn: Type.Optional(Nullable(IsoDateSchema)),
              unitId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
              decisionNumber: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
            },
            { additionalProperties: false },
          ),
          response: { 201: CampaignSchema, ...writes },
        },
      },
      async (request, reply) => {
        const campaign = await createCampaign(ctx, actorOf(request), request.body);
        reply.status(201).header('location', `/api/v1/card-campaigns/${campaign.id}`);
        return campaign;
      },
    );

    app.get(
      '/card-campaigns/:id/progress',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['cards'],
          summary: 'Exchanged ÷ in scope as of a date, for a unit and each unit under it',
          params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
          querystring: Type.Object({
            unit: Type.Optional(Type.Integer({ minimum: 1 })),
            asOf: Type.Optional(IsoDateSchema),
          }),
          response: {
            200: Type.Object({
              campaign: CampaignSchema,
              asOf: Type.String(),
              total: ProgressLine,
              children: Type.Array(ProgressLine),
            }),
            404: ProblemSchema,
          },
        },
      },
      async (request) =>
        campaignProgress(ctx, actorOf(request), request.params.id, {
          asOf: request.query.asOf ?? ctx.today(),
          ...(request.query.unit !== undefined && { unitId: request.query.unit }),
        }),
    );
  };
}
