import {
  type ApiLanguage,
  AppError,
  type IsoDate,
  MEMBER_COUNTED_STATUSES,
  UNIT_FIELDS,
} from '@rollbook/domain';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requireScope, type Scope, scopeFor } from '../access/actor.js';
import { isUnitVisible, pathInScope } from '../access/scope.js';
import { recordAudit } from '../audit/audit.service.js';
import {
  type Cell,
  chooseColumns,
  type ExportColumn,
  type ExportFile,
  type ExportFormat,
  writeExport,
} from './spreadsheet.js';

/**
 * Streams the unit tree of a subtree as it stood on a day (BRIEF capability 8), a page of units
 * at a time in path order, so a parent always comes before its children. The headers are the
 * unit fields' labels (UNIT_FIELDS), which a units import will read back.
 */

/** Columns beyond the import's fields: where the unit stands, and how many members it holds. */
const EXTRA_COLUMNS: Record<string, Record<ApiLanguage, string>> = {
  id: { en: 'Unit number', vi: 'Số hiệu tổ chức', ar: 'رقم الوحدة' },
  parentName: { en: 'Parent unit', vi: 'Tổ chức cấp trên', ar: 'الوحدة الأم' },
  path: { en: 'Path (codes)', vi: 'Đường dẫn (mã)', ar: 'المسار (الرموز)' },
  depth: { en: 'Level', vi: 'Cấp', ar: 'المستوى' },
  memberCount: { en: 'Members', vi: 'Số đảng viên', ar: 'عدد الأعضاء' },
};

const SHEET: Record<ApiLanguage, string> = { en: 'Units', vi: 'Tổ chức', ar: 'الوحدات' };

/** Every column a unit export may hold, in the order they are written when none are chosen. */
export function unitExportColumns(lang: ApiLanguage): ExportColumn[] {
  const field = (key: string) => {
    const f = UNIT_FIELDS.find((u) => u.key === key)!;
    return { key, label: f.labels[lang] };
  };
  const extra = (key: string) => ({ key, label: EXTRA_COLUMNS[key]![lang] });
  return [
    field('code'),
    field('name'),
    field('kind'),
    field('parent'),
    extra('parentName'),
    extra('path'),
    extra('depth'),
    field('validFrom'),
    field('validUntil'),
    extra('memberCount'),
    extra('id'),
  ];
}

export interface UnitExportQuery {
  asOf: IsoDate;
  unitId?: number;
  columns?: readonly string[];
  format: ExportFormat;
  /** Units per query (tests make it small to cross pages). */
  pageSize?: number;
}

/** Units per query: each finds the subtree's rows by index and sorts them by path. */
const PAGE = 2000;

interface UnitRow {
  id: number;
  parentId: number | null;
  path: string;
  depth: number;
  code: string;
  name: string;
  kind: string;
  parent: string | null;
  parentName: string | null;
  codes: string | null;
  validFrom: string;
  validUntil: string | null;
  memberCount: number | null;
}

async function* unitRows(
  ctx: AppContext,
  scope: Scope,
  q: UnitExportQuery,
  members: Scope | null,
  wanted: (key: string) => boolean,
): AsyncGenerator<UnitRow> {
  const size = q.pageSize ?? PAGE;
  let after: string | null = null;
  /** The first day written for each unit so far: a child's is never before its parent's. */
  const from = new Map<number, string>();
  for (;;) {
    const page: { rows: UnitRow[] } = await sql<UnitRow>`
      select t.unit_id as id, v.parent_id as "parentId", t.path::text as path, nlevel(t.path)::int as depth, v.code, v.name, v.kind,
        p.code as parent, p.name as "parentName",
        lower(v.valid)::text as "validFrom", upper(v.valid)::text as "validUntil",
        ${
          // The codes of every unit on the path: a lookup per level, only when asked for.
          wanted('path')
            ? sql`(select string_agg(a.code, '/' order by l.ord) from unnest(string_to_array(t.path::text, '.'))
                with ordinality as l (id, ord)
                join unit_version a on a.unit_id = l.id::bigint and a.superseded_at is null and a.valid @> ${q.asOf}::date)`
            : sql`null::text`
        } as codes,
        ${
          // Members counted where they stand that day, in bulk with the page; only where the reader
          // may read members.
          wanted('memberCount') && members
            ? sql`case when ${pathInScope(members, sql`t.path`, q.asOf)} then (select count(*)::int from member_span s
                where s.unit_id = t.unit_id and s.valid @> ${q.asOf}::date
                  and s.status = any(${[...MEMBER_COUNTED_STATUSES]}::text[])) end`
            : sql`null::int`
        } as "memberCount"
      from unit_tree t
      join unit_version v on v.unit_id = t.unit_id and v.superseded_at is null and v.valid @> ${q.asOf}::date
      left join unit_version p on p.unit_id = t.parent_id and p.superseded_at is null and p.valid @> ${q.asOf}::date
      where t.valid @> ${q.asOf}::date and ${pathInScope(scope, sql`t.path`, q.asOf)}
        ${
          q.unitId === undefined
            ? sql``
            : sql`and t.path <@ (select a.path from unit_tree a where a.unit_id = ${q.unitId} and a.valid @> ${q.asOf}::date)`
        }
        ${after === null ? sql`` : sql`and t.path > ${after}::ltree`}
      order by t.path
      limit ${size}`.execute(ctx.db);
    await spanOfStanding(ctx, page.rows, from);
    yield* page.rows;
    if (page.rows.length < size) return;
    after = page.rows[page.rows.length - 1]!.path;
  }
}

/**
 * Replaces each row's dates (those of the unit's version on the day asked) by the days the unit
 * stood as that row says — under the same parent, of the same kind — so that a units import of the
 * file rebuilds the tree: a rename or a new code is not a new unit, and a planned rename does not
 * end it. A child's first day is never before its parent's (a unit moved under a parent made later
 * is written from the day it joined it). Versions are read for a page of units at once.
 */
async function spanOfStanding(ctx: AppContext, rows: UnitRow[], from: Map<number, string>): Promise<void> {
  if (rows.length === 0) return;
  const versions = await sql<{
    unitId: number;
    lower: string;
    upper: string | null;
    parentId: number | null;
    kind: string;
  }>`select unit_id as "unitId", lower(valid)::text as lower, upper(valid)::text as upper, parent_id as "parentId", kind
    from unit_version where unit_id = any(${rows.map((r) => r.id)}::bigint[]) and superseded_at is null
    order by unit_id, lower(valid)`.execute(ctx.db);
  const byUnit = new Map<number, typeof versions.rows>();
  for (const v of versions.rows) {
    const list = byUnit.get(Number(v.unitId)) ?? [];
    list.push(v);
    byUnit.set(Number(v.unitId), list);
  }
  for (const row of rows) {
    const list = byUnit.get(Number(row.id)) ?? [];
    const at = list.findIndex((v) => v.lower === row.validFrom);
    if (at < 0) continue;
    const same = (v: (typeof list)[number]) =>
      (v.parentId === null ? null : Number(v.parentId)) ===
        (row.parentId === null ? null : Number(row.parentId)) && v.kind === row.kind;
    // Walk back over versions that touch and say the same, then forward likewise.
    let first = at;
    while (first > 0 && list[first - 1]!.upper === list[first]!.lower && same(list[first - 1]!)) first -= 1;
    let last = at;
    while (last + 1 < list.length && list[last]!.upper === list[last + 1]!.lower && same(list[last + 1]!))
      last += 1;
    const parentFrom = row.parentId === null ? undefined : from.get(Number(row.parentId));
    const start = list[first]!.lower;
    row.validFrom = parentFrom !== undefined && parentFrom > start ? parentFrom : start;
    row.validUntil = list[last]!.upper;
    from.set(Number(row.id), row.validFrom);
  }
}

/**
 * Starts a unit export: checks the scope and the columns, records it in the audit trail, and
 * answers a stream that reads the tree page by page.
 */
export async function exportUnits(
  ctx: AppContext,
  actor: Actor,
  q: UnitExportQuery,
  lang: ApiLanguage,
): Promise<ExportFile> {
  const scope = requireScope(actor, 'units.read');
  if (q.unitId !== undefined && !(await isUnitVisible(ctx.db, scope, q.unitId, q.asOf)))
    throw new AppError('unit_not_found', { field: 'unitId', params: { unit: `#${q.unitId}` } });
  const members = scopeFor(actor, 'members.read');
  // Without members.read anywhere, the member count is left out, as from the unit screens.
  const columns = chooseColumns(unitExportColumns(lang), q.columns).filter(
    (c) => members !== null || c.key !== 'memberCount',
  );
  const wanted = (key: string) => columns.some((c) => c.key === key);
  await ctx.db.transaction().execute((trx) =>
    recordAudit(trx, actor, {
      action: 'units.export',
      entity: { type: 'unit', id: null },
      unitIds: q.unitId !== undefined ? [q.unitId] : scope.all ? [] : [...scope.roots],
      after: { asOf: q.asOf, columns: columns.map((c) => c.key), format: q.format },
    }),
  );
  async function* rows(): AsyncGenerator<Record<string, Cell>> {
    for await (const u of unitRows(ctx, scope, q, members, wanted))
      yield {
        id: u.id,
        code: u.code,
        name: u.name,
        kind: ctx.rules.name(u.kind, lang),
        parent: u.parent,
        parentName: u.parentName,
        path: u.codes,
        depth: u.depth,
        validFrom: u.validFrom,
        validUntil: u.validUntil,
        memberCount: u.memberCount,
      };
  }
  return writeExport({
    base: `rollbook-units-${q.asOf}`,
    format: q.format,
    lang,
    sheetName: SHEET[lang],
    columns,
    rows: rows(),
  });
}
