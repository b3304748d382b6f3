import type { ImportEntity } from '@rollbook/domain';
import { sql } from 'kysely';
import type { Scope } from '../access/actor.js';
import { unitInScope } from '../access/scope.js';
import type { Db } from '../units/units.repository.js';
import type { RowProblem } from './member-import.js';

/** The statuses of an import, in the order a job usually passes through them. */
export const IMPORT_STATUSES = [
  'uploaded',
  'validating',
  'invalid',
  'validated',
  'committing',
  'committed',
  'failed',
  'cancelled',
] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export interface ImportJobRow {
  id: number;
  entity: ImportEntity;
  status: ImportStatus;
  fileName: string;
  fileSha256: string;
  fileBytes: number;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  headers: string[];
  mapping: Record<string, string> | null;
  options: { dateOrder?: 'dmy' | 'mdy' };
  unitId: number | null;
  rowsTotal: number | null;
  rowsDone: number;
  problemCount: number;
  failure: { code: string; params: Record<string, string | number> } | null;
  result: Record<string, unknown> | null;
  cancelRequested: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

const jobColumns = sql`j.id, j.entity, j.status, j.file_name as "fileName", j.file_sha256 as "fileSha256",
  j.file_bytes as "fileBytes", j.format, j.encoding, j.delimiter, j.headers, j.mapping, j.options,
  j.unit_id as "unitId", j.rows_total as "rowsTotal", j.rows_done as "rowsDone", j.problem_count as "problemCount",
  j.failure, j.result, j.cancel_requested as "cancelRequested", j.created_by as "createdBy",
  to_char(j.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt",
  to_char(j.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "updatedAt"`;

/** SQL: the job lies inside the scope — its unit does today, or the scope is everywhere. */
function jobInScope(scope: Scope, today: string) {
  if (scope.all) return sql<boolean>`true`;
  return sql<boolean>`(j.unit_id is not null and ${unitInScope(scope, sql`j.unit_id`, today)})`;
}

export async function insertJob(
  db: Db,
  job: Pick<
    ImportJobRow,
    | 'entity'
    | 'fileName'
    | 'fileSha256'
    | 'fileBytes'
    | 'format'
    | 'encoding'
    | 'delimiter'
    | 'headers'
    | 'unitId'
    | 'createdBy'
  > & { userId: number | null; mapping: Record<string, string> },
): Promise<number> {
  const row = await sql<{
    id: number;
  }>`insert into import_job (entity, status, file_name, file_sha256, file_bytes,
      format, encoding, delimiter, headers, mapping, unit_id, created_by, created_by_user_id)
    values (${job.entity}, 'uploaded', ${job.fileName}, ${job.fileSha256}, ${job.fileBytes}, ${job.format},
      ${job.encoding}, ${job.delimiter}, ${JSON.stringify(job.headers)}::jsonb, ${JSON.stringify(job.mapping)}::jsonb,
      ${job.unitId}, ${job.createdBy}, ${job.userId})
    returning id`.execute(db);
  return row.rows[0]!.id;
}

export async function findJob(
  db: Db,
  id: number,
  scope: Scope,
  today: string,
  options: { forUpdate?: boolean } = {},
): Promise<ImportJobRow | undefined> {
  const rows = await sql<ImportJobRow>`select ${jobColumns} from import_job j
    where j.id = ${id} and ${jobInScope(scope, today)}${options.forUpdate ? sql` for update of j` : sql``}`.execute(
    db,
  );
  return rows.rows[0];
}

export async function listJobs(
  db: Db,
  scope: Scope,
  today: string,
  page: { limit: number; beforeId: number | null },
): Promise<ImportJobRow[]> {
  const rows = await sql<ImportJobRow>`select ${jobColumns} from import_job j
    where ${jobInScope(scope, today)} and (${page.beforeId}::bigint is null or j.id < ${page.beforeId})
    order by j.id desc limit ${page.limit + 1}`.execute(db);
  return rows.rows;
}

export async function updateJob(
  db: Db,
  id: number,
  change: Partial<{
    status: ImportStatus;
    mapping: Record<string, string>;
    options: Record<string, unknown>;
    unitId: number | null;
    rowsTotal: number | null;
    rowsDone: number;
    problemCount: number;
    failure: ImportJobRow['failure'];
    result: Record<string, unknown> | null;
    cancelRequested: boolean;
  }>,
): Promise<void> {
  const sets = [
    change.status !== undefined && sql`status = ${change.status}`,
    change.mapping !== undefined && sql`mapping = ${JSON.stringify(change.mapping)}::jsonb`,
    change.options !== undefined && sql`options = ${JSON.stringify(change.options)}::jsonb`,
    change.unitId !== undefined && sql`unit_id = ${change.unitId}`,
    change.rowsTotal !== undefined && sql`rows_total = ${change.rowsTotal}`,
    change.rowsDone !== undefined && sql`rows_done = ${change.rowsDone}`,
    change.problemCount !== undefined && sql`problem_count = ${change.problemCount}`,
    change.failure !== undefined &&
      sql`failure = ${change.failure === null ? null : JSON.stringify(change.failure)}::jsonb`,
    change.result !== undefined &&
      sql`result = ${change.result === null ? null : JSON.stringify(change.result)}::jsonb`,
    change.cancelRequested !== undefined && sql`cancel_requested = ${change.cancelRequested}`,
  ].filter((s) => s !== false);
  await sql`update import_job set ${sql.join([...sets, sql`updated_at = now()`])} where id = ${id}`.execute(
    db,
  );
}

/**
 * Moves a job to a new status only from one of the expected ones, in one statement: of two
 * requests racing (a double click, two processes), one wins and the other is told.
 */
export async function claimJob(
  db: Db,
  id: number,
  from: readonly ImportStatus[],
  to: ImportStatus,
): Promise<boolean> {
  const rows = await sql`update import_job set status = ${to}, updated_at = now()
    where id = ${id} and status = any(${[...from]}::text[]) returning id`.execute(db);
  return rows.rows.length === 1;
}

export async function cancelRequested(db: Db, id: number): Promise<boolean> {
  const rows = await sql<{
    c: boolean;
  }>`select cancel_requested as c from import_job where id = ${id}`.execute(db);
  return rows.rows[0]?.c ?? true;
}

/** Another job that already committed the same file for the same entity. */
export async function findCommittedTwin(db: Db, job: ImportJobRow): Promise<number | undefined> {
  const rows = await sql<{ id: number }>`select id from import_job
    where entity = ${job.entity} and file_sha256 = ${job.fileSha256} and status = 'committed' and id <> ${job.id}
    order by id limit 1`.execute(db);
  return rows.rows[0]?.id;
}

export async function analyzeStaged(db: Db): Promise<void> {
  await sql`analyze import_member_row`.execute(db);
}

/** Forgets what an earlier validation staged and found. */
export async function clearStaged(db: Db, id: number): Promise<void> {
  await sql`delete from import_member_row where job_id = ${id}`.execute(db);
  await sql`delete from import_unit_row where job_id = ${id}`.execute(db);
  await sql`delete from import_event_row where job_id = ${id}`.execute(db);
  await sql`delete from import_card_row where job_id = ${id}`.execute(db);
  await sql`delete from import_problem where job_id = ${id}`.execute(db);
}

/** Problems as COPY rows. */
export function problemRows(jobId: number, firstSeq: number, problems: readonly RowProblem[]) {
  return problems.map((p, i) => [jobId, firstSeq + i, p.row, p.column, p.field, p.value, p.reason, p.params]);
}

export const PROBLEM_COLUMNS = [
  'job_id',
  'seq',
  'row_no',
  'column_name',
  'field',
  'value',
  'reason',
  'params',
] as const;

export async function listProblems(
  db: Db,
  jobId: number,
  page: { limit: number; afterSeq: number },
): Promise<Array<RowProblem & { seq: number }>> {
  const rows = await sql<
    RowProblem & { seq: number }
  >`select seq, row_no as row, column_name as column, field, value, reason, params
    from import_problem where job_id = ${jobId} and seq > ${page.afterSeq} order by seq limit ${page.limit}`.execute(
    db,
  );
  return rows.rows;
}

/** Jobs a process stopped in the middle of: what they staged stays; they can be run again. */
export async function recoverInterrupted(
  db: Db,
  options: { id?: number; validations: boolean },
): Promise<number> {
  // A commit holds its job row locked until it ends: a locked row is a commit still running.
  const result = await sql`update import_job set
      status = case status when 'committing' then 'validated' else 'uploaded' end,
      cancel_requested = false, updated_at = now()
    where id in (select id from import_job
      where status in ('committing'${options.validations ? sql`, 'validating'` : sql``})
        ${options.id === undefined ? sql`` : sql`and id = ${options.id}`}
      for update skip locked)`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
