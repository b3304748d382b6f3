import {
  type ApiLanguage,
  AppError,
  formatReason,
  importFields,
  type IsoDate,
  SENSITIVE_MEMBER_FIELDS,
} from '@rollbook/domain';
import { type RawBuilder, sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requireScope, type Scope, scopeFor } from '../access/actor.js';
import { isUnitVisible, pathInScope, unitInScope } from '../access/scope.js';
import { recordAudit } from '../audit/audit.service.js';
import { pathsOn } from '../members/members.repository.js';
import { type LIST_STATUSES, statusesOf } from '../members/members.service.js';
import {
  type Cell,
  chooseColumns,
  csvExport,
  type ExportFile,
  type ExportFormat,
  writeExport,
} from './spreadsheet.js';

/**
 * Streams the members of a subtree as of a date, in the columns chosen (BRIEF capability 8):
 * in tree order, a chunk of members at a time, so memory stays the same for ten rows or a million.
 * A CSV file is written by the database itself (COPY … TO, db/copy.ts): one query on a server,
 * batches of units on PGlite. A workbook is written from rows (a cursor on a server, unit batches
 * on PGlite). Column headers are the import's labels in the reader's language, so a file exported
 * here imports again unchanged.
 */

/** Columns beyond the import's fields: who the member is in the register, and their state that day. */
const EXTRA_COLUMNS: Record<string, Record<ApiLanguage, string>> = {
  id: { en: 'Member number', vi: 'Số hiệu', ar: 'رقم العضو' },
  status: { en: 'Status', vi: 'Trạng thái', ar: 'الحالة' },
  since: { en: 'In this status since', vi: 'Ở trạng thái này từ', ar: 'في هذه الحالة منذ' },
  unitName: { en: 'Unit name', vi: 'Tên chi bộ', ar: 'اسم الوحدة' },
};

/** Every column an export may hold, in the order they are written when none are chosen. */
export function exportColumns(ctx: AppContext, lang: ApiLanguage): Array<{ key: string; label: string }> {
  const fields = importFields('members', ctx.rules.members).filter((f) => f.key !== 'decisionNumber');
  return [
    { key: 'id', label: EXTRA_COLUMNS.id![lang] },
    ...fields.map((f) => ({ key: f.key, label: f.labels[lang] ?? f.labels.en })),
    ...(['unitName', 'status', 'since'] as const).map((key) => ({ key, label: EXTRA_COLUMNS[key]![lang] })),
  ];
}

export interface MemberExportQuery {
  asOf: IsoDate;
  unitId?: number;
  status?: (typeof LIST_STATUSES)[number];
  columns?: readonly string[];
  format: ExportFormat;
  /**
   * Rows one query answers at most (BATCH_ROWS), or one cursor read hands over (CURSOR_ROWS);
   * smaller in tests, to read in several batches, pages and chunks.
   */
  batchRows?: number;
}

/**
 * Rows one query answers at most. Units are read in batches sized from the members the previous
 * batch held, aiming at half of this, so most batches take one query; a batch that holds more
 * (one very large unit) is read in pages. Fixed batches of 200 units read in pages of 5000 read
 * most rows several times over: 9 k rows/s at 6 M members.
 */
const BATCH_ROWS = 10_000;
const FIRST_BATCH_UNITS = 20;
const MAX_BATCH_UNITS = 5_000;

export interface ExportRow {
  /** The unit's place in tree order (batched reads only). */
  ord?: number;
  memberId: number;
  fullName: string;
  /** The chosen columns' values, under their keys (`custom` for every custom field). */
  [key: string]: unknown;
}

/** The units of the subtree that stood on the day, in tree order. */
async function unitsInOrder(ctx: AppContext, scope: Scope, q: MemberExportQuery): Promise<number[]> {
  const rows = await sql<{ id: number }>`
    select t.unit_id as id from unit_tree t
    where t.valid @> ${q.asOf}::date and ${pathInScope(scope, sql`t.path`, q.asOf)}
      ${
        q.unitId === undefined
          ? sql``
          : sql`and t.path <@ (select a.path from unit_tree a where a.unit_id = ${q.unitId} and a.valid @> ${q.asOf}::date)`
      }
    order by t.path`.execute(ctx.db);
  return rows.rows.map((r) => r.id);
}

/**
 * SQL: the first day of the member's latest run of days as probationary and as official, up to
 * the day, as `runs.ceremony` and `runs.official`. Spans split on overlays (an exemption, a move),
 * so a run is the spans of one status that follow each other without a gap: a span starts one when
 * the span of that status before it did not end the day it began. One look at the member's spans
 * for both dates, where a lookup per date with a probe per span took most of a full export's time.
 */
function runsJoin(asOf: IsoDate) {
  return sql`left join lateral (
    select max(z.first_day) filter (where z.status = 'probationary') as ceremony,
           max(z.first_day) filter (where z.status = 'official') as official
    from (select x.status, lower(x.valid) as first_day,
            lag(upper(x.valid)) over (partition by x.status order by lower(x.valid)) as end_before
          from member_span x
          where x.member_id = s.member_id and x.status in ('probationary', 'official')
            and lower(x.valid) <= ${asOf}::date) z
    where z.end_before is distinct from z.first_day) runs on true`;
}

/** SQL for each column an export may hold, over the span `s`, the record `r` and the unit's version `v`. */
function columnSql(key: string, asOf: IsoDate, shown: (column: RawBuilder<unknown>) => RawBuilder<unknown>) {
  const day = (d: RawBuilder<unknown>) => sql`to_char(${d}, 'YYYY-MM-DD')`;
  switch (key) {
    case 'id':
      return sql`s.member_id`;
    case 'fullName':
      return sql`r.full_name`;
    case 'birthName':
      return sql`r.birth_name`;
    case 'otherNames':
      return sql`r.other_names`;
    case 'sex':
      return sql`r.sex`;
    case 'birthDate':
      return day(sql`r.birth_date`);
    case 'birthPlace':
      return sql`r.birth_place`;
    case 'homeTown':
      return sql`r.home_town`;
    case 'residence':
      return sql`r.residence`;
    case 'ethnicity':
      return shown(sql`r.ethnicity`);
    case 'religion':
      return shown(sql`r.religion`);
    case 'nationalId':
      return shown(sql`r.national_id`);
    case 'education':
      return sql`r.education`;
    case 'profession':
      return sql`r.profession`;
    case 'phone':
      return sql`r.phone`;
    case 'email':
      return sql`r.email`;
    case 'unit':
      return sql`v.code`;
    case 'unitName':
      return sql`v.name`;
    case 'status':
      return sql`s.status`;
    case 'since':
      return day(sql`lower(s.valid)`);
    // The membership dates cost lookups per member (most of an export's time): only when asked.
    case 'admissionDate':
      return day(sql`(select max(e.event_date) from member_event e
        where e.member_id = s.member_id and e.type in ('admission', 'readmission') and e.corrected_at is null
          and e.event_date <= ${asOf}::date)`);
    case 'ceremonyDate':
      return day(sql`runs.ceremony`);
    case 'officialDate':
      return day(sql`runs.official`);
    default:
      return null;
  }
}

/** What every member query of an export shares: the day, the statuses and the chosen columns. */
export interface MemberSelection {
  q: MemberExportQuery;
  statuses: readonly string[];
  /** `select` items for the chosen columns (beyond the member number and name every row carries). */
  columns: RawBuilder<unknown>[];
  /** With the cells' names: each chosen column as the text of its CSV cell, in the file's order. */
  cells: RawBuilder<unknown>[];
  /** The membership dates' join, when either is chosen. */
  runs: RawBuilder<unknown> | null;
}

/** The names a clerk reads for coded values, in the reader's language. */
export interface CellNames {
  /** Vocabulary codes (sex, ethnicity, religion, education) by column. */
  vocabularies: Map<string, Map<string, string>>;
  /** Status codes. */
  statuses: Map<string, string>;
}

export function cellNames(ctx: AppContext, lang: ApiLanguage, statuses: readonly string[]): CellNames {
  const vocabularies = new Map<string, Map<string, string>>();
  for (const key of ['sex', 'ethnicity', 'religion', 'education'] as const)
    vocabularies.set(
      key,
      new Map(
        (ctx.rules.members.vocabulary(key) ?? []).map((e) => [e.code, e.names[lang] ?? e.names.en ?? e.code]),
      ),
    );
  return {
    vocabularies,
    statuses: new Map(statuses.map((status) => [status, formatReason(`status.${status}`, lang)])),
  };
}

/** Columns whose values are member numbers or dates (`YYYY-MM-DD`). */
const NUMBERS_AND_DATES = new Set([
  'id',
  'birthDate',
  'since',
  'admissionDate',
  'ceremonyDate',
  'officialDate',
]);

/**
 * SQL: a column's value as the text of its CSV cell, as `csvCell` and `cellWriter` write it from
 * rows: coded values by their names (a code without one as it is), and a text that a spreadsheet
 * would run as a formula (leading =, +, -, @, tab, return) behind a quote.
 */
function cellSql(key: string, value: RawBuilder<unknown>, names: CellNames): RawBuilder<unknown> {
  // A number or a date never starts so; and the membership dates are subqueries, which the test
  // and the value would each run again.
  if (NUMBERS_AND_DATES.has(key)) return sql`(${value})::text`;
  const coded = key === 'status' ? names.statuses : names.vocabularies.get(key);
  const text = coded
    ? sql`coalesce(${JSON.stringify(Object.fromEntries(coded))}::jsonb ->> (${value})::text, (${value})::text)`
    : sql`(${value})::text`;
  // An empty text as an empty field, as csvCell writes it (COPY would write "").
  return sql`nullif(case when left(${text}, 1) in ('=', '+', '-', '@', ${'\t'}, ${'\r'}) then '''' || ${text} else ${text} end, '')`;
}

export function memberSelection(
  q: MemberExportQuery,
  statuses: readonly string[],
  sensitive: Scope | null,
  columns: readonly string[],
  names?: CellNames,
): MemberSelection {
  // Sensitive values only where the reader may see them, row by row.
  const shown = (column: RawBuilder<unknown>) =>
    sensitive === null
      ? sql`null::text`
      : sql`case when ${unitInScope(sensitive, sql`s.unit_id`, q.asOf)} then ${column} end`;
  // Only the columns asked for are read; custom fields come in one object.
  const selected = columns.flatMap((key) => {
    const column = key === 'fullName' ? null : columnSql(key, q.asOf, shown);
    return column ? [sql`${column} as ${sql.ref(key)}`] : [];
  });
  if (columns.some((key) => key.startsWith('custom.'))) selected.push(sql`r.custom as custom`);
  const cells = names
    ? columns.map((key) => {
        const value = key.startsWith('custom.')
          ? sql`r.custom ->> ${key.slice('custom.'.length)}`
          : key === 'fullName'
            ? sql`r.full_name`
            : columnSql(key, q.asOf, shown);
        return cellSql(key, value ?? sql`null`, names);
      })
    : [];
  const runs = columns.includes('ceremonyDate') || columns.includes('officialDate') ? runsJoin(q.asOf) : null;
  return { q, statuses, columns: selected, cells, runs };
}

/** SQL: the member's span, record and unit version that day, for the units `u` (with its `unit_id`). */
function memberJoins({ q, statuses, runs }: MemberSelection) {
  return sql`join member_span s on s.unit_id = u.unit_id and s.valid @> ${q.asOf}::date and s.status = any(${[...statuses]}::text[])
    join member_record r on r.member_id = s.member_id and r.superseded_at is null and r.valid @> ${q.asOf}::date
    join unit_version v on v.unit_id = u.unit_id and v.superseded_at is null and v.valid @> ${q.asOf}::date
    ${runs ?? sql``}`;
}

/** Rows a server cursor hands over at a time. */
const CURSOR_ROWS = 5_000;

/**
 * On a PostgreSQL server: the whole subtree in one ordered query (null: the unit asked for is gone
 * that day). The planner sees the subtree (its path is a parameter, not a subquery), so a national
 * export reads the span and record tables once with hash joins and one sort, where unit batches
 * looked up every member by index.
 */
async function subtreeQuery(
  ctx: AppContext,
  scope: Scope,
  selection: MemberSelection,
  select: RawBuilder<unknown>,
): Promise<RawBuilder<unknown> | null> {
  const { q } = selection;
  let subtree = sql``;
  if (q.unitId !== undefined) {
    // Checked visible on the day before the export began; nothing to read if it is gone since.
    const paths = await pathsOn(ctx.db, [q.unitId], q.asOf);
    if (paths.length === 0) return null;
    subtree = sql`and u.path <@ any(${paths}::ltree[])`;
  }
  return sql`
    select ${select}
    from unit_tree u
    ${memberJoins(selection)}
    where u.valid @> ${q.asOf}::date and ${pathInScope(scope, sql`u.path`, q.asOf)} ${subtree}
    order by u.path, r.full_name collate "C", s.member_id`;
}

/**
 * The rows of a server's ordered query, read through a cursor on a connection of its own (one of
 * the pool's, held until the file is written: many exports at once want a larger pool). 5.9 M
 * members (6.3 M register, PostgreSQL 15, 2 cores), as CSV written from these rows: six columns in
 * 63 s end to end (33 s of it the query's sort before the first row), every column in 281 s, where
 * unit batches took 1,131 s. The same query written by COPY (csvRows): six columns in 34 s, every
 * column in 285 s (the membership dates' lookups per member are that query's time).
 */
async function* streamedRows(
  ctx: AppContext,
  scope: Scope,
  selection: MemberSelection,
): AsyncGenerator<ExportRow> {
  const { q, columns } = selection;
  const query = await subtreeQuery(
    ctx,
    scope,
    selection,
    sql.join([sql`s.member_id as "memberId"`, sql`r.full_name as "fullName"`, ...columns]),
  );
  if (!query) return;
  // The next chunk is asked for before this one is written out, so the server fetches while the
  // rows are formatted.
  const chunks = ctx.db.getExecutor().stream<ExportRow>(query.compile(ctx.db), q.batchRows ?? CURSOR_ROWS);
  const ask = () => {
    const chunk = chunks.next();
    // Handled here, thrown where awaited: a failed read must not count as unhandled while the
    // rows before it are still being written.
    chunk.catch(() => undefined);
    return chunk;
  };
  let next = ask();
  try {
    for (let chunk = await next; !chunk.done; chunk = await next) {
      next = ask();
      yield* chunk.value.rows;
    }
  } finally {
    // Stopped early (the download was cancelled): wait for the chunk asked for, then close the cursor.
    await next.catch(() => undefined);
    await chunks.return?.(undefined);
  }
}

/**
 * On PGlite (one connection, which a cursor would hold for the whole export): unit batches of
 * about BATCH_ROWS / 2 members, each read in pages, so other requests run between them.
 */
async function* batchedRows(
  ctx: AppContext,
  units: readonly number[],
  selection: MemberSelection,
): AsyncGenerator<ExportRow> {
  const { q, columns } = selection;
  const limit = q.batchRows ?? BATCH_ROWS;
  let size = FIRST_BATCH_UNITS;
  for (let i = 0; i < units.length;) {
    const batch = units.slice(i, i + size);
    i += batch.length;
    let after: { ord: number; name: string; id: number } | null = null;
    let read = 0;
    for (;;) {
      const page: { rows: ExportRow[] } = await sql<ExportRow>`
        select u.ord::int as ord, s.member_id as "memberId", r.full_name as "fullName"
          ${columns.length ? sql`, ${sql.join(columns)}` : sql``}
        from unnest(${batch}::bigint[]) with ordinality as u(unit_id, ord)
        ${memberJoins(selection)}
        ${
          after
            ? sql`where (u.ord, r.full_name collate "C", s.member_id) > (${after.ord}::bigint, ${after.name} collate "C", ${after.id}::bigint)`
            : sql``
        }
        order by u.ord, r.full_name collate "C", s.member_id
        limit ${limit}`.execute(ctx.db);
      read += page.rows.length;
      yield* page.rows;
      if (page.rows.length < limit) break;
      const last: ExportRow = page.rows[page.rows.length - 1]!;
      after = { ord: last.ord!, name: last.fullName, id: last.memberId };
    }
    const perUnit = Math.max(read, 1) / batch.length;
    size = Math.min(MAX_BATCH_UNITS, Math.max(1, Math.floor(limit / 2 / perUnit)));
  }
}

/**
 * Members one CSV query on PGlite reads at most, as COPY hands its whole answer over at once (6 MB
 * for a register sheet's columns). Each batch scans the records once, so fewer batches are faster:
 * the 891 k members of the 1 M bench register in 15.4 s in batches of 100 k, 14.9 s of 250 k
 * (PGlite 0.5, 2 cores); rows read through the socket in unit batches took 39 s.
 */
const COPY_BATCH_ROWS = 100_000;
/**
 * From this many members a batch is read with hash joins. The planner is told, as it prices a GiST
 * probe of the records per member below a scan of them all. Measured on the 1 M register: 22 k
 * members 0.5 s by index, 0.9 s hashed; 45 k 2.1 s by index, 1.1 s hashed; 89 k 3.2–3.9 s by
 * index, 1.1–1.6 s hashed.
 */
const HASH_JOIN_ROWS = 30_000;

/** A member's place in a unit's name order: a page of a large unit ends after one. */
interface NameKey {
  name: string;
  id: number;
}

/**
 * The CSV of an export on PGlite, written by the database in batches of whole units of about
 * COPY_BATCH_ROWS members, counted first; a unit holding more is read in pages of that many, cut
 * at every COPY_BATCH_ROWS-th member of its name order. Other requests run between batches.
 */
async function* batchedCsv(
  ctx: AppContext,
  scope: Scope,
  selection: MemberSelection,
): AsyncGenerator<Uint8Array> {
  const { q, statuses } = selection;
  const limit = q.batchRows ?? COPY_BATCH_ROWS;
  const units = await unitsInOrder(ctx, scope, q);
  const counted = await sql<{ unit_id: number; members: number }>`
    select s.unit_id, count(*)::int as members from member_span s
    where s.unit_id = any(${units}::bigint[]) and s.valid @> ${q.asOf}::date and s.status = any(${[...statuses]}::text[])
    group by s.unit_id`.execute(ctx.db);
  const members = new Map(counted.rows.map((r) => [Number(r.unit_id), r.members]));
  const copy = (batch: readonly number[], rows: number, after?: NameKey, upTo?: NameKey) =>
    ctx.copyOut(
      sql`select ${sql.join(selection.cells)}
        from unnest(${batch}::bigint[]) with ordinality as u(unit_id, ord)
        ${memberJoins(selection)}
        -- The batch's spans by index (without this the hashed plan scans every span, 0.8 s a batch).
        where s.unit_id = any(${batch}::bigint[])
          ${after ? sql`and (r.full_name collate "C", s.member_id) > (${after.name} collate "C", ${after.id}::bigint)` : sql``}
          ${upTo ? sql`and (r.full_name collate "C", s.member_id) <= (${upTo.name} collate "C", ${upTo.id}::bigint)` : sql``}
        order by u.ord, r.full_name collate "C", s.member_id`.compile(ctx.db),
      rows >= HASH_JOIN_ROWS ? { settings: { enable_nestloop: 'off' } } : undefined,
    );
  let batch: number[] = [];
  let rows = 0;
  for (const unit of units) {
    const n = members.get(unit) ?? 0;
    if (n === 0) continue;
    if (batch.length && rows + n > limit) {
      yield* copy(batch, rows);
      batch = [];
      rows = 0;
    }
    if (n <= limit) {
      batch.push(unit);
      rows += n;
      continue;
    }
    let after: NameKey | undefined;
    for (const upTo of await pageEnds(ctx, unit, selection, limit)) {
      yield* copy([unit], limit, after, upTo);
      after = upTo;
    }
    yield* copy([unit], limit, after);
  }
  if (batch.length) yield* copy(batch, rows);
}

/** Every `limit`-th member of a unit's name order that day: where its pages end. */
async function pageEnds(
  ctx: AppContext,
  unit: number,
  selection: MemberSelection,
  limit: number,
): Promise<NameKey[]> {
  const rows = await sql<NameKey>`
    select x.name, x.id from (
      select r.full_name as name, s.member_id as id,
        row_number() over (order by r.full_name collate "C", s.member_id) as n
      from (select ${unit}::bigint as unit_id) u
      ${memberJoins({ ...selection, runs: null })}) x
    where x.n % ${limit} = 0
    order by x.n`.execute(ctx.db);
  return rows.rows.map((r) => ({ name: r.name, id: Number(r.id) }));
}

/** The CSV rows of an export (no header), written by the database, in the file's order. */
async function* csvRows(
  ctx: AppContext,
  scope: Scope,
  selection: MemberSelection,
): AsyncGenerator<Uint8Array> {
  if (ctx.engine === 'pglite') {
    yield* batchedCsv(ctx, scope, selection);
    return;
  }
  const query = await subtreeQuery(ctx, scope, selection, sql.join(selection.cells));
  if (query) yield* ctx.copyOut(query.compile(ctx.db));
}

/** The rows of an export in the file's order, read the way the engine reads best. */
export async function* exportRows(
  ctx: AppContext,
  scope: Scope,
  selection: MemberSelection,
): AsyncGenerator<ExportRow> {
  if (ctx.engine === 'postgres') yield* streamedRows(ctx, scope, selection);
  else yield* batchedRows(ctx, await unitsInOrder(ctx, scope, selection.q), selection);
}

/**
 * How a value is written in a workbook, column by column, as a clerk reads it: vocabulary codes and
 * statuses by their names.
 */
function cellWriter(names: CellNames) {
  return (key: string, value: unknown): string | number | null => {
    if (value === null || value === undefined) return null;
    const coded = key === 'status' ? names.statuses : names.vocabularies.get(key);
    if (coded) return coded.get(String(value)) ?? String(value);
    if (typeof value === 'number') return value;
    return String(value);
  };
}

/**
 * Starts an export: checks the scope and the columns, records it in the audit trail (an export is
 * a reading of personal data), and answers a stream that reads the members page by page.
 */
export async function exportMembers(
  ctx: AppContext,
  actor: Actor,
  q: MemberExportQuery,
  lang: ApiLanguage,
): Promise<ExportFile> {
  const scope = requireScope(actor, 'members.read');
  if (q.unitId !== undefined && !(await isUnitVisible(ctx.db, scope, q.unitId, q.asOf)))
    throw new AppError('unit_not_found', { field: 'unitId', params: { unit: `#${q.unitId}` } });
  const sensitiveScope = scopeFor(actor, 'members.sensitive');
  // Without members.sensitive anywhere, sensitive columns are left out (as from every screen).
  const columns = chooseColumns(exportColumns(ctx, lang), q.columns).filter(
    (c) => sensitiveScope !== null || !(SENSITIVE_MEMBER_FIELDS as readonly string[]).includes(c.key),
  );
  const statuses = statusesOf(q.status);
  const names = cellNames(ctx, lang, statuses);
  await ctx.db.transaction().execute((trx) =>
    recordAudit(trx, actor, {
      action: 'members.export',
      entity: { type: 'member', id: null },
      unitIds: q.unitId !== undefined ? [q.unitId] : scope.all ? [] : [...scope.roots],
      after: {
        asOf: q.asOf,
        status: q.status ?? 'members',
        columns: columns.map((c) => c.key),
        format: q.format,
      },
    }),
  );
  const selection = memberSelection(
    q,
    statuses,
    sensitiveScope,
    columns.map((c) => c.key),
    q.format === 'csv' ? names : undefined,
  );
  if (q.format === 'csv') {
    return csvExport(`rollbook-members-${q.asOf}`, columns, csvRows(ctx, scope, selection));
  }
  const rows = exportRows(ctx, scope, selection);
  const cell = cellWriter(names);
  const value = (row: ExportRow, key: string) =>
    key.startsWith('custom.')
      ? cell(key, (row.custom as Record<string, unknown> | null)?.[key.slice(7)])
      : cell(key, row[key]);
  async function* cells(): AsyncGenerator<Record<string, Cell>> {
    for await (const row of rows) {
      const line: Record<string, Cell> = {};
      for (const c of columns) line[c.key] = value(row, c.key);
      yield line;
    }
  }
  return writeExport({
    base: `rollbook-members-${q.asOf}`,
    format: q.format,
    lang,
    sheetName: formatReason('export.members_sheet', lang),
    columns,
    rows: cells(),
  });
}
