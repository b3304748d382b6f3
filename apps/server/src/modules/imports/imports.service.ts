import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough, type Readable } from 'node:stream';
import {
  AppError,
  DATE_ORDERS,
  formatReason,
  type DateOrder,
  guessMapping,
  type ImportEntity,
  importFields,
  type ImportField,
  reason,
} from '@rollbook/domain';
import ExcelJS from 'exceljs';
import type { AppContext } from '../../context.js';
import { csvCell } from '../../lib/csv.js';
import { type Actor, requireScope, type Scope, scopeFor } from '../access/actor.js';
import { isUnitVisible } from '../access/scope.js';
import { recordAudit } from '../audit/audit.service.js';
import { refreshRollupUnits } from '../members/member-rollup.js';
import type { Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import { lockTree } from '../reorg/reorg.repository.js';
import {
  cancelRequested,
  clearStaged,
  findCommittedTwin,
  findJob,
  type ImportJobRow,
  insertJob,
  listJobs,
  analyzeStaged,
  claimJob,
  listProblems,
  recoverInterrupted,
  PROBLEM_COLUMNS,
  problemRows,
  updateJob,
} from './imports.repository.js';
import {
  checkStagedMembers,
  drawMemberIds,
  firstSensitive,
  memberRowReader,
  type RowProblem,
  STAGED_COLUMNS,
  writeStagedMembers,
} from './member-import.js';
import {
  checkStagedEvents,
  EVENT_STAGED_COLUMNS,
  eventRowReader,
  type PlannedMember,
  writeStagedEvents,
} from './events-import.js';
import {
  CARD_STAGED_COLUMNS,
  cardRowReader,
  checkStagedCards,
  type PlannedCard,
  writeStagedCards,
} from './cards-import.js';
import { getImportTemplate } from './import-templates.service.js';
import { openTable } from './table-file.js';
import {
  checkStagedUnits,
  type PlannedUnit,
  UNIT_STAGED_COLUMNS,
  unitRowReader,
  writeStagedUnits,
} from './units-import.js';

/** Tunables of a run; tests shrink them. */
export const IMPORT_LIMITS = {
  /** Rows staged per COPY (and per short transaction, so other requests get the connection between). */
  batchRows: 5000,
  /** Problems kept per file: enough to fix a file by, few enough to list. */
  maxProblems: 10_000,
  maxFileBytes: 2 * 1024 ** 3,
};

/** What a run is doing now, kept in memory so progress can be read while the database is busy. */
interface LiveRun {
  phase: 'validating' | 'committing';
  userId: number | null;
  rowsDone: number;
  rowsTotal: number | null;
  /** Share of the file read (validation) or of the steps done (commit), 0–1. */
  fraction: number;
  step: string | null;
  startedAt: number;
  abort: AbortController;
  done: Promise<void>;
}

const running = new Map<number, LiveRun>();

/** What a client sees of an import. */
export interface ImportView extends Omit<ImportJobRow, 'cancelRequested'> {
  fields: Array<{ key: string; label: string; required: boolean; kind: string }>;
  progress: {
    rowsDone: number;
    rowsTotal: number | null;
    fraction: number;
    step: string | null;
    rowsPerSecond: number | null;
    secondsLeft: number | null;
  } | null;
}

function notFound(id: number): AppError {
  return new AppError('import_not_found', { params: { import: `#${id}` } });
}

function importsFolder(ctx: AppContext): string {
  const folder = path.join(ctx.config.dataDir, 'imports');
  fs.mkdirSync(folder, { recursive: true });
  return folder;
}

function filePath(ctx: AppContext, id: number): string {
  return path.join(importsFolder(ctx), `${id}.upload`);
}

function present(ctx: AppContext, job: ImportJobRow, lang: 'en' | 'vi' | 'ar'): ImportView {
  const { cancelRequested: _ignored, ...rest } = job;
  const live = running.get(job.id);
  const fields = importFields(job.entity, ctx.rules.members).map((f) => ({
    key: f.key,
    label: f.labels[lang] ?? f.labels.en,
    required: f.required,
    kind: f.kind,
  }));
  const elapsed = live ? (Date.now() - live.startedAt) / 1000 : 0;
  return {
    ...rest,
    ...(live && { status: live.phase }),
    fields,
    progress: live
      ? {
          rowsDone: live.rowsDone,
          rowsTotal: live.rowsTotal,
          fraction: live.fraction,
          step: live.step,
          rowsPerSecond: elapsed > 0.5 ? Math.round(live.rowsDone / elapsed) : null,
          secondsLeft:
            elapsed > 0.5 && live.fraction > 0.01
              ? Math.round((elapsed * (1 - live.fraction)) / live.fraction)
              : null,
        }
      : null,
  };
}

/**
 * The scope imports act in: members.write (imports write members; the routes ask for it); a units
 * import creates units by reorganization orders, so it acts where the importer may also write and
 * apply orders (orders.apply, checked with orders.write by the orders themselves). An events or cards
 * import writes events or cards of members, like a members import.
 */
function importScope(actor: Actor, entity: ImportEntity = 'members'): Scope {
  const scope = requireScope(actor, 'members.write');
  if (entity !== 'units') return scope;
  requireScope(actor, 'orders.write');
  return requireScope(actor, 'orders.apply');
}

async function loadJob(ctx: AppContext, actor: Actor, id: number): Promise<ImportJobRow> {
  const job = await findJob(ctx.db, id, importScope(actor), ctx.today());
  if (!job) throw notFound(id);
  // A units import out of the importer's reach for orders answers like a missing one.
  if (job.entity === 'units' && !(await jobWithin(ctx, importScope(actor, 'units'), job))) throw notFound(id);
  return job;
}

async function jobWithin(ctx: AppContext, scope: Scope, job: ImportJobRow): Promise<boolean> {
  if (scope.all) return true;
  return job.unitId !== null && isUnitVisible(ctx.db, scope, job.unitId, ctx.today());
}

/**
 * Receives a file: stores it beside the data (bounded in size, hashed as it streams), reads its
 * header, guesses which column holds which field, and opens a job for it.
 */
export async function uploadImport(
  ctx: AppContext,
  actor: Actor,
  input: {
    entity: ImportEntity;
    fileName: string;
    unitId: number | null;
    body: Readable;
    /** A CSV's encoding and delimiter, when detecting them is not wanted (a legacy code page). */
    encoding?: string | null;
    delimiter?: string | null;
  },
  lang: 'en' | 'vi' | 'ar' = 'en',
): Promise<ImportView> {
  const scope = importScope(actor, input.entity);
  let unitId = input.unitId;
  if (unitId === null && !scope.all) {
    if (scope.roots.length !== 1)
      throw new AppError('validation_failed', { field: 'unitId', params: { reason: reason('choose_unit') } });
    unitId = scope.roots[0]!;
  }
  // Standing today inside the scope: that is where the job is seen from afterwards.
  if (unitId !== null && !(await isUnitVisible(ctx.db, scope, unitId, ctx.today())))
    throw new AppError('unit_not_found', { field: 'unitId', params: { unit: `#${unitId}` } });
  const temp = path.join(importsFolder(ctx), `incoming-${randomBytes(8).toString('hex')}`);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    await pipeline(
      input.body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          if (bytes > IMPORT_LIMITS.maxFileBytes)
            throw new AppError('import_file_unreadable', {
              field: 'file',
              params: {
                reason: reason('import.file_too_large'),
                max: `${IMPORT_LIMITS.maxFileBytes / 1024 ** 3} GB`,
              },
            });
          hash.update(chunk);
          yield chunk;
        }
      },
      fs.createWriteStream(temp),
    );
    const table = await openTable(temp, {
      encoding: input.encoding ?? null,
      delimiter: input.delimiter ?? null,
    });
    const fields = importFields(input.entity, ctx.rules.members);
    const id = await insertJob(ctx.db, {
      entity: input.entity,
      fileName: input.fileName.slice(0, 255) || 'upload',
      fileSha256: hash.digest('hex'),
      fileBytes: bytes,
      format: table.format,
      encoding: table.encoding,
      delimiter: table.delimiter,
      headers: table.headers,
      mapping: guessMapping(table.headers, fields),
      unitId,
      createdBy: actor.name,
      userId: actor.userId,
    });
    fs.renameSync(temp, filePath(ctx, id));
    return present(ctx, (await findJob(ctx.db, id, importScope(actor), ctx.today()))!, lang);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

export async function getImport(
  ctx: AppContext,
  actor: Actor,
  id: number,
  lang: 'en' | 'vi' | 'ar' = 'en',
): Promise<ImportView> {
  return present(ctx, await loadJob(ctx, actor, id), lang);
}

export async function listImports(
  ctx: AppContext,
  actor: Actor,
  page: { limit: number; beforeId: number | null },
  lang: 'en' | 'vi' | 'ar',
): Promise<ImportView[]> {
  const jobs = await listJobs(ctx.db, importScope(actor), ctx.today(), page);
  return jobs.map((j) => present(ctx, j, lang));
}

export async function importProblems(
  ctx: AppContext,
  actor: Actor,
  id: number,
  page: { limit: number; afterSeq: number },
): Promise<Array<RowProblem & { seq: number }>> {
  await loadJob(ctx, actor, id);
  return listProblems(ctx.db, id, page);
}

const REPORT_HEADINGS: Record<'en' | 'vi' | 'ar', string[]> = {
  en: ['row', 'column', 'value', 'problem'],
  vi: ['dòng', 'cột', 'giá trị', 'lỗi'],
  ar: ['الصف', 'العمود', 'القيمة', 'المشكلة'],
};

/**
 * The problems as rows of text (row, column, value, what is wrong), headings first, a page at a
 * time. The first page is read before this returns, so an import out of reach fails (404) before
 * any byte of a report is sent.
 */
async function problemLines(
  ctx: AppContext,
  actor: Actor,
  id: number,
  lang: 'en' | 'vi' | 'ar',
): Promise<AsyncGenerator<Array<string | number | null>>> {
  const PAGE = 1000;
  const first = await importProblems(ctx, actor, id, { limit: PAGE, afterSeq: 0 });
  return (async function* () {
    yield REPORT_HEADINGS[lang];
    for (let batch = first; ;) {
      for (const p of batch)
        yield [p.row, p.column, p.value, formatReason(p.reason, lang, problemParams(ctx, p.params, lang))];
      if (batch.length < PAGE) return;
      batch = await importProblems(ctx, actor, id, { limit: PAGE, afterSeq: batch[batch.length - 1]!.seq });
    }
  })();
}

/**
 * A problem's params for its words: kind codes (a units import's `kind`, `parentKind`, and an
 * `allowed` list made of kinds) are shown as the kinds' names in the reader's language.
 */
export function problemParams(
  ctx: AppContext,
  params: Record<string, string | number>,
  lang: 'en' | 'vi' | 'ar',
): Record<string, string | number> {
  const out = { ...params };
  const name = (code: string) => ctx.rules.name(code, lang).toLocaleLowerCase(lang);
  for (const key of ['kind', 'parentKind'])
    if (typeof out[key] === 'string' && ctx.rules.kind(out[key])) out[key] = name(out[key]);
  const allowed = typeof out.allowed === 'string' ? out.allowed.split(', ') : [];
  if (allowed.length && allowed.every((k) => ctx.rules.kind(k))) out.allowed = allowed.map(name).join(', ');
  return out;
}

/** The problems as CSV lines (UTF-8 with a byte-order mark, for spreadsheets). */
export async function problemsCsv(
  ctx: AppContext,
  actor: Actor,
  id: number,
  lang: 'en' | 'vi' | 'ar',
): Promise<AsyncGenerator<string>> {
  const lines = await problemLines(ctx, actor, id, lang);
  return (async function* () {
    let bom = '\uFEFF';
    for await (const line of lines) {
      yield bom + line.map(csvCell).join(',') + '\r\n';
      bom = '';
    }
  })();
}

/**
 * The problems as an Excel workbook, streamed: the same columns and words as the CSV, one sheet
 * that reads right to left in Arabic, the heading row frozen.
 */
export async function problemsXlsx(
  ctx: AppContext,
  actor: Actor,
  id: number,
  lang: 'en' | 'vi' | 'ar',
): Promise<Readable> {
  const lines = await problemLines(ctx, actor, id, lang);
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: true,
  });
  const sheet = workbook.addWorksheet(formatReason('import.problems_sheet', lang), {
    views: [{ rightToLeft: lang === 'ar', state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = [{ width: 8 }, { width: 24 }, { width: 24 }, { width: 80 }];
  void (async () => {
    try {
      let written = 0;
      for await (const line of lines) {
        // The client went away: stop reading.
        if (out.destroyed) return;
        // A slow reader: wait rather than hold the whole report in memory.
        if ((written += 1) % 1000 === 0 && out.writableNeedDrain)
          await new Promise<void>((resolve) => {
            out.once('drain', () => resolve());
            out.once('close', () => resolve());
          });
        const row = sheet.addRow(line);
        if (written === 1) row.font = { bold: true };
        row.commit();
      }
      sheet.commit();
      await workbook.commit();
    } catch (error) {
      out.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return out;
}

/** Checks a mapping against the file's headers and the entity's fields; problems have no row. */
function mappingProblems(
  mapping: Record<string, string>,
  headers: readonly string[],
  fields: readonly ImportField[],
  lang: 'en' | 'vi' | 'ar',
): RowProblem[] {
  const problems: RowProblem[] = [];
  const keys = new Set(fields.map((f) => f.key));
  for (const [field, column] of Object.entries(mapping)) {
    if (!keys.has(field))
      problems.push({
        row: null,
        column,
        field,
        value: null,
        reason: 'import.mapping_field',
        params: { field },
      });
    else if (!headers.includes(column))
      problems.push({
        row: null,
        column,
        field,
        value: null,
        reason: 'import.mapping_column',
        params: { column },
      });
  }
  for (const f of fields)
    if (f.required && !mapping[f.key])
      problems.push({
        row: null,
        column: null,
        field: f.key,
        value: null,
        reason: 'import.mapping_required',
        params: { label: f.labels[lang] ?? f.labels.en },
      });
  return problems;
}

function assertIdle(job: ImportJobRow, allowed: readonly string[], why: string): void {
  if (running.has(job.id))
    throw new AppError('import_not_ready', {
      params: { import: `#${job.id}`, status: running.get(job.id)!.phase, reason: reason('import.running') },
    });
  if (!allowed.includes(job.status))
    throw new AppError('import_not_ready', {
      params: { import: `#${job.id}`, status: job.status, reason: reason(why) },
    });
}

function startRun(
  jobId: number,
  phase: LiveRun['phase'],
  actor: Actor,
  work: (live: LiveRun) => Promise<void>,
): Promise<void> {
  const live: LiveRun = {
    phase,
    userId: actor.userId,
    rowsDone: 0,
    rowsTotal: null,
    fraction: 0,
    step: null,
    startedAt: Date.now(),
    abort: new AbortController(),
    done: Promise.resolve(),
  };
  running.set(jobId, live);
  live.done = work(live).finally(() => running.delete(jobId));
  return live.done;
}

/**
 * Validates the whole file with a mapping: every row is read and checked, what it will write is
 * staged, and the file is checked against the register. Runs in the background; `done` settles
 * when it ends (the job then says validated, invalid, failed or cancelled).
 */
export async function validateImport(
  ctx: AppContext,
  actor: Actor,
  id: number,
  input: { mapping?: Record<string, string>; dateOrder?: DateOrder },
  lang: 'en' | 'vi' | 'ar' = 'en',
): Promise<{ job: ImportView; done: Promise<void> }> {
  const job = await loadJob(ctx, actor, id);
  assertIdle(job, ['uploaded', 'invalid', 'validated', 'failed'], 'import.finished');
  if (input.dateOrder !== undefined && !DATE_ORDERS.includes(input.dateOrder))
    throw new AppError('validation_failed', { field: 'dateOrder', params: { reason: reason('enum') } });
  const mapping = input.mapping ?? job.mapping ?? {};
  const options = { ...job.options, ...(input.dateOrder && { dateOrder: input.dateOrder }) };
  if (!(await claimJob(ctx.db, id, ['uploaded', 'invalid', 'validated', 'failed'], 'validating')))
    throw new AppError('import_not_ready', {
      params: { import: `#${id}`, status: 'validating', reason: reason('import.running') },
    });
  await updateJob(ctx.db, id, {
    mapping,
    options,
    rowsDone: 0,
    rowsTotal: null,
    problemCount: 0,
    failure: null,
    result: null,
    cancelRequested: false,
  });
  const started = { ...job, mapping, options, status: 'validating' as const };
  const done = startRun(id, 'validating', actor, (live) => runValidation(ctx, actor, started, live, lang));
  return { job: present(ctx, started, lang), done };
}

/**
 * Puts a saved template's mapping (and its date order) on an import not yet committed; a checked
 * import is to be checked again. Columns of the template that this file lacks stay in the mapping,
 * so checking the file names them as problems too, and they are returned: never dropped unseen.
 */
export async function applyImportTemplate(
  ctx: AppContext,
  actor: Actor,
  id: number,
  templateId: number,
  lang: 'en' | 'vi' | 'ar' = 'en',
): Promise<ImportView & { missingColumns: MissingColumn[] }> {
  const job = await loadJob(ctx, actor, id);
  const template = await getImportTemplate(ctx, actor, templateId);
  if (template.entity !== job.entity)
    throw new AppError('validation_failed', { field: 'templateId', params: { reason: reason('enum') } });
  const editable = ['uploaded', 'invalid', 'validated', 'failed'] as const;
  assertIdle(job, editable, 'import.finished');
  const options = { ...job.options, ...template.options };
  await ctx.db.transaction().execute(async (trx) => {
    // The claim holds the job's row until the mapping is in: a check racing it waits, then reads it.
    if (!(await claimJob(trx, id, editable, 'uploaded')))
      throw new AppError('import_not_ready', {
        params: { import: `#${id}`, status: 'validating', reason: reason('import.running') },
      });
    await clearStaged(trx, id);
    await updateJob(trx, id, {
      mapping: template.mapping,
      options,
      rowsDone: 0,
      rowsTotal: null,
      problemCount: 0,
      failure: null,
      result: null,
    });
  });
  return {
    ...(await getImport(ctx, actor, id, lang)),
    missingColumns: missingColumns(ctx, job, template.mapping, lang),
  };
}

/** A column a mapping names that the file does not have. */
export interface MissingColumn {
  field: string;
  column: string;
  message: string;
}

/** The columns a mapping names that the file does not have, each said in words. */
export function missingColumns(
  ctx: AppContext,
  job: Pick<ImportJobRow, 'entity' | 'headers'>,
  mapping: Record<string, string>,
  lang: 'en' | 'vi' | 'ar',
): MissingColumn[] {
  const fields = importFields(job.entity, ctx.rules.members);
  return Object.entries(mapping)
    .filter(([, column]) => !job.headers.includes(column))
    .map(([field, column]) => {
      const f = fields.find((x) => x.key === field);
      const label = f ? (f.labels[lang] ?? f.labels.en) : field;
      return {
        field,
        column,
        message: formatReason('import.template_column_missing', lang, { label, column }),
      };
    });
}

async function runValidation(
  ctx: AppContext,
  actor: Actor,
  job: ImportJobRow,
  live: LiveRun,
  lang: 'en' | 'vi' | 'ar',
): Promise<void> {
  const mapping = job.mapping ?? {};
  const fields = importFields(job.entity, ctx.rules.members);
  let seq = 0;
  let problemCount = 0;
  /** Counts every problem, keeps the first maxProblems (through the caller's COPY when inside its transaction). */
  const keep = async (problems: readonly RowProblem[], copy?: (rows: unknown[][]) => Promise<unknown>) => {
    problemCount += problems.length;
    const room = Math.max(0, IMPORT_LIMITS.maxProblems - seq);
    const kept = problems.slice(0, room);
    if (kept.length === 0) return;
    const rows = problemRows(job.id, seq + 1, kept);
    seq += kept.length;
    if (copy) await copy(rows);
    else await ctx.bulk((s) => s.copy('import_problem', PROBLEM_COLUMNS, rows as never));
  };
  try {
    await clearStaged(ctx.db, job.id);
    const fromMapping = mappingProblems(mapping, job.headers, fields, lang);
    if (fromMapping.length) {
      await keep(fromMapping);
      await updateJob(ctx.db, job.id, { status: 'invalid', problemCount, rowsDone: 0 });
      return;
    }
    const table = await openTable(filePath(ctx, job.id), {
      encoding: job.encoding,
      delimiter: job.delimiter,
    });
    const columnOf = new Map(
      Object.entries(mapping).map(([field, header]) => [
        field,
        { index: table.headers.indexOf(header), header },
      ]),
    );
    const units = job.entity === 'units';
    const events = job.entity === 'events';
    const cards = job.entity === 'cards';
    const dateOrder = job.options.dateOrder ?? 'dmy';
    const reader = units
      ? unitRowReader(ctx.rules, job.id, fields, columnOf, dateOrder)
      : events
        ? eventRowReader(ctx, job.id, fields, columnOf, dateOrder)
        : cards
          ? cardRowReader(ctx.today(), job.id, fields, columnOf, dateOrder)
          : memberRowReader(ctx, job.id, fields, columnOf, dateOrder);
    const [stagingTable, stagedColumns] = units
      ? ['import_unit_row', UNIT_STAGED_COLUMNS]
      : events
        ? ['import_event_row', EVENT_STAGED_COLUMNS]
        : cards
          ? ['import_card_row', CARD_STAGED_COLUMNS]
          : ['import_member_row', STAGED_COLUMNS];
    let batch: unknown[][] = [];
    let batchProblems: RowProblem[] = [];
    let rows = 0;
    // One batch is written while the next is read: parsing and replaying rows (JavaScript) and
    // COPY (the database; on PGlite its own thread) overlap. At most two batches are in memory.
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      await writing;
      if (live.abort.signal.aborted || (await cancelRequested(ctx.db, job.id))) throw new Cancelled();
      if (batch.length && job.entity === 'members') {
        const ids = await drawMemberIds(ctx.db, batch.length);
        batch.forEach((row, i) => (row[2] = ids[i]!));
      }
      const staged = batch;
      const found = batchProblems;
      const done = rows;
      const fraction = table.fractionRead();
      batch = [];
      batchProblems = [];
      writing = ctx
        .bulk((s) =>
          s.db.transaction().execute(async (trx) => {
            await s.copy(stagingTable, stagedColumns, staged as never);
            await keep(found, (r) => s.copy('import_problem', PROBLEM_COLUMNS, r as never));
            await updateJob(trx, job.id, { rowsDone: done });
          }),
        )
        .then(() => {
          live.rowsDone = done;
          // Reading is most of the work; checking against the register is the last tenth.
          live.fraction = fraction * 0.9;
        });
      // Awaited at the next flush or at the end; a read failing first must not leave it unheard.
      writing.catch(() => undefined);
    };
    try {
      for await (const row of table.rows()) {
        rows += 1;
        const { staged, problems } = reader.read(row);
        batch.push(staged);
        if (problems.length) batchProblems.push(...problems);
        if (batch.length + batchProblems.length >= IMPORT_LIMITS.batchRows) await flush();
      }
      await flush();
    } finally {
      // Whatever ended the reading, the batch being written settles before the run goes on.
      await writing.catch(() => undefined);
    }
    await writing;
    live.step = 'register';
    live.fraction = 0.9;
    if (events || cards) {
      const { problems: registerProblems } = events
        ? await checkStagedEvents(ctx.db, ctx, eventCheck(ctx, actor, job))
        : await checkStagedCards(ctx.db, ctx, eventCheck(ctx, actor, job));
      await keep(registerProblems);
      await updateJob(ctx.db, job.id, {
        status: problemCount ? 'invalid' : 'validated',
        rowsDone: rows,
        rowsTotal: rows,
        problemCount,
      });
      return;
    }
    if (units) {
      const { problems: treeProblems } = await checkStagedUnits(ctx.db, unitCheck(ctx, actor, job));
      await keep(treeProblems);
      await updateJob(ctx.db, job.id, {
        status: problemCount ? 'invalid' : 'validated',
        rowsDone: rows,
        rowsTotal: rows,
        problemCount,
      });
      return;
    }
    // Fresh statistics for the rows just staged: planned on an empty table's, one check ran for
    // ten minutes instead of a second (100 k rows, PostgreSQL 15).
    await analyzeStaged(ctx.db);
    const sensitive =
      firstSensitive(mapping) === undefined ? undefined : scopeFor(actor, 'members.sensitive');
    const fileProblems = await checkStagedMembers(ctx.db, {
      jobId: job.id,
      scope: importScope(actor),
      sensitiveScope: sensitive,
      underUnitId: job.unitId,
      today: ctx.today(),
      memberUnitKinds: ctx.rules.members.pack.memberUnitKinds,
      kindNames: ctx.rules.members.pack.memberUnitKinds.map((k) => ctx.rules.name(k)).join(', '),
      mapping,
    });
    await keep(fileProblems);
    await updateJob(ctx.db, job.id, {
      status: problemCount ? 'invalid' : 'validated',
      rowsDone: rows,
      rowsTotal: rows,
      problemCount,
    });
  } catch (error) {
    await endRun(ctx, job.id, error, { problemCount });
  }
}

class Cancelled extends Error {}

function unitCheck(ctx: AppContext, actor: Actor, job: Pick<ImportJobRow, 'id' | 'unitId' | 'mapping'>) {
  return {
    jobId: job.id,
    scope: importScope(actor, 'units'),
    underUnitId: job.unitId,
    rules: ctx.rules,
    mapping: job.mapping ?? {},
  };
}

/** What the events and cards checks need: both judge members already in the register. */
function eventCheck(ctx: AppContext, actor: Actor, job: Pick<ImportJobRow, 'id' | 'mapping'>) {
  return {
    jobId: job.id,
    scope: importScope(actor, 'events'),
    today: ctx.today(),
    mapping: job.mapping ?? {},
  };
}

/** Records how a run ended when it did not finish: cancelled, the file's fault, or the server's. */
async function endRun(
  ctx: AppContext,
  id: number,
  error: unknown,
  counts: { problemCount: number },
): Promise<void> {
  if (error instanceof Cancelled) {
    await clearStaged(ctx.db, id);
    // Checking stopped: the file is as it was uploaded, ready to be checked again.
    await updateJob(ctx.db, id, { status: 'uploaded', cancelRequested: false, problemCount: 0, rowsDone: 0 });
    return;
  }
  const failure =
    error instanceof AppError
      ? { code: error.code, params: error.params }
      : { code: 'internal_error', params: {} as Record<string, string | number> };
  if (!(error instanceof AppError)) console.error(`import #${id} failed`, error);
  await clearStaged(ctx.db, id).catch(() => undefined);
  await updateJob(ctx.db, id, { status: 'failed', failure, problemCount: counts.problemCount });
}

/**
 * Writes a validated import into the register, all of it in one transaction (or nothing: a
 * process killed at any moment leaves the register as before). A file committed before — by this
 * job or another — writes nothing new.
 */
export async function commitImport(
  ctx: AppContext,
  actor: Actor,
  id: number,
  lang: 'en' | 'vi' | 'ar' = 'en',
): Promise<{ job: ImportView; done: Promise<void> }> {
  const job = await loadJob(ctx, actor, id);
  if (job.status === 'committed') return { job: present(ctx, job, lang), done: Promise.resolve() };
  assertIdle(job, ['validated'], 'import.validate_first');
  if (!(await claimJob(ctx.db, id, ['validated'], 'committing')))
    throw new AppError('import_not_ready', {
      params: { import: `#${id}`, status: 'committing', reason: reason('import.running') },
    });
  await updateJob(ctx.db, id, { cancelRequested: false, failure: null });
  const started = { ...job, status: 'committing' as const };
  const done = startRun(id, 'committing', actor, (live) => runCommit(ctx, actor, started, live));
  return { job: present(ctx, started, lang), done };
}

/** Members from which a committed file is worth re-choosing the roll-up units for (or the threshold itself, if lower). */
const ROLLUP_REFRESH_MIN_ROWS = 1000;

/**
 * A large file can make subtrees large enough to keep roll-ups (ADR 0006): they are chosen and
 * built right after the commit, in a transaction of their own, as the server does at start-up —
 * rather than counted member by member until the next restart. The import stands either way: a
 * failure here is logged, and start-up tries again.
 */
async function refreshRollupsAfterLoad(ctx: AppContext, jobId: number): Promise<void> {
  try {
    const started = performance.now();
    const refreshed = await ctx.db
      .transaction()
      .execute((trx) => refreshRollupUnits(trx, ctx.today(), ctx.config.rollupMinMembers));
    if (refreshed.chosen.length || refreshed.dropped.length)
      console.info(
        `import #${jobId}: member roll-ups refreshed in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        refreshed,
      );
  } catch (error) {
    console.error(`import #${jobId}: refreshing the member roll-ups failed`, error);
  }
}

async function runCommit(ctx: AppContext, actor: Actor, job: ImportJobRow, live: LiveRun): Promise<void> {
  live.rowsTotal = job.rowsTotal;
  const scope = importScope(actor, job.entity);
  const STEPS = ['checking', 'writing', 'audit', 'committing'];
  const step = (name: string) => {
    if (live.abort.signal.aborted) throw new Cancelled();
    live.step = name;
    live.fraction = STEPS.indexOf(name) / STEPS.length;
  };
  let refused: RowProblem[] = [];
  /** The end of every commit, in its transaction: the audit event, the staged rows cleared, the job committed. */
  const finish = async (
    trx: Transaction<Database>,
    current: ImportJobRow,
    written: Record<string, unknown>,
    result: Record<string, number>,
  ) => {
    step('audit');
    await recordAudit(trx, actor, {
      action: 'import.commit',
      entity: { type: 'import', id: current.id },
      unitIds: current.unitId ? [current.unitId] : [],
      after: {
        entity: current.entity,
        file: current.fileName,
        sha256: current.fileSha256,
        rows: current.rowsTotal,
        ...written,
      },
    });
    await clearStaged(trx, current.id);
    await updateJob(trx, current.id, { status: 'committed', result });
    step('committing');
  };
  /** Units: checked again under the tree lock, then created by orders, all in the one transaction. */
  const commitUnits = async (trx: Transaction<Database>, current: ImportJobRow) => {
    let plan: PlannedUnit[];
    ({ problems: refused, plan } = await checkStagedUnits(trx, unitCheck(ctx, actor, current)));
    if (refused.length) throw new AppError('import_has_problems', { params: { count: refused.length } });
    step('writing');
    const written = await writeStagedUnits(trx, ctx, actor, plan, {
      title: `Import #${current.id}: ${current.fileName}`,
      onOrder: (done) => {
        // Cancelling stops between two orders; the transaction then writes nothing.
        if (live.abort.signal.aborted) throw new Cancelled();
        live.rowsDone = done;
        live.fraction = 0.25 + (0.5 * done) / Math.max(1, plan.length);
      },
    });
    await finish(
      trx,
      current,
      { units: written.units, orders: written.orders },
      { units: written.units, orders: written.orders.length },
    );
  };
  /** Events: checked again with the members as they are now, then written member by member, in the one transaction. */
  const commitEvents = async (trx: Transaction<Database>, current: ImportJobRow) => {
    let plan: PlannedMember[];
    ({ problems: refused, plan } = await checkStagedEvents(trx, ctx, eventCheck(ctx, actor, current)));
    if (refused.length) throw new AppError('import_has_problems', { params: { count: refused.length } });
    step('writing');
    const written = await writeStagedEvents(trx, ctx, actor, plan, (done) => {
      // Cancelling stops between two batches of members; the transaction then writes nothing.
      if (live.abort.signal.aborted) throw new Cancelled();
      live.rowsDone = done;
      live.fraction = 0.25 + (0.5 * done) / Math.max(1, plan.length);
    });
    await finish(
      trx,
      current,
      { members: written.members, events: written.events },
      { members: written.members, events: written.events },
    );
  };
  /** Cards: checked again with the register as it is now, then written in batches, in the one transaction. */
  const commitCards = async (trx: Transaction<Database>, current: ImportJobRow) => {
    let plan: PlannedCard[];
    ({ problems: refused, plan } = await checkStagedCards(trx, ctx, eventCheck(ctx, actor, current)));
    if (refused.length) throw new AppError('import_has_problems', { params: { count: refused.length } });
    step('writing');
    const written = await writeStagedCards(trx, actor, plan, (done) => {
      if (live.abort.signal.aborted) throw new Cancelled();
      live.rowsDone = done;
      live.fraction = 0.25 + (0.5 * done) / Math.max(1, plan.length);
    });
    await finish(trx, current, written, written);
  };
  try {
    await ctx.bulk((s) =>
      s.db.transaction().execute(async (trx) => {
        const current = await findJob(trx, job.id, scope, ctx.today(), { forUpdate: true });
        if (!current) throw notFound(job.id);
        if (current.status === 'committed') return;
        // Only the run that claimed the commit writes (a second request was refused at the claim).
        if (current.status !== 'committing')
          throw new AppError('import_not_ready', {
            params: { import: `#${job.id}`, status: current.status, reason: reason('import.validate_first') },
          });
        const twin = await findCommittedTwin(trx, current);
        if (twin !== undefined) {
          await clearStaged(trx, job.id);
          await updateJob(trx, job.id, {
            status: 'committed',
            result: { [current.entity]: 0, alreadyImportedBy: twin },
          });
          return;
        }
        step('checking');
        // Units stay as they are while the rows are placed in them.
        await lockTree(trx);
        if (current.entity === 'units') {
          await commitUnits(trx, current);
          return;
        }
        if (current.entity === 'events') {
          await commitEvents(trx, current);
          return;
        }
        if (current.entity === 'cards') {
          await commitCards(trx, current);
          return;
        }
        const mapping = current.mapping ?? {};
        const sensitive =
          firstSensitive(mapping) === undefined ? undefined : scopeFor(actor, 'members.sensitive');
        refused = await checkStagedMembers(trx, {
          jobId: job.id,
          scope,
          sensitiveScope: sensitive,
          underUnitId: current.unitId,
          today: ctx.today(),
          memberUnitKinds: ctx.rules.members.pack.memberUnitKinds,
          kindNames: ctx.rules.members.pack.memberUnitKinds.map((k) => ctx.rules.name(k)).join(', '),
          mapping,
        });
        if (refused.length) throw new AppError('import_has_problems', { params: { count: refused.length } });
        step('writing');
        const written = await writeStagedMembers(trx, job.id, actor.name);
        live.rowsDone = written.members;
        await finish(
          trx,
          current,
          { members: written.members, events: written.events },
          { members: written.members, events: written.events, units: written.units.length },
        );
      }),
    );
    // Committed: the register holds the rows now; the uploaded file is not needed again.
    // (A units commit cancelled between two of its orders rolled back and stays validated.)
    fs.promises.rm(filePath(ctx, job.id), { force: true }).catch(() => undefined);
    if (
      job.entity === 'members' &&
      live.rowsDone >= Math.min(ROLLUP_REFRESH_MIN_ROWS, ctx.config.rollupMinMembers)
    )
      await refreshRollupsAfterLoad(ctx, job.id);
  } catch (error) {
    if (error instanceof AppError && error.code === 'import_has_problems') {
      // The register changed since validation (someone took a national ID, a unit ended).
      await clearStaged(ctx.db, job.id);
      await ctx.bulk((s) =>
        s.copy(
          'import_problem',
          PROBLEM_COLUMNS,
          problemRows(job.id, 1, refused.slice(0, IMPORT_LIMITS.maxProblems)) as never,
        ),
      );
      await updateJob(ctx.db, job.id, { status: 'invalid', problemCount: refused.length });
      return;
    }
    if (error instanceof Cancelled) {
      await updateJob(ctx.db, job.id, { status: 'validated', cancelRequested: false });
      return;
    }
    const failure =
      error instanceof AppError
        ? { code: error.code, params: error.params }
        : { code: 'internal_error', params: {} as Record<string, string | number> };
    if (!(error instanceof AppError)) console.error(`import #${job.id} commit failed`, error);
    await updateJob(ctx.db, job.id, { status: 'validated', failure });
  }
}

/**
 * Cancels: a validation in progress stops at its next batch and forgets what it staged (the import
 * is back to uploaded); a commit in progress rolls back (it stays validated); an import not running
 * and not committed is dropped with its file (cancelled). A committed import cannot be cancelled.
 */
export async function cancelImport(
  ctx: AppContext,
  actor: Actor,
  id: number,
  lang: 'en' | 'vi' | 'ar' = 'en',
): Promise<ImportView> {
  const live = running.get(id);
  // The one who started a run may stop it without waiting for the database (PGlite is busy with it).
  if (live && live.userId === actor.userId) {
    importScope(actor);
    live.abort.abort();
    await live.done;
    return getImport(ctx, actor, id, lang);
  }
  const job = await loadJob(ctx, actor, id);
  if (live) {
    live.abort.abort();
    await live.done;
  } else if (['validating', 'committing'].includes(job.status)) {
    // Running in another process: it reads the flag at its next batch.
    await updateJob(ctx.db, id, { cancelRequested: true });
  } else if (['uploaded', 'invalid', 'validated', 'failed'].includes(job.status)) {
    await clearStaged(ctx.db, id);
    await updateJob(ctx.db, id, { status: 'cancelled', problemCount: 0 });
    fs.rmSync(filePath(ctx, id), { force: true });
  } else {
    throw new AppError('import_not_ready', {
      params: { import: `#${id}`, status: job.status, reason: reason('import.finished') },
    });
  }
  return getImport(ctx, actor, id, lang);
}

/** Waits for a run of this process to end (the CLI, tests). */
export async function importSettled(id: number): Promise<void> {
  await running.get(id)?.done;
}

/** Progress of a run of this process, for the CLI's progress line. */
export function liveProgress(
  id: number,
): { phase: string; rowsDone: number; fraction: number; step: string | null; startedAt: number } | undefined {
  const live = running.get(id);
  return (
    live && {
      phase: live.phase,
      rowsDone: live.rowsDone,
      fraction: live.fraction,
      step: live.step,
      startedAt: live.startedAt,
    }
  );
}

/**
 * Imports a stopped process left running (killed mid-validation or mid-commit): a commit that
 * never finished wrote nothing, so the import is validated again and can be committed; a
 * validation starts over. Called at start, and by `rollbook import --resume` for its import — only
 * when no other process is running it.
 */
export async function recoverImports(ctx: AppContext, id?: number): Promise<number> {
  if (id !== undefined && running.has(id)) return 0;
  // Validations are reset at start only on PGlite, where this process is the only one; on a server
  // another instance may be running one. A named import (--resume) is the operator's decision.
  return recoverInterrupted(ctx.db, {
    ...(id !== undefined && { id }),
    validations: id !== undefined || ctx.engine === 'pglite',
  });
}
