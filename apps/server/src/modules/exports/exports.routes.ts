import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { negotiateLanguage } from '@rollbook/domain';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import { IsoDateSchema, ProblemSchema } from '../../http/conventions.js';
import { LIST_STATUSES } from '../members/members.service.js';
import { EXPORT_FORMATS, exportColumns, exportMembers } from './members-export.js';

/** Streaming exports within the reader's scope, as of any date (issue 5). */
export function exportRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/exports/members/columns',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['imports'],
          summary: 'The columns a member export may hold, named in the language asked',
          response: {
            200: Type.Object({
              items: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
            }),
          },
        },
      },
      async (request) => ({
        items: exportColumns(ctx, negotiateLanguage(request.headers['accept-language'])),
      }),
    );

    app.get(
      '/exports/members',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['imports'],
          summary: 'The members of a subtree as of a date, as CSV or XLSX, streamed',
          description:
            'Headers and values are in the language of Accept-Language (an Arabic workbook reads right to left); the ' +
            'headers are the import’s, so an exported file imports again. National ID, ethnicity and religion are ' +
            'filled only where the reader holds members.sensitive. Every export is recorded in the audit trail.',
          querystring: Type.Object({
            asOf: Type.Optional(IsoDateSchema),
            unitId: Type.Optional(Type.Integer({ minimum: 1 })),
            status: Type.Optional(Type.Union(LIST_STATUSES.map((s) => Type.Literal(s)) as never)),
            columns: Type.Optional(
              Type.String({ description: 'Column keys, comma-separated (default: all).' }),
            ),
            format: Type.Optional(Type.Union(EXPORT_FORMATS.map((f) => Type.Literal(f)) as never)),
            lang: Type.Optional(
              Type.String({
                description: 'The language of headers and values (a link cannot set Accept-Language).',
              }),
            ),
          }),
          produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
          response: {
            200: Type.String({ description: 'The file.' }),
            400: ProblemSchema,
            401: ProblemSchema,
            403: ProblemSchema,
            404: ProblemSchema,
          },
        },
      },
      async (request, reply) => {
        const q = request.query as {
          asOf?: string;
          unitId?: number;
          status?: (typeof LIST_STATUSES)[number];
          columns?: string;
          format?: 'csv' | 'xlsx';
          lang?: string;
        };
        const lang = negotiateLanguage(q.lang ?? request.headers['accept-language']);
        const file = await exportMembers(
          ctx,
          actorOf(request),
          {
            asOf: q.asOf ?? ctx.today(),
            format: q.format ?? 'csv',
            ...(q.unitId !== undefined && { unitId: q.unitId }),
            ...(q.status !== undefined && { status: q.status }),
            ...(q.columns && {
              columns: q.columns
                .split(',')
                .map((c) => c.trim())
                .filter(Boolean),
            }),
          },
          lang,
        );
        reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.fileName}"`);
        // A stream is sent as is (no serializer); the schema above describes it for the docs.
        return reply.send(file.body as never);
      },
    );
  };
}
