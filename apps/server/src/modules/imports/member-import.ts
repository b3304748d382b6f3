import {
  AppError,
  type DateOrder,
  type ImportField,
  type IsoDate,
  type LifecycleEvent,
  parseImportDate,
  replayLifecycle,
  type RuleFinding,
  SENSITIVE_MEMBER_FIELDS,
  vocabularyReader,
} from '@rollbook/domain';
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { CopyValue } from '../../db/copy.js';
import type { Database } from '../../db/types.js';
import type { Scope } from '../access/actor.js';
import { unitInScope } from '../access/scope.js';
import { applyContributions, holdRollupUnits } from '../members/member-rollup.js';
import { RECORD_FIELDS } from '../members/members.repository.js';
import { findingParams } from '../members/members.service.js';
import type { Db } from '../units/units.repository.js';
import type { TableRow } from './table-file.js';

/**
 * Members from a file (issue 5): each row is read, checked and replayed through the lifecycle in
 * memory, staged (COPY) with the events, spans and deadlines it will write, then the whole file is
 * checked against the register in SQL — units, scope, duplicates — and committed in one statement
 * per table.
 */

/** A problem found in one cell (or row) of the file. */
export interface RowProblem {
  row: number | null;
  column: string | null;
  field: string | null;
  value: string | null;
  reason: string;
  params: Record<string, string | number>;
}

/** Where each mapped field's cells are: the column's index in a row, and its header. */
export type ColumnMap = ReadonlyMap<string, { index: number; header: string }>;

/**
 * The problems of one row, each named by its field's column (header): what every entity's row
 * reader collects, with `problem(field, value, reason, params)` adding one (`import.<reason>`).
 */
export function rowProblems(row: number, columnOf: ColumnMap) {
  const problems: RowProblem[] = [];
  const problem = (
    field: { key: string },
    value: string | null,
    key: string,
    params: Record<string, string | number> = {},
  ) => {
    problems.push({
      row,
      column: columnOf.get(field.key)?.header ?? null,
      field: field.key,
      value,
      reason: `import.${key}`,
      params,
    });
  };
  /**
   * A date cell (dd/mm/yyyy or mm/dd/yyyy as the file says, ISO, a spreadsheet serial): the ISO
   * date, or null with the problem told; with `notAfter`, a later day is refused as in the future.
   */
  const date = (field: { key: string }, raw: string, dateOrder: DateOrder, notAfter?: IsoDate) => {
    const day = parseImportDate(raw, dateOrder);
    if (!day) problem(field, raw, dateOrder === 'mdy' ? 'date_mdy' : 'date', { value: raw });
    else if (notAfter !== undefined && day > notAfter) problem(field, raw, 'future', { value: day });
    else return day;
    return null;
  };
  return { problems, problem, date };
}

/** A cell as a clerk meant it: Unicode in composed form (NFC), without surrounding spaces. */
export function cellText(cells: readonly string[], index: number): string {
  return (cells[index] ?? '').normalize('NFC').trim();
}

/** Stands for the row's unit in a replay: the unit is resolved later, in SQL, for the whole file. */
const ROW_UNIT = -1;

/** The record's fields, in the staging table's column order; custom fields travel as one JSON. */
const RECORD_COLUMNS = RECORD_FIELDS.filter((f) => f !== 'custom');

/** The staging table's columns, in the order rows are built. */
export const STAGED_COLUMNS = [
  'job_id',
  'row_no',
  'member_id',
  'full_name',
  'birth_name',
  'other_names',
  'sex',
  'birth_date',
  'birth_place',
  'home_town',
  'residence',
  'ethnicity',
  'religion',
  'national_id',
  'education',
  'profession',
  'phone',
  'email',
  'custom',
  'ok',
  'unit_code',
  'joins_on',
  'events',
  'spans',
  'deadlines',
] as const;

export interface MemberRowReader {
  /** Checks one row; answers the staged row (its member id drawn later) and the problems found. */
  read(row: TableRow): { staged: CopyValue[]; problems: RowProblem[] };
}

/**
 * Builds the reader for a file's columns: each mapped field knows its column index and how to read
 * its cells, once, before the first row.
 */
export function memberRowReader(
  ctx: AppContext,
  jobId: number,
  fields: readonly ImportField[],
  columnOf: ColumnMap,
  dateOrder: DateOrder,
): MemberRowReader {
  const today = ctx.today();
  const rules = ctx.rules.members;
  const readers = fields
    .filter((f) => columnOf.has(f.key))
    .map((field) => {
      const column = columnOf.get(field.key)!;
      const vocabulary = field.vocabulary ? vocabularyReader(rules, field.vocabulary) : null;
      const allowed = field.vocabulary
        ? (rules.vocabulary(field.vocabulary) ?? [])
            .slice(0, 12)
            .map((e) => e.names.vi ?? e.names.en ?? e.code)
            .join(', ')
        : (field.choices ?? []).join(', ');
      return { field, column, vocabulary, allowed };
    });
  const required = fields.filter((f) => f.required);
  const columnFor = (key: string) => columnOf.get(key)?.header ?? null;

  return {
    read({ row, cells }) {
      const { problems, problem, date } = rowProblems(row, columnOf);
      const values = new Map<string, string | number>();
      for (const { field, column, vocabulary, allowed } of readers) {
        const raw = cellText(cells, column.index);
        if (raw === '') continue;
        switch (field.kind) {
          case 'text':
          case 'unit':
            if (field.maxLength && raw.length > field.maxLength)
              problem(field, raw.slice(0, 80), 'too_long', { max: field.maxLength });
            else values.set(field.key, raw);
            break;
          case 'date': {
            const day = date(field, raw, dateOrder, today);
            if (day) values.set(field.key, day);
            break;
          }
          case 'vocabulary': {
            const code = vocabulary ? vocabulary(raw) : raw;
            if (code === null) problem(field, raw, 'vocabulary', { value: raw, allowed });
            else values.set(field.key, code);
            break;
          }
          case 'choice':
            if (!(field.choices ?? []).includes(raw))
              problem(field, raw, 'vocabulary', { value: raw, allowed });
            else values.set(field.key, raw);
            break;
          case 'number': {
            const n = Number(raw.replace(',', '.'));
            if (!Number.isFinite(n)) problem(field, raw, 'number', { value: raw });
            else values.set(field.key, n);
            break;
          }
        }
      }
      for (const field of required)
        if (!values.has(field.key) && !problems.some((p) => p.field === field.key))
          problem(field, null, 'required');
      const text = (key: string) => (values.get(key) as string | undefined) ?? null;
      if (problems.length) return { staged: unchecked(row, values, text), problems };

      const admission = text('admissionDate')!;
      const ceremony = text('ceremonyDate');
      const official = text('officialDate');
      const events: LifecycleEvent[] = [
        {
          id: 1,
          type: 'admission',
          date: admission,
          unitId: ROW_UNIT,
          details: ceremony ? { ceremonyDate: ceremony } : {},
        },
      ];
      if (official) events.push({ id: 2, type: 'recognition', date: official, unitId: null, details: {} });
      const facts = { birthDate: text('birthDate'), sex: text('sex'), education: text('education') };
      const replay = replayLifecycle(events, facts, rules, today);
      if (replay.problems.length) {
        for (const finding of replay.problems) problems.push(findingProblem(row, finding, columnFor, text));
        return { staged: unchecked(row, values, text), problems };
      }
      const custom: Record<string, string | number> = {};
      for (const [key, value] of values) if (key.startsWith('custom.')) custom[key.slice(7)] = value;
      const decisionNumber = text('decisionNumber');
      const staged: CopyValue[] = [
        jobId,
        row,
        0, // the member id, drawn for the whole batch
        ...RECORD_COLUMNS.map((key) => values.get(key) ?? null),
        custom,
        true,
        text('unit')!,
        admission,
        events.map((e) => ({
          type: e.type,
          date: e.date,
          inUnit: e.unitId === ROW_UNIT,
          details: e.details,
          decisionNumber: e.type === 'admission' ? decisionNumber : null,
          ruleSet: replay.ruleSets.get(e.id)!,
        })),
        replay.spans.map((s) => ({
          from: s.from,
          to: s.to,
          status: s.status,
          inUnit: s.unitId === ROW_UNIT,
          exitReason: s.exitReason,
          exempted: s.exempted,
          suspended: s.suspended,
        })),
        replay.deadlines.map((d) => ({ kind: d.kind, since: d.since, due: d.due })),
      ];
      return { staged, problems };
    },
  };

  /** A row with problems of its own: staged only for the checks across the file (its unit, its ID). */
  function unchecked(
    row: number,
    values: Map<string, string | number>,
    text: (key: string) => string | null,
  ): CopyValue[] {
    return [
      jobId,
      row,
      0,
      ...RECORD_COLUMNS.map((key) => (key === 'fullName' ? (text(key) ?? '') : (values.get(key) ?? null))),
      {},
      false,
      text('unit'),
      text('admissionDate'),
      [],
      [],
      [],
    ];
  }
}

/** A broken statute rule, placed in the column of the date it judged. */
function findingProblem(
  row: number,
  finding: RuleFinding,
  columnFor: (key: string) => string | null,
  text: (key: string) => string | null,
): RowProblem {
  const field =
    finding.field === 'details.ceremonyDate'
      ? 'ceremonyDate'
      : finding.field === 'unitId'
        ? 'unit'
        : finding.eventId === 2
          ? 'officialDate'
          : 'admissionDate';
  return {
    row,
    column: columnFor(field),
    field,
    value: text(field),
    reason: `rule.${finding.rule}`,
    params: findingParams(finding),
  };
}

/** Draws member ids for staged rows from the member sequence (never reused, whatever happens next). */
export async function drawMemberIds(db: Db, count: number): Promise<number[]> {
  const rows = await sql<{ id: number }>`select nextval(pg_get_serial_sequence('member', 'id')) as id
    from generate_series(1, ${count}::int)`.execute(db);
  return rows.rows.map((r) => r.id);
}

export interface FileCheckContext {
  jobId: number;
  /** The importer's members.write scope, and members.sensitive (null: none) when sensitive columns are mapped. */
  scope: Scope;
  sensitiveScope: Scope | null | undefined;
  /** Rows must lie under this unit (on the day they join), when the job names one. */
  underUnitId: number | null;
  today: IsoDate;
  memberUnitKinds: readonly string[];
  kindNames: string;
  mapping: Record<string, string>;
}

/**
 * Checks the staged rows against the register, the whole file at once: each row's unit (by code,
 * on the day the member joins; in the importer's part of the tree; a kind members belong to; still
 * standing today), national IDs repeated in the file or already held. Resolves unit ids as it goes.
 */
export async function checkStagedMembers(db: Db, c: FileCheckContext): Promise<RowProblem[]> {
  const unitHeader = c.mapping.unit ?? null;
  const idHeader = c.mapping.nationalId ?? null;
  await sql`update import_member_row r set unit_id = v.unit_id
    from unit_version v
    where r.job_id = ${c.jobId} and v.superseded_at is null and upper(v.code) = upper(r.unit_code)
      and v.valid @> r.joins_on`.execute(db);
  const under =
    c.underUnitId === null
      ? sql`true`
      : sql`exists (select 1 from unit_tree a, unit_tree t where a.unit_id = ${c.underUnitId} and a.valid @> r.joins_on
          and t.unit_id = r.unit_id and t.valid @> r.joins_on and t.path <@ a.path)`;
  const problems = await sql<{
    row: number;
    reason: string;
    value: string;
    params: Record<string, string | number>;
    field: string;
  }>`
    select r.row_no as row, 'import.unit_unknown' as reason, r.unit_code as value, 'unit' as field,
      jsonb_build_object('value', r.unit_code, 'date', to_char(r.joins_on, 'YYYY-MM-DD')) as params
    from import_member_row r
    where r.job_id = ${c.jobId} and r.unit_code is not null and r.joins_on is not null
      and (r.unit_id is null or not ${unitInScope(c.scope, sql`r.unit_id`, sql`r.joins_on`)} or not ${under})
    union all
    select r.row_no, 'rule.member_unit_kind', r.unit_code, 'unit', jsonb_build_object('kinds', ${c.kindNames}::text)
    from import_member_row r join unit_version v on v.unit_id = r.unit_id and v.valid @> r.joins_on and v.superseded_at is null
    where r.job_id = ${c.jobId} and cardinality(${[...c.memberUnitKinds]}::text[]) > 0 and v.kind <> all(${[...c.memberUnitKinds]}::text[])
    union all
    select r.row_no, 'import.unit_ended', r.unit_code, 'unit',
      jsonb_build_object('value', r.unit_code, 'date', (select to_char(max(upper(t.valid)), 'YYYY-MM-DD') from unit_tree t where t.unit_id = r.unit_id))
    from import_member_row r
    where r.job_id = ${c.jobId} and r.unit_id is not null
      and not exists (select 1 from unit_tree t where t.unit_id = r.unit_id and t.valid @> ${c.today}::date)
    union all
    select r.row_no, 'import.duplicate_in_file', r.national_id, 'nationalId', jsonb_build_object('other', f.first)
    from import_member_row r
    join (select national_id, min(row_no) as first from import_member_row where job_id = ${c.jobId} and national_id is not null
          group by national_id having count(*) > 1) f on f.national_id = r.national_id
    where r.job_id = ${c.jobId} and r.row_no <> f.first
    union all
    select r.row_no, 'import.national_id_in_use', r.national_id, 'nationalId', '{}'::jsonb
    from import_member_row r
    where r.job_id = ${c.jobId} and r.national_id is not null and exists (select 1 from member_record m
      where m.national_id = r.national_id and m.superseded_at is null and upper_inf(m.valid))
    ${
      c.sensitiveScope === undefined
        ? sql``
        : sql`union all
    select r.row_no, 'import.sensitive', null, ${firstSensitive(c.mapping)}, '{}'::jsonb
    from import_member_row r
    where r.job_id = ${c.jobId} and r.unit_id is not null and ${
      c.sensitiveScope === null
        ? sql`true`
        : sql`not ${unitInScope(c.sensitiveScope, sql`r.unit_id`, sql`r.joins_on`)}`
    }`
    }
    order by 1, 2`.execute(db);
  return problems.rows.map((p) => ({
    row: p.row,
    column:
      p.field === 'unit' ? unitHeader : p.field === 'nationalId' ? idHeader : (c.mapping[p.field] ?? null),
    field: p.field,
    value: p.value,
    reason: p.reason,
    params: p.params,
  }));
}

/** The first sensitive field (national ID, ethnicity, religion) the mapping fills; undefined when none. */
export function firstSensitive(mapping: Record<string, string>): string | undefined {
  return SENSITIVE_MEMBER_FIELDS.find((f) => f !== 'discipline' && mapping[f] !== undefined);
}

/** Writes the staged members into the register: record, events, spans, deadlines, roll-ups. */
export async function writeStagedMembers(
  trx: Transaction<Database>,
  jobId: number,
  recordedBy: string,
): Promise<{ members: number; events: number; spans: number; units: number[] }> {
  // Rows with problems are staged only to be checked; a commit never writes them.
  const unchecked = await sql<{ n: number }>`select count(*)::int as n from import_member_row
    where job_id = ${jobId} and not ok`.execute(trx);
  if (unchecked.rows[0]!.n > 0)
    throw new AppError('import_has_problems', { params: { count: unchecked.rows[0]!.n } });
  // A server compiles large plans with LLVM first: 4.3 s of a 28 s roll-up query for 20 k members
  // at 6 M (auto_explain), spent again on every commit since no plan is reused. PGlite has no JIT.
  await sql`set local jit = off`.execute(trx);
  // The roll-up query sorts a few hundred thousand pieces for 30 k members: with PGlite's default
  // 4 MB they went to disk in two external merges (22 and 31 MB). Raised for this transaction
  // only, and never lowered where a server is given more.
  await sql`select set_config('work_mem', case when pg_size_bytes(current_setting('work_mem')) < 64 * 1024 * 1024
    then '64MB' else current_setting('work_mem') end, true)`.execute(trx);
  const members = await sql`insert into member (id) overriding system value
    select member_id from import_member_row where job_id = ${jobId} order by member_id`.execute(trx);
  await sql`insert into member_record (member_id, valid, full_name, birth_name, other_names, sex, birth_date,
      birth_place, home_town, residence, ethnicity, religion, national_id, education, profession, phone, email,
      custom, recorded_by)
    select member_id, daterange(null, null), full_name, birth_name, other_names, sex, birth_date, birth_place,
      home_town, residence, ethnicity, religion, national_id, education, profession, phone, email, custom, ${recordedBy}
    from import_member_row where job_id = ${jobId} order by member_id`.execute(trx);
  // Events in row order, then in the order of the row's dates: ids break ties between same-day events.
  const events =
    await sql`insert into member_event (member_id, type, event_date, unit_id, details, decision_number,
      rule_set, recorded_by)
    select r.member_id, e.type, e.date, case when e."inUnit" then r.unit_id end, e.details, e."decisionNumber",
      e."ruleSet", ${recordedBy}
    from import_member_row r
    cross join lateral rows from (jsonb_to_recordset(r.events) as (type text, date date, "inUnit" boolean,
      details jsonb, "decisionNumber" text, "ruleSet" text)) with ordinality as e(type, date, "inUnit", details,
      "decisionNumber", "ruleSet", n)
    where r.job_id = ${jobId}
    order by r.member_id, e.n`.execute(trx);
  const spans =
    await sql`insert into member_span (member_id, valid, status, unit_id, exit_reason, exempted, suspended)
    select r.member_id, daterange(s."from", s."to"), s.status, case when s."inUnit" then r.unit_id end,
      s."exitReason", s.exempted, s.suspended
    from import_member_row r
    cross join lateral jsonb_to_recordset(r.spans) as s("from" date, "to" date, status text, "inUnit" boolean,
      "exitReason" text, exempted boolean, suspended boolean)
    where r.job_id = ${jobId}
    order by r.member_id, s."from"`.execute(trx);
  await sql`insert into member_deadline (member_id, kind, since, due)
    select r.member_id, d.kind, d.since, d.due
    from import_member_row r
    cross join lateral jsonb_to_recordset(r.deadlines) as d(kind text, since date, due date)
    where r.job_id = ${jobId}`.execute(trx);
  const units = await sql<{ unitId: number }>`select distinct unit_id as "unitId" from import_member_row
    where job_id = ${jobId}`.execute(trx);
  await keepRollupsOf(trx, jobId);
  return {
    members: Number(members.numAffectedRows ?? 0),
    events: Number(events.numAffectedRows ?? 0),
    spans: Number(spans.numAffectedRows ?? 0),
    units: units.rows.map((u) => u.unitId),
  };
}

/** Adds the new members to the roll-ups (ADR 0006), all of the file's members in one pass. */
async function keepRollupsOf(trx: Transaction<Database>, jobId: number): Promise<void> {
  // Before reading which units keep roll-ups: a build committing in between would miss the file.
  await holdRollupUnits(trx);
  const kept = await sql<{ n: number }>`select count(*)::int as n from member_rollup_unit`.execute(trx);
  if (!kept.rows[0]?.n) return;
  await applyContributions(trx, {
    memberIds: [],
    memberQuery: sql<{ member_id: number }>`select member_id from import_member_row where job_id = ${jobId}`,
  });
}
