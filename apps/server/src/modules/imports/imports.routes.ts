import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DATE_ORDERS, formatReason, IMPORT_ENTITIES, negotiateLanguage } from '@rollbook/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import { decodeCursor, etag, Nullable, page, ProblemSchema, requireIfMatch } from '../../http/conventions.js';
import {
  createImportTemplate,
  deleteImportTemplate,
  findImportTemplates,
  getImportTemplate,
  updateImportTemplate,
} from './import-templates.service.js';
import { IMPORT_STATUSES } from './imports.repository.js';
import {
  applyImportTemplate,
  cancelImport,
  commitImport,
  getImport,
  IMPORT_LIMITS,
  importProblems,
  listImports,
  problemParams,
  problemsCsv,
  problemsXlsx,
  uploadImport,
  validateImport,
} from './imports.service.js';

/** What a file's rows are (members, units, events, cards): of an upload, or of a saved mapping. */
const EntityParam = Type.Union(
  IMPORT_ENTITIES.map((e) => Type.Literal(e)),
  { description: `What the rows are: ${IMPORT_ENTITIES.join(', ')}` },
);

const ImportParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const ImportSchema = Type.Object({
  id: Type.Integer(),
  entity: Type.String(),
  status: Type.String({ description: IMPORT_STATUSES.join(', ') }),
  fileName: Type.String(),
  fileSha256: Type.String(),
  fileBytes: Type.Integer(),
  format: Type.String({ description: 'csv or xlsx' }),
  encoding: Nullable(Type.String({ description: 'The encoding read (CSV).' })),
  delimiter: Nullable(Type.String()),
  headers: Type.Array(Type.String()),
  mapping: Nullable(Type.Record(Type.String(), Type.String(), { description: 'field → column header' })),
  options: Type.Object({ dateOrder: Type.Optional(Type.String()) }),
  unitId: Nullable(Type.Integer()),
  rowsTotal: Nullable(Type.Integer()),
  rowsDone: Type.Integer(),
  problemCount: Type.Integer(),
  failure: Nullable(
    Type.Object({
      code: Type.String(),
      params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
    }),
  ),
  result: Nullable(Type.Record(Type.String(), Type.Unknown())),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  fields: Type.Array(
    Type.Object({ key: Type.String(), label: Type.String(), required: Type.Boolean(), kind: Type.String() }),
  ),
  progress: Nullable(
    Type.Object({
      rowsDone: Type.Integer(),
      rowsTotal: Nullable(Type.Integer()),
      fraction: Type.Number({ description: 'How much is done, 0–1.' }),
      step: Nullable(Type.String()),
      rowsPerSecond: Nullable(Type.Number()),
      secondsLeft: Nullable(Type.Number()),
    }),
  ),
  failureMessage: Type.Optional(Type.String()),
  missingColumns: Type.Optional(
    Type.Array(Type.Object({ field: Type.String(), column: Type.String(), message: Type.String() }), {
      description: 'After a template is applied: the columns it maps that this file does not have.',
    }),
  ),
});

const TemplateParams = Type.Object({ templateId: Type.Integer({ minimum: 1 }) });

const MappingBody = Type.Record(
  Type.String({ maxLength: 200 }),
  Type.String({ minLength: 1, maxLength: 1000 }),
  {
    description: 'field → column header, as an import holds it',
  },
);

const DateOrderBody = Type.Union([Type.Literal('dmy'), Type.Literal('mdy')], {
  description: `How dates with slashes are ordered: ${DATE_ORDERS.join(' or ')}`,
});

const TemplateSchema = Type.Object({
  id: Type.Integer(),
  entity: Type.String(),
  name: Type.String(),
  mapping: Type.Record(Type.String(), Type.String(), { description: 'field → column header' }),
  options: Type.Object({ dateOrder: Type.Optional(Type.String()) }),
  unitId: Nullable(Type.Integer({ description: 'Whose it is; null: the whole organization.' })),
  version: Type.Integer({ description: 'Send it back as If-Match to change or delete the template.' }),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const ProblemItem = Type.Object({
  seq: Type.Integer(),
  row: Nullable(Type.Integer({ description: 'The row number a spreadsheet shows (the header is row 1).' })),
  column: Nullable(Type.String()),
  field: Nullable(Type.String()),
  value: Nullable(Type.String()),
  reason: Type.String({ description: 'A stable key: import.date, rule.admission_age_young, …' }),
  message: Type.String({ description: 'What is wrong and how to fix it, in the language asked.' }),
});

const problems = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
};

const writeProblems = { ...problems, 412: ProblemSchema, 428: ProblemSchema };

function langOf(request: FastifyRequest) {
  return negotiateLanguage(request.headers['accept-language']);
}

/** A job with its failure in words. */
function withMessage<T extends { failure: { code: string; params: Record<string, string | number> } | null }>(
  job: T,
  lang: ReturnType<typeof langOf>,
) {
  if (!job.failure) return job;
  const { params } = job.failure;
  const key =
    typeof params.reason === 'string' && params.reason.startsWith('reason:') ? params.reason.slice(7) : null;
  return { ...job, failureMessage: key ? formatReason(key, lang, params) : job.failure.code };
}

/** Bulk import (issue 5): upload a file, map its columns, validate, commit — or cancel. */
export function importRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Files arrive as the request body itself, streamed to disk (never held in memory whole).
    app.addContentTypeParser(
      [
        'application/octet-stream',
        'text/csv',
        'text/plain',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      ],
      (_request, payload, done) => done(null, payload),
    );

    app.post(
      '/imports',
      {
        bodyLimit: IMPORT_LIMITS.maxFileBytes,
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary:
            'Upload a CSV or XLSX file: the header is read and the columns are mapped to fields by their names',
          description:
            'The body is the file itself (Content-Type text/csv, application/octet-stream or the XLSX type). ' +
            'Nothing is written to the register until the import is validated and committed.',
          querystring: Type.Object({
            entity: EntityParam,
            fileName: Type.String({ minLength: 1, maxLength: 255 }),
            unitId: Type.Optional(
              Type.Integer({ minimum: 1, description: 'Rows must lie under this unit.' }),
            ),
            encoding: Type.Optional(
              Type.String({
                maxLength: 40,
                description: 'A CSV in a legacy encoding (windows-1258, …); detected otherwise.',
              }),
            ),
            delimiter: Type.Optional(
              Type.String({ minLength: 1, maxLength: 1, description: 'Detected otherwise.' }),
            ),
          }),
          response: { 201: ImportSchema, ...problems },
        },
      },
      async (request, reply) => {
        const body = request.body as unknown;
        const stream = body instanceof Readable ? body : Readable.from([Buffer.from(String(body ?? ''))]);
        const job = await uploadImport(
          ctx,
          actorOf(request),
          {
            entity: request.query.entity,
            fileName: request.query.fileName,
            unitId: request.query.unitId ?? null,
            body: stream,
            encoding: request.query.encoding ?? null,
            delimiter: request.query.delimiter ?? null,
          },
          langOf(request),
        );
        return reply.code(201).send(withMessage(job, langOf(request)));
      },
    );

    app.get(
      '/imports',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary: 'Imports in your part of the tree, newest first',
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            cursor: Type.Optional(Type.String()),
          }),
          response: {
            200: Type.Object({ items: Type.Array(ImportSchema), nextCursor: Nullable(Type.String()) }),
            ...problems,
          },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 50;
        const before = decodeCursor<{ id: number }>(request.query.cursor, { id: 'integer' });
        const jobs = await listImports(
          ctx,
          actorOf(request),
          { limit, beforeId: before?.id ?? null },
          langOf(request),
        );
        const result = page(jobs, limit, (j) => ({ id: j.id }));
        return { ...result, items: result.items.map((j) => withMessage(j, langOf(request))) };
      },
    );

    app.get(
      '/imports/:id',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary: 'An import: its status, mapping, progress and outcome',
          params: ImportParams,
          response: { 200: ImportSchema, ...problems },
        },
      },
      async (request) =>
        withMessage(
          await getImport(ctx, actorOf(request), request.params.id, langOf(request)),
          langOf(request),
        ),
    );

    app.post(
      '/imports/:id/validate',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary: 'Check the whole file with a mapping; nothing is written to the register',
          description:
            'Runs in the background (202): read the import to follow its progress. It ends validated, or invalid with ' +
            'the list of problems at /imports/{id}/problems.',
          params: ImportParams,
          body: Type.Object({
            mapping: Type.Optional(
              Type.Record(Type.String(), Type.String(), { description: 'field → column header' }),
            ),
            dateOrder: Type.Optional(
              Type.Union([Type.Literal('dmy'), Type.Literal('mdy')], {
                description: `How dates with slashes are ordered: ${DATE_ORDERS.join(' or ')} (day first by default)`,
              }),
            ),
          }),
          response: { 202: ImportSchema, ...problems },
        },
      },
      async (request, reply) => {
        const { job, done } = await validateImport(
          ctx,
          actorOf(request),
          request.params.id,
          {
            ...(request.body.mapping && { mapping: request.body.mapping }),
            ...(request.body.dateOrder && { dateOrder: request.body.dateOrder }),
          },
          langOf(request),
        );
        done.catch((e: unknown) => request.log.error(e));
        return reply.code(202).send(withMessage(job, langOf(request)));
      },
    );

    app.post(
      '/imports/:id/commit',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary: 'Write a validated import into the register: all of it, or nothing',
          description:
            'Runs in the background (202). Committing again, or committing the same file again, writes nothing new.',
          params: ImportParams,
          response: { 202: ImportSchema, ...problems },
        },
      },
      async (request, reply) => {
        const { job, done } = await commitImport(ctx, actorOf(request), request.params.id, langOf(request));
        done.catch((e: unknown) => request.log.error(e));
        return reply.code(202).send(withMessage(job, langOf(request)));
      },
    );

    app.post(
      '/imports/:id/cancel',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary: 'Stop a validation or a commit in progress, or drop a file not yet committed',
          params: ImportParams,
          response: { 200: ImportSchema, ...problems },
        },
      },
      async (request) =>
        withMessage(
          await cancelImport(ctx, actorOf(request), request.params.id, langOf(request)),
          langOf(request),
        ),
    );

    app.get(
      '/imports/:id/problems',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary: 'What is wrong in the file, row by row, in the language asked',
          params: ImportParams,
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            cursor: Type.Optional(Type.String()),
          }),
          response: {
            200: Type.Object({ items: Type.Array(ProblemItem), nextCursor: Nullable(Type.String()) }),
            ...problems,
          },
        },
      },
      async (request) => {
        const lang = langOf(request);
        const limit = request.query.limit ?? 100;
        const after = decodeCursor<{ seq: number }>(request.query.cursor, { seq: 'integer' });
        const items = await importProblems(ctx, actorOf(request), request.params.id, {
          limit: limit + 1,
          afterSeq: after?.seq ?? 0,
        });
        const result = page(items, limit, (p) => ({ seq: p.seq }));
        return {
          ...result,
          items: result.items.map((p) => ({
            seq: p.seq,
            row: p.row,
            column: p.column,
            field: p.field,
            value: p.value,
            reason: p.reason,
            message: formatReason(p.reason, lang, problemParams(ctx, p.params, lang)),
          })),
        };
      },
    );

    const problemsFile = (fixed: 'csv' | 'xlsx' | null) =>
      ({
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary: `The problems as ${fixed === 'xlsx' ? 'an Excel workbook' : fixed === 'csv' ? 'CSV' : 'CSV or an Excel workbook'} (row, column, value, what is wrong), to fix the file by`,
          params: ImportParams,
          querystring: Type.Object({
            lang: Type.Optional(
              Type.String({ description: 'The language of the report (a link cannot set Accept-Language).' }),
            ),
            ...(fixed === 'csv' && {
              format: Type.Optional(
                Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], {
                  description: 'csv (default) or xlsx: the same columns, as a workbook',
                }),
              ),
            }),
          }),
          produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
          response: {
            200: Type.String({
              description: 'CSV (UTF-8 with a byte-order mark) or XLSX (one sheet, right to left in Arabic).',
            }),
            ...problems,
          },
        },
      }) as const;

    const sendProblems = async (
      request: FastifyRequest<{
        Params: { id: number };
        Querystring: { lang?: string; format?: 'csv' | 'xlsx' };
      }>,
      reply: FastifyReply,
      format: 'csv' | 'xlsx',
    ) => {
      const lang = negotiateLanguage(request.query.lang ?? request.headers['accept-language']);
      const actor = actorOf(request);
      const id = request.params.id;
      // Fails here (404) before any byte is sent when the import is out of reach.
      const body =
        format === 'xlsx'
          ? await problemsXlsx(ctx, actor, id, lang)
          : Readable.from(await problemsCsv(ctx, actor, id, lang));
      reply
        .type(
          format === 'xlsx'
            ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
            : 'text/csv; charset=utf-8',
        )
        .header('content-disposition', `attachment; filename="rollbook-import-${id}-problems.${format}"`);
      return reply.send(body as never);
    };

    app.get('/imports/:id/problems.csv', problemsFile('csv'), async (request, reply) =>
      sendProblems(request as never, reply, (request.query as { format?: 'csv' | 'xlsx' }).format ?? 'csv'),
    );
    app.get('/imports/:id/problems.xlsx', problemsFile('xlsx'), async (request, reply) =>
      sendProblems(request as never, reply, 'xlsx'),
    );

    app.post(
      '/imports/:id/template',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary: 'Apply a saved mapping template to an import not yet committed',
          description:
            'The template’s mapping and date order replace the import’s; a checked import is to be checked again. ' +
            'Columns the template maps that this file lacks are listed in missingColumns (and stay in the mapping, ' +
            'so checking the file reports them).',
          params: ImportParams,
          body: Type.Object({ templateId: Type.Integer({ minimum: 1 }) }),
          response: { 200: ImportSchema, ...problems },
        },
      },
      async (request) =>
        withMessage(
          await applyImportTemplate(
            ctx,
            actorOf(request),
            request.params.id,
            request.body.templateId,
            langOf(request),
          ),
          langOf(request),
        ),
    );

    app.get(
      '/imports/templates',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary: 'Saved column mappings in your part of the tree, by name',
          querystring: Type.Object({ entity: Type.Optional(EntityParam) }),
          response: { 200: Type.Object({ items: Type.Array(TemplateSchema) }), ...problems },
        },
      },
      async (request) => ({
        items: await findImportTemplates(ctx, actorOf(request), request.query.entity ?? null),
      }),
    );

    app.get(
      '/imports/templates/:templateId',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary: 'A saved column mapping (its version is the ETag)',
          params: TemplateParams,
          response: { 200: TemplateSchema, ...problems },
        },
      },
      async (request, reply) => {
        const template = await getImportTemplate(ctx, actorOf(request), request.params.templateId);
        reply.header('etag', etag(template.version));
        return template;
      },
    );

    app.post(
      '/imports/templates',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary: 'Save a column mapping under a name, to apply to the next file from the same source',
          description: 'Names are unique per entity across the organization, whatever their case.',
          body: Type.Object({
            entity: EntityParam,
            name: Type.String({ minLength: 1, maxLength: 120 }),
            mapping: MappingBody,
            dateOrder: Type.Optional(DateOrderBody),
            unitId: Type.Optional(
              Nullable(
                Type.Integer({
                  minimum: 1,
                  description: 'Whose it is (default: your unit; none: the whole organization).',
                }),
              ),
            ),
          }),
          response: { 201: TemplateSchema, ...writeProblems },
        },
      },
      async (request, reply) => {
        const template = await createImportTemplate(ctx, actorOf(request), {
          entity: request.body.entity,
          name: request.body.name,
          mapping: request.body.mapping,
          ...(request.body.dateOrder && { dateOrder: request.body.dateOrder }),
          ...(request.body.unitId !== undefined && { unitId: request.body.unitId }),
        });
        return reply
          .code(201)
          .header('etag', etag(template.version))
          .header('location', `/api/v1/imports/templates/${template.id}`)
          .send(template);
      },
    );

    app.patch(
      '/imports/templates/:templateId',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary: 'Rename a saved mapping or change it (If-Match required)',
          params: TemplateParams,
          body: Type.Object({
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
            mapping: Type.Optional(MappingBody),
            dateOrder: Type.Optional(
              Type.Union([Type.Literal('dmy'), Type.Literal('mdy'), Type.Null()], {
                description: 'dmy or mdy; null: none (the file’s own guess, day first)',
              }),
            ),
          }),
          response: { 200: TemplateSchema, ...writeProblems },
        },
      },
      async (request, reply) => {
        const template = await updateImportTemplate(
          ctx,
          actorOf(request),
          request.params.templateId,
          requireIfMatch(request),
          request.body,
        );
        reply.header('etag', etag(template.version));
        return template;
      },
    );

    app.delete(
      '/imports/templates/:templateId',
      {
        config: { access: 'members.write' },
        schema: {
          tags: ['imports'],
          summary: 'Delete a saved mapping (If-Match required)',
          params: TemplateParams,
          response: { 204: Type.Null({ description: 'Done.' }), ...writeProblems },
        },
      },
      async (request, reply) => {
        await deleteImportTemplate(ctx, actorOf(request), request.params.templateId, requireIfMatch(request));
        return reply.code(204).send(null);
      },
    );
  };
}
