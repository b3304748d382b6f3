import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError, formatReason, type IsoDate, negotiateLanguage, type RuleFinding } from '@rollbook/domain';
import type { Actor } from '../access/actor.js';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import {
  AsOfQuery,
  decodeCursor,
  etag,
  page,
  PageOf,
  ProblemSchema,
  requireIfMatch,
} from '../../http/conventions.js';
import { findDuplicates, mergeMembers } from './duplicates.service.js';
import { memberFigures, workList } from './members.figures.js';
import {
  CheckResultSchema,
  CorrectEventBody,
  CreateMemberBody,
  DuplicatePairSchema,
  EventInputSchema,
  EventParams,
  EventSchema,
  MemberDetailSchema,
  MemberFiguresQuery,
  MemberFiguresSchema,
  MemberListItem,
  MemberListQuery,
  MemberParams,
  RecordChangeBody,
  RecordVersionSchema,
  WorkItemSchema,
  WorkListQuery,
  writes,
  WriteResultSchema,
} from './members.schemas.js';
import {
  changeRecord,
  correctEvent,
  createMember,
  findingParams,
  getMember,
  listEvents,
  listMembers,
  recordEvent,
  recordHistory,
} from './members.service.js';

const reads = { 400: ProblemSchema, 404: ProblemSchema };

/**
 * The member after a write, or null when the write took them out of the writer's reach (the write
 * is done; the answer just cannot show them any more).
 */
async function memberIfReadable(ctx: AppContext, actor: Actor, memberId: number, asOf: IsoDate) {
  try {
    return await getMember(ctx, actor, memberId, asOf);
  } catch (error) {
    if (error instanceof AppError && error.code === 'member_not_found') return null;
    throw error;
  }
}

/** A rule finding with its explanation in the reader's language. */
function presentFinding(request: FastifyRequest, f: RuleFinding) {
  const lang = negotiateLanguage(request.headers['accept-language']);
  return {
    rule: f.rule,
    field: f.field,
    message: formatReason(`rule.${f.rule}`, lang, findingParams(f)),
    ruleSet: f.ruleSet,
    source: f.source,
  };
}

/** The member registry: records, lifecycle events, work lists and figures (issue 4). */
export function memberRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/members',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary:
            'Members of a subtree as of a date; search by name in any script, birth date or national ID',
          querystring: MemberListQuery,
          response: { 200: PageOf(MemberListItem), ...reads, 403: ProblemSchema },
        },
      },
      async (request) => {
        const { asOf = ctx.today(), unit, status, q, sex, cursor, limit = 50 } = request.query;
        const after = decodeCursor<{ sortKey: string; id: number }>(cursor, {
          sortKey: 'string',
          id: 'integer',
        });
        const rows = await listMembers(ctx, actorOf(request), {
          asOf,
          limit: limit + 1,
          ...(unit !== undefined && { unitId: unit }),
          ...(status !== undefined && { status: status as 'members' }),
          ...(q !== undefined && { query: q }),
          ...(sex !== undefined && { sex }),
          ...(after && { after }),
        });
        return page(rows, limit, (m) => ({ sortKey: m.sortKey, id: m.id }));
      },
    );

    app.post(
      '/members',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['members'],
          summary:
            'Add a member: the record and the first event (an application, or an admission for a historical record)',
          body: CreateMemberBody,
          response: { 201: WriteResultSchema, ...writes },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const { memberId, warnings } = await createMember(ctx, actor, request.body);
        const member = await getMember(ctx, actor, memberId, request.body.event.date);
        reply
          .status(201)
          .header('location', `/api/v1/members/${memberId}`)
          .header('etag', etag(member.version));
        return { eventId: null, warnings: warnings.map((w) => presentFinding(request, w)), member };
      },
    );

    app.get(
      '/members/:id',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'A member as of a date: record, status, unit, seniority, deadlines',
          params: MemberParams,
          querystring: AsOfQuery,
          response: { 200: MemberDetailSchema, ...reads },
        },
      },
      async (request, reply) => {
        const member = await getMember(
          ctx,
          actorOf(request),
          request.params.id,
          request.query.asOf ?? ctx.today(),
        );
        reply.header('etag', etag(member.version));
        return member;
      },
    );

    app.get(
      '/members/:id/events',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary: "A member's timeline of events (corrected ones with includeCorrected)",
          params: MemberParams,
          querystring: Type.Object({ includeCorrected: Type.Optional(Type.Boolean()) }),
          response: { 200: Type.Object({ items: Type.Array(EventSchema) }), ...reads },
        },
      },
      async (request) => ({
        items: await listEvents(ctx, actorOf(request), request.params.id, {
          includeCorrected: request.query.includeCorrected ?? false,
        }),
      }),
    );

    app.post(
      '/members/:id/events',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Record an event; refused with the rule and its source when a statute rule breaks',
          params: MemberParams,
          body: EventInputSchema,
          response: { 201: WriteResultSchema, ...writes },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const version = requireIfMatch(request);
        const result = await recordEvent(ctx, actor, request.params.id, version, request.body);
        const member = await memberIfReadable(ctx, actor, request.params.id, request.body.date);
        reply.status(201).header('etag', etag(result.version));
        return {
          eventId: result.eventId,
          warnings: result.warnings.map((w) => presentFinding(request, w)),
          member,
        };
      },
    );

    app.post(
      '/members/:id/events/check',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Check an event without recording it: the rules it would break and the notes it would get',
          params: MemberParams,
          body: EventInputSchema,
          response: { 200: CheckResultSchema, ...writes },
        },
      },
      async (request) => {
        try {
          const result = await recordEvent(ctx, actorOf(request), request.params.id, null, request.body, {
            dryRun: true,
          });
          return { ok: true, problems: [], warnings: result.warnings.map((w) => presentFinding(request, w)) };
        } catch (error) {
          if (!(error instanceof AppError) || error.code !== 'member_rule_broken') throw error;
          const lang = negotiateLanguage(request.headers['accept-language']);
          const violations =
            (
              error.details as {
                violations?: Array<{ field: string; params: Record<string, string | number> }>;
              }
            )?.violations ?? [];
          return {
            ok: false,
            warnings: [],
            problems: violations.map((v) => ({
              rule: String(v.params.rule),
              field: v.field,
              message: formatReason(`rule.${String(v.params.rule)}`, lang, v.params),
              ruleSet: String(v.params.ruleSet),
              source: String(v.params.source),
            })),
          };
        }
      },
    );

    app.post(
      '/members/:id/events/:eventId/correct',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Correct an earlier event: it is kept and marked, and a replacement takes its place',
          params: EventParams,
          body: CorrectEventBody,
          response: { 200: WriteResultSchema, ...writes },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const version = requireIfMatch(request);
        const result = await correctEvent(ctx, actor, request.params.id, request.params.eventId, version, {
          reason: request.body.reason,
          replacement: request.body.replacement ?? null,
        });
        const member = await memberIfReadable(ctx, actor, request.params.id, ctx.today());
        reply.header('etag', etag(result.version));
        return { eventId: result.eventId, warnings: [], member };
      },
    );

    app.patch(
      '/members/:id/record',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Change the record from a date on, or correct it (the register keeps what it said)',
          params: MemberParams,
          body: RecordChangeBody,
          response: { 200: MemberDetailSchema, ...writes },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const version = requireIfMatch(request);
        const { effectiveFrom, correction, fields } = request.body;
        await changeRecord(ctx, actor, request.params.id, version, {
          fields,
          ...(effectiveFrom !== undefined && { effectiveFrom }),
          ...(correction !== undefined && { correction }),
        });
        const member = await getMember(ctx, actor, request.params.id, effectiveFrom ?? ctx.today());
        reply.header('etag', etag(member.version));
        return member;
      },
    );

    app.get(
      '/members/:id/record/history',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary: "Every version of a member's record (superseded ones with includeSuperseded)",
          params: MemberParams,
          querystring: Type.Object({ includeSuperseded: Type.Optional(Type.Boolean()) }),
          response: { 200: Type.Object({ items: Type.Array(RecordVersionSchema) }), ...reads },
        },
      },
      async (request) => ({
        items: (await recordHistory(
          ctx,
          actorOf(request),
          request.params.id,
          request.query.includeSuperseded ?? false,
        )) as never,
      }),
    );

    app.get(
      '/units/:id/member-figures',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary:
            'Members of a subtree as of a date by status, sex, age band (ethnicity and religion with members.sensitive); with from/to, the flows of the period against the previous one and last year',
          params: MemberParams,
          querystring: MemberFiguresQuery,
          response: { 200: MemberFiguresSchema, ...reads },
        },
      },
      async (request) => {
        const { asOf = ctx.today(), from, to } = request.query;
        if ((from === undefined) !== (to === undefined))
          throw new AppError('validation_failed', {
            field: from === undefined ? 'from' : 'to',
            params: { reason: 'reason:required' },
          });
        return memberFigures(
          ctx,
          actorOf(request),
          request.params.id,
          asOf,
          from && to ? { from, to } : undefined,
        );
      },
    );

    app.get(
      '/members/duplicates',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'Records in a subtree that may be one person: same birth date, names alike',
          querystring: Type.Object({
            unit: Type.Integer({ minimum: 1 }),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          }),
          response: { 200: Type.Object({ items: Type.Array(DuplicatePairSchema) }), ...reads },
        },
      },
      async (request) => ({
        items: await findDuplicates(ctx, actorOf(request), {
          unitId: request.query.unit,
          limit: request.query.limit ?? 100,
        }),
      }),
    );

    app.post(
      '/members/:id/merge',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Merge a duplicate record into this member; both histories stay on one timeline',
          params: MemberParams,
          body: Type.Object(
            {
              duplicateId: Type.Integer({ minimum: 1 }),
              duplicateVersion: Type.Integer({
                minimum: 1,
                description: 'The duplicate’s version (its ETag).',
              }),
              reason: Type.String({ minLength: 1, maxLength: 1000 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: MemberDetailSchema, ...writes },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        await mergeMembers(ctx, actor, request.params.id, requireIfMatch(request), request.body);
        const member = await getMember(ctx, actor, request.params.id, ctx.today());
        reply.header('etag', etag(member.version));
        return member;
      },
    );

    app.get(
      '/work-list',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary:
            'What is due in a subtree: ceremonies, probation reviews, transfer slips, suspensions, missing fields',
          querystring: WorkListQuery,
          response: { 200: Type.Object({ items: Type.Array(WorkItemSchema) }), ...reads },
        },
      },
      async (request) => {
        const { unit, asOf = ctx.today(), horizonDays = 30, limit = 200 } = request.query;
        return {
          items: await workList(ctx, actorOf(request), {
            asOf,
            horizonDays,
            limit,
            ...(unit !== undefined && { unitId: unit }),
          }),
        };
      },
    );
  };
}
