import { PassThrough, Readable } from 'node:stream';
import {
  type ApiLanguage,
  AppError,
  formatReason,
  importFields,
  type IsoDate,
  reason,
  SENSITIVE_MEMBER_FIELDS,
} from '@rollbook/domain';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { csvCell } from '../../lib/csv.js';
import { type Actor, requireScope, type Scope, scopeFor } from '../access/actor.js';
import { isUnitVisible, pathInScope, unitInScope } from '../access/scope.js';
import { recordAudit } from '../audit/audit.service.js';
import { type LIST_STATUSES, statusesOf } from '../members/members.service.js';

/**
 * Streams the members of a subtree as of a date, in the columns chosen (BRIEF capability 8):
 * unit by unit in tree order, a page of members at a time, so memory stays the same for ten rows
 * or a million. Column headers are the import's labels in the reader's language, so a file
 * exported here imports again unchanged.
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

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface MemberExportQuery {
  asOf: IsoDate;
  unitId?: number;
  status?: (typeof LIST_STATUSES)[number];
  columns?: readonly string[];
  format: ExportFormat;
}

/** Units fetched per query, and members per page within them. */
const UNIT_BATCH = 200;
const PAGE = 5000;

interface ExportRow {
  ord: number;
  memberId: number;
  fullName: string;
  values: Record<string, unknown>;
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

/** SQL: the first day of the member's latest run of days in a status, up to the day (spans split on overlays). */
function runStart(status: string, asOf: IsoDate) {
  return sql`(select max(lower(x.valid)) from member_span x where x.member_id = s.member_id
    and x.status = ${status} and lower(x.valid) <= ${asOf}::date
    and not exists (select 1 from member_span y where y.member_id = x.member_id and y.status = ${status}
      and upper(y.valid) = lower(x.valid)))`;
}

async function* memberRows(
  ctx: AppContext,
  units: readonly number[],
  q: MemberExportQuery,
  statuses: readonly string[],
  sensitive: Scope | null,
  columns: readonly string[],
): AsyncGenerator<ExportRow> {
  const wanted = (key: string) => columns.includes(key);
  // Sensitive values only where the reader may see them, row by row.
  const shown = (column: ReturnType<typeof sql>) =>
    sensitive === null
      ? sql`null::text`
      : sql`case when ${unitInScope(sensitive, sql`s.unit_id`, q.asOf)} then ${column} end`;
  for (let i = 0; i < units.length; i += UNIT_BATCH) {
    const batch = units.slice(i, i + UNIT_BATCH);
    let after: { ord: number; name: string; id: number } | null = null;
    for (;;) {
      const page: { rows: ExportRow[] } = await sql<ExportRow>`
        select u.ord::int as ord, s.member_id as "memberId", r.full_name as "fullName",
          jsonb_build_object(
            'id', s.member_id, 'fullName', r.full_name, 'birthName', r.birth_name, 'otherNames', r.other_names,
            'sex', r.sex, 'birthDate', r.birth_date, 'birthPlace', r.birth_place, 'homeTown', r.home_town,
            'residence', r.residence, 'ethnicity', ${shown(sql`r.ethnicity`)}, 'religion', ${shown(sql`r.religion`)},
            'nationalId', ${shown(sql`r.national_id`)}, 'education', r.education, 'profession', r.profession,
            'phone', r.phone, 'email', r.email, 'custom', r.custom,
            'unit', v.code, 'unitName', v.name, 'status', s.status, 'since', lower(s.valid)
          )${
            // The membership dates cost lookups per member (most of an export's time): only when asked.
            wanted('admissionDate')
              ? sql` || jsonb_build_object('admissionDate', (select max(e.event_date) from member_event e
                  where e.member_id = s.member_id and e.type in ('admission', 'readmission') and e.corrected_at is null
                    and e.event_date <= ${q.asOf}::date))`
              : sql``
          }${wanted('ceremonyDate') ? sql` || jsonb_build_object('ceremonyDate', ${runStart('probationary', q.asOf)})` : sql``}${
            wanted('officialDate')
              ? sql` || jsonb_build_object('officialDate', ${runStart('official', q.asOf)})`
              : sql``
          } as values
        from unnest(${batch}::bigint[]) with ordinality as u(unit_id, ord)
        join member_span s on s.unit_id = u.unit_id and s.valid @> ${q.asOf}::date and s.status = any(${[...statuses]}::text[])
        join member_record r on r.member_id = s.member_id and r.superseded_at is null and r.valid @> ${q.asOf}::date
        join unit_version v on v.unit_id = u.unit_id and v.superseded_at is null and v.valid @> ${q.asOf}::date
        ${
          after
            ? sql`where (u.ord, r.full_name collate "C", s.member_id) > (${after.ord}::bigint, ${after.name} collate "C", ${after.id}::bigint)`
            : sql``
        }
        order by u.ord, r.full_name collate "C", s.member_id
        limit ${PAGE}`.execute(ctx.db);
      yield* page.rows;
      if (page.rows.length < PAGE) break;
      const last: ExportRow = page.rows[page.rows.length - 1]!;
      after = { ord: last.ord, name: last.fullName, id: last.memberId };
    }
  }
}

/** A value as a clerk reads it: vocabulary codes and statuses in the reader's language. */
function cellValue(ctx: AppContext, key: string, value: unknown, lang: ApiLanguage): string | number | null {
  if (value === null || value === undefined) return null;
  if (key === 'sex' || key === 'ethnicity' || key === 'religion' || key === 'education') {
    const names = ctx.rules.members.vocabulary(key)?.find((e) => e.code === value)?.names;
    return names?.[lang] ?? names?.en ?? String(value);
  }
  if (key === 'status') return formatReason(`status.${String(value)}`, lang);
  if (typeof value === 'number') return value;
  return String(value);
}

export interface MemberExport {
  fileName: string;
  contentType: string;
  body: Readable;
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
): Promise<MemberExport> {
  const scope = requireScope(actor, 'members.read');
  if (q.unitId !== undefined && !(await isUnitVisible(ctx.db, scope, q.unitId, q.asOf)))
    throw new AppError('unit_not_found', { field: 'unitId', params: { unit: `#${q.unitId}` } });
  const all = exportColumns(ctx, lang);
  const keys = q.columns?.length ? [...q.columns] : all.map((c) => c.key);
  for (const key of keys) {
    const known = all.some((c) => c.key === key);
    if (!known)
      throw new AppError('validation_failed', {
        field: 'columns',
        params: { reason: reason('enum'), value: key },
      });
  }
  const sensitiveScope = scopeFor(actor, 'members.sensitive');
  // Without members.sensitive anywhere, sensitive columns are left out (as from every screen).
  const columns = all
    .filter((c) => keys.includes(c.key))
    .filter((c) => sensitiveScope !== null || !(SENSITIVE_MEMBER_FIELDS as readonly string[]).includes(c.key))
    .sort((a, b) => keys.indexOf(a.key) - keys.indexOf(b.key));
  const statuses = statusesOf(q.status);
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
  const units = await unitsInOrder(ctx, scope, q);
  const rows = memberRows(
    ctx,
    units,
    q,
    statuses,
    sensitiveScope,
    columns.map((c) => c.key),
  );
  const value = (row: ExportRow, key: string) =>
    key.startsWith('custom.')
      ? cellValue(ctx, key, (row.values.custom as Record<string, unknown> | null)?.[key.slice(7)], lang)
      : cellValue(ctx, key, row.values[key], lang);
  const base = `rollbook-members-${q.asOf}`;
  if (q.format === 'csv') {
    async function* lines() {
      yield '\uFEFF' + columns.map((c) => csvCell(c.label)).join(',') + '\r\n';
      for await (const row of rows) yield columns.map((c) => csvCell(value(row, c.key))).join(',') + '\r\n';
    }
    return { fileName: `${base}.csv`, contentType: 'text/csv; charset=utf-8', body: Readable.from(lines()) };
  }
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: true,
  });
  const sheet = workbook.addWorksheet(formatReason('export.members_sheet', lang), {
    views: [{ rightToLeft: lang === 'ar', state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = columns.map((c) => ({
    header: c.label,
    key: c.key,
    width: Math.max(12, c.label.length + 2),
  }));
  void (async () => {
    try {
      let written = 0;
      for await (const row of rows) {
        // The client reads slower than the database answers: wait, rather than hold the file in memory.
        // The client went away: stop reading the register.
        if (out.destroyed) return;
        if ((written += 1) % 1000 === 0 && out.writableNeedDrain)
          await new Promise<void>((resolve) => {
            out.once('drain', () => resolve());
            out.once('close', () => resolve());
          });
        const line: Record<string, unknown> = {};
        for (const c of columns) {
          const v = value(row, c.key);
          // Dates as real dates, so spreadsheets sort and format them.
          line[c.key] =
            typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : v;
        }
        sheet.addRow(line).commit();
      }
      sheet.commit();
      await workbook.commit();
    } catch (error) {
      out.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return {
    fileName: `${base}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    body: out,
  };
}
