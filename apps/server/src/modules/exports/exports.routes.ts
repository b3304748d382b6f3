import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { negotiateLanguage } from '@rollbook/domain';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import { IsoDateSchema, ProblemSchema } from '../../http/conventions.js';
import { LIST_STATUSES } from '../members/members.service.js';
import { defaultPeriod, eventExportColumns, exportEvents } from './events-export.js';
import { exportColumns, exportMembers } from './members-export.js';
import { columnList, EXPORT_FORMATS, type ExportFile } from './spreadsheet.js';
import { exportUnits, unitExportColumns } from './units-export.js';

const FILE_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];
const FILE_RESPONSES = {
  200: Type.String({ description: 'The file.' }),
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
};
const COLUMNS_RESPONSE = {
  200: Type.Object({ items: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })) }),
};
const columnsQuery = () =>
  Type.Optional(Type.String({ description: 'Column keys, comma-separated (default: all).' }));
const formatQuery = () => Type.Optional(Type.Union(EXPORT_FORMATS.map((f) => Type.Literal(f)) as never));
const langQuery = () =>
  Type.Optional(
    Type.String({ description: 'The language of headers and values (a link cannot set Accept-Language).' }),
  );

function sendFile(reply: FastifyReply, file: ExportFile) {
  reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.fileName}"`);
  // A stream is sent as is (no serializer); the schema describes it for the docs.
  return reply.send(file.body as never);
}

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
          response: COLUMNS_RESPONSE,
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
            columns: columnsQuery(),
            format: formatQuery(),
            lang: langQuery(),
          }),
          produces: FILE_TYPES,
          response: FILE_RESPONSES,
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
        const columns = columnList(q.columns);
        const file = await exportMembers(
          ctx,
          actorOf(request),
          {
            asOf: q.asOf ?? ctx.today(),
            format: q.format ?? 'csv',
            ...(q.unitId !== undefined && { unitId: q.unitId }),
            ...(q.status !== undefined && { status: q.status }),
            ...(columns && { columns }),
          },
          negotiateLanguage(q.lang ?? request.headers['accept-language']),
        );
        return sendFile(reply, file);
      },
    );

    app.get(
      '/exports/units/columns',
      {
        config: { access: 'units.read' },
        schema: {
          tags: ['imports'],
          summary: 'The columns a unit export may hold, named in the language asked',
          response: COLUMNS_RESPONSE,
        },
      },
      async (request) => ({
        items: unitExportColumns(negotiateLanguage(request.headers['accept-language'])),
      }),
    );

    app.get(
      '/exports/units',
      {
        config: { access: 'units.read' },
        schema: {
          tags: ['imports'],
          summary:
            'The unit tree of a subtree as of a date, as CSV or XLSX, parents before children, streamed',
          description:
            'Without unitId, the subtrees the reader may read. Headers are the unit fields’ labels in the language ' +
            'asked; the member count (probationary and official members of the unit itself) is filled only where ' +
            'the reader holds members.read. Every export is recorded in the audit trail.',
          querystring: Type.Object({
            asOf: Type.Optional(IsoDateSchema),
            unitId: Type.Optional(Type.Integer({ minimum: 1 })),
            columns: columnsQuery(),
            format: formatQuery(),
            lang: langQuery(),
          }),
          produces: FILE_TYPES,
          response: FILE_RESPONSES,
        },
      },
      async (request, reply) => {
        const q = request.query as {
          asOf?: string;
          unitId?: number;
          columns?: string;
          format?: 'csv' | 'xlsx';
          lang?: string;
        };
        const columns = columnList(q.columns);
        const file = await exportUnits(
          ctx,
          actorOf(request),
          {
            asOf: q.asOf ?? ctx.today(),
            format: q.format ?? 'csv',
            ...(q.unitId !== undefined && { unitId: q.unitId }),
            ...(columns && { columns }),
          },
          negotiateLanguage(q.lang ?? request.headers['accept-language']),
        );
        return sendFile(reply, file);
      },
    );

    app.get(
      '/exports/events/columns',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['imports'],
          summary: 'The columns an event export may hold, named in the language asked',
          response: COLUMNS_RESPONSE,
        },
      },
      async (request) => ({
        items: eventExportColumns(negotiateLanguage(request.headers['accept-language'])),
      }),
    );

    app.get(
      '/exports/events',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['imports'],
          summary: 'The lifecycle events of a period in a subtree, as CSV or XLSX, in date order, streamed',
          description:
            'An event belongs to the unit where it happened (the member’s unit that day; the unit left, for a ' +
            'transfer out or a reorganization) and is exported when that unit was in the reader’s scope that day. ' +
            'The period runs from `from` to `to`, both included (default: this year). Corrected events only with ' +
            'includeCorrected. Details, decision number and note of discipline and suspension matters are filled ' +
            'only where the reader holds members.sensitive. Every export is recorded in the audit trail.',
          querystring: Type.Object({
            from: Type.Optional(IsoDateSchema),
            to: Type.Optional(IsoDateSchema),
            unitId: Type.Optional(Type.Integer({ minimum: 1 })),
            includeCorrected: Type.Optional(Type.Boolean()),
            columns: columnsQuery(),
            format: formatQuery(),
            lang: langQuery(),
          }),
          produces: FILE_TYPES,
          response: FILE_RESPONSES,
        },
      },
      async (request, reply) => {
        const q = request.query as {
          from?: string;
          to?: string;
          unitId?: number;
          includeCorrected?: boolean;
          columns?: string;
          format?: 'csv' | 'xlsx';
          lang?: string;
        };
        const period = defaultPeriod(ctx.today());
        const columns = columnList(q.columns);
        const file = await exportEvents(
          ctx,
          actorOf(request),
          {
            from: q.from ?? period.from,
            to: q.to ?? period.to,
            format: q.format ?? 'csv',
            ...(q.unitId !== undefined && { unitId: q.unitId }),
            ...(q.includeCorrected && { includeCorrected: true }),
            ...(columns && { columns }),
          },
          negotiateLanguage(q.lang ?? request.headers['accept-language']),
        );
        return sendFile(reply, file);
      },
    );
  };
}
