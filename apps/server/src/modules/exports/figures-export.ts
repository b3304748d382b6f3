import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  type ApiLanguage,
  AppError,
  FIGURES_REASONS,
  formatReason,
  type IsoDate,
  negotiateLanguage,
  reason,
} from '@rollbook/domain';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/auth.js';
import { IsoDateSchema, ProblemSchema } from '../../http/conventions.js';
import { csvCell } from '../../lib/csv.js';
import { createPdfPrinter, escapeHtml, type PdfPrinter } from '../../lib/pdf-printer.js';
import type { Actor } from '../access/actor.js';
import { recordAudit } from '../audit/audit.service.js';
import { type Count, memberFigures, type MemberFlows } from '../members/members.figures.js';

/**
 * The member figures of a subtree (the figures card of a unit's page) as a file: CSV, an Excel
 * workbook, or a PDF printed from HTML by Chromium — labelled in the reader's language, an Arabic
 * workbook and page right to left (BRIEF capabilities 8 and 10).
 */

export const FIGURES_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type FiguresFormat = (typeof FIGURES_FORMATS)[number];

export interface FiguresExportQuery {
  unitId: number;
  asOf: IsoDate;
  period?: { from: IsoDate; to: IsoDate };
  format: FiguresFormat;
}

export interface FiguresSection {
  key: string;
  title: string;
  rows: Array<{ key: string; label: string; count: number }>;
}

export interface FlowsTable {
  current: { from: IsoDate; to: IsoDate };
  previous: { from: IsoDate; to: IsoDate };
  lastYear: { from: IsoDate; to: IsoDate };
  rows: Array<{ key: string; label: string; current: number; previous: number; lastYear: number }>;
}

/** The figures as labelled rows: what every format writes. */
export interface FiguresTable {
  lang: ApiLanguage;
  unit: { id: number; code: string; name: string };
  asOf: IsoDate;
  period?: { from: IsoDate; to: IsoDate };
  /** When the file was made, in the organization's time zone ("YYYY-MM-DD HH:mm"). */
  producedAt: string;
  sections: FiguresSection[];
  flows?: FlowsTable;
}

/** A label of the figures catalogue, in a language. */
function label(lang: ApiLanguage, key: string, params: Record<string, string> = {}): string {
  return formatReason(`figures.${key}`, lang, params);
}

/** A catalogue label when there is one, else the code itself (a value the catalogue does not know). */
function labelOr(lang: ApiLanguage, key: string, fallback: string): string {
  return FIGURES_REASONS[`figures.${key}`] ? label(lang, key) : fallback;
}

/** The unit's code and name on the day, or (a unit not yet made that day) as it last read. */
async function unitOn(ctx: AppContext, unitId: number, asOf: IsoDate) {
  const rows = await sql<{ code: string; name: string }>`
    select code, name from unit_version where unit_id = ${unitId} and superseded_at is null
    order by valid @> ${asOf}::date desc, upper(valid) desc nulls first limit 1`.execute(ctx.db);
  return rows.rows[0] ?? { code: `#${unitId}`, name: `#${unitId}` };
}

function nowIn(timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/**
 * The figures of the unit's subtree as labelled sections. The scope rule and the numbers are the
 * figures endpoint's own (memberFigures): a unit out of reach is not found, ethnicity and religion
 * come only with members.sensitive over the unit.
 */
export async function figuresTable(
  ctx: AppContext,
  actor: Actor,
  q: Omit<FiguresExportQuery, 'format'>,
  lang: ApiLanguage,
): Promise<FiguresTable> {
  const figures = await memberFigures(ctx, actor, q.unitId, q.asOf, q.period);
  const { stock } = figures;
  const unknownOr = (value: string, name: () => string) =>
    value === 'unknown' ? label(lang, 'unknown') : name();
  const term = (vocabulary: 'sex' | 'ethnicity' | 'religion') => (value: string) =>
    unknownOr(value, () => {
      const names = ctx.rules.members.vocabulary(vocabulary)?.find((e) => e.code === value)?.names;
      return names?.[lang] ?? names?.en ?? value;
    });
  const section = (
    key: string,
    counts: readonly Count[],
    name: (value: string) => string,
  ): FiguresSection => ({
    key,
    title: label(lang, key),
    rows: counts.map((c) => ({ key: c.value, label: name(c.value), count: c.count })),
  });
  const sections: FiguresSection[] = [
    {
      key: 'summary',
      title: label(lang, 'summary'),
      rows: [
        { key: 'members', label: label(lang, 'members'), count: stock.members },
        { key: 'exempted', label: label(lang, 'exempted'), count: stock.exempted },
        { key: 'suspended', label: label(lang, 'suspended'), count: stock.suspended },
        { key: 'inTransit', label: label(lang, 'in_transit'), count: stock.inTransit },
      ],
    },
    section('by_status', stock.byStatus, (v) => labelOr(lang, `status.${v}`, v)),
    section('by_sex', stock.bySex, term('sex')),
    section('by_age', stock.byAgeBand, (v) => unknownOr(v, () => v)),
    ...(stock.byEthnicity ? [section('by_ethnicity', stock.byEthnicity, term('ethnicity'))] : []),
    ...(stock.byReligion ? [section('by_religion', stock.byReligion, term('religion'))] : []),
  ];
  let flows: FlowsTable | undefined;
  if (figures.period) {
    const { current, previous, lastYear } = figures.period;
    const all = [current, previous, lastYear];
    const reasons = [...new Set(all.flatMap((f) => f.exits.map((e) => e.value)))];
    const row = (key: string, text: string, get: (f: MemberFlows) => number) => ({
      key,
      label: text,
      current: get(current),
      previous: get(previous),
      lastYear: get(lastYear),
    });
    const span = (f: MemberFlows) => ({ from: f.from, to: f.to });
    flows = {
      current: span(current),
      previous: span(previous),
      lastYear: span(lastYear),
      rows: [
        row('admissions', label(lang, 'admissions'), (f) => f.admissions),
        row('readmissions', label(lang, 'readmissions'), (f) => f.readmissions),
        row('recognitions', label(lang, 'recognitions'), (f) => f.recognitions),
        row('transfersIn', label(lang, 'transfers_in'), (f) => f.transfersIn),
        row('transfersOut', label(lang, 'transfers_out'), (f) => f.transfersOut),
        ...reasons.map((r) =>
          row(
            `exit:${r}`,
            label(lang, 'exit', { reason: labelOr(lang, `exit.${r}`, r) }),
            (f) => f.exits.find((e) => e.value === r)?.count ?? 0,
          ),
        ),
      ],
    };
  }
  return {
    lang,
    unit: { id: q.unitId, ...(await unitOn(ctx, q.unitId, q.asOf)) },
    asOf: q.asOf,
    ...(q.period && { period: q.period }),
    producedAt: nowIn(ctx.config.timeZone),
    sections,
    ...(flows && { flows }),
  };
}

const range = (p: { from: IsoDate; to: IsoDate }) => `${p.from} – ${p.to}`;

/** The heading lines every format starts with: unit, day, period, when it was made. */
function heading(t: FiguresTable): Array<[string, string]> {
  return [
    [label(t.lang, 'unit'), `${t.unit.name} (${t.unit.code})`],
    [label(t.lang, 'as_of'), t.asOf],
    ...(t.period ? [[label(t.lang, 'period'), range(t.period)] as [string, string]] : []),
    [label(t.lang, 'produced'), t.producedAt],
  ];
}

/** The column headings of the flows table, each period with its dates. */
function flowHeadings(t: FiguresTable, flows: FlowsTable): string[] {
  const l = (key: string) => label(t.lang, key);
  return [
    `${l('current')} (${range(flows.current)})`,
    `${l('previous')} (${range(flows.previous)})`,
    l('change'),
    `${l('last_year')} (${range(flows.lastYear)})`,
    l('change'),
  ];
}

/**
 * CSV: the heading lines, then one line per count (section, item, count), then the flows table
 * with its own header. Blank lines between the blocks; a BOM so spreadsheets read UTF-8.
 */
export function figuresCsv(t: FiguresTable): string {
  const line = (cells: unknown[]) => cells.map(csvCell).join(',') + '\r\n';
  let out = '\uFEFF' + line([label(t.lang, 'title')]);
  for (const [name, value] of heading(t)) out += line([name, value]);
  out += '\r\n' + line([label(t.lang, 'section'), label(t.lang, 'item'), label(t.lang, 'count')]);
  for (const s of t.sections) for (const r of s.rows) out += line([s.title, r.label, r.count]);
  if (t.flows) {
    out += '\r\n' + line([label(t.lang, 'flows'), ...flowHeadings(t, t.flows)]);
    for (const r of t.flows.rows)
      out += line([
        r.label,
        r.current,
        r.previous,
        r.current - r.previous,
        r.lastYear,
        r.current - r.lastYear,
      ]);
  }
  return out;
}

/** An Excel workbook: one sheet, the heading on top, a block per section, right to left in Arabic. */
export async function figuresXlsx(t: FiguresTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(label(t.lang, 'sheet'), {
    views: [{ rightToLeft: t.lang === 'ar' }],
  });
  sheet.columns = [{ width: 40 }, { width: 26 }, { width: 26 }, { width: 12 }, { width: 30 }, { width: 12 }];
  const bold = { bold: true } as const;
  const title = sheet.addRow([label(t.lang, 'title')]);
  title.font = { bold: true, size: 14 };
  for (const [name, value] of heading(t)) sheet.addRow([name, value]).getCell(1).font = bold;
  const signed = '+0;-0;0';
  for (const s of t.sections) {
    sheet.addRow([]);
    const head = sheet.addRow([s.title, label(t.lang, 'count')]);
    head.font = bold;
    head.getCell(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
    head.getCell(2).fill = head.getCell(1).fill;
    for (const r of s.rows) sheet.addRow([r.label, r.count]);
  }
  if (t.flows) {
    sheet.addRow([]);
    const head = sheet.addRow([label(t.lang, 'flows'), ...flowHeadings(t, t.flows)]);
    head.font = bold;
    head.alignment = { wrapText: true, vertical: 'top' };
    for (const r of t.flows.rows) {
      const row = sheet.addRow([
        r.label,
        r.current,
        r.previous,
        r.current - r.previous,
        r.lastYear,
        r.current - r.lastYear,
      ]);
      row.getCell(4).numFmt = signed;
      row.getCell(6).numFmt = signed;
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** System fonts that hold every script the brief names; Chromium falls back along the list per glyph. */
const FONTS = `'Noto Sans', 'Noto Sans Arabic', 'Noto Sans Devanagari', 'DejaVu Sans', sans-serif`;
const FONTS_AR = `'Noto Sans Arabic', 'Noto Sans', 'Noto Sans Devanagari', 'DejaVu Sans', sans-serif`;

const STYLE = `
@page { size: A4; margin: 15mm 12mm; }
html { font-family: ${FONTS}; font-size: 10pt; color: #111; }
html[lang='ar'] { font-family: ${FONTS_AR}; }
body { margin: 0; }
h1 { font-size: 16pt; margin: 0 0 3mm; }
h2 { font-size: 11.5pt; margin: 0 0 1.5mm; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 5mm; margin: 0 0 6mm; }
dl.meta dt { color: #555; }
dl.meta dd { margin: 0; font-weight: 600; }
.sections { display: grid; grid-template-columns: 1fr 1fr; gap: 5mm 8mm; }
section { break-inside: avoid; }
section.flows { margin-top: 6mm; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 1.2mm 2mm; border-bottom: 0.3pt solid #ccc; text-align: start; vertical-align: top; }
thead th { background: #f0f0f0; font-weight: 600; }
.n { text-align: end; font-variant-numeric: tabular-nums; white-space: nowrap; }
th small { display: block; color: #555; font-weight: 400; }
.up { color: #08735a; }
.down { color: #b3261e; }
`;

/**
 * The figures as a self-contained, printable HTML page: every value escaped, styles inline, no
 * script and no network (a Content-Security-Policy says so), `lang` and `dir` set so Chromium picks
 * the fonts and the direction of the reader's language. Dates and numbers as the web shows them.
 */
export function figuresHtml(t: FiguresTable): string {
  const e = escapeHtml;
  const dir = t.lang === 'ar' ? 'rtl' : 'ltr';
  const numbers = new Intl.NumberFormat(t.lang);
  const n = (v: number) => numbers.format(v);
  const dates = new Intl.DateTimeFormat(t.lang, { dateStyle: 'medium', timeZone: 'UTC' });
  const date = (d: IsoDate) => dates.format(new Date(`${d}T00:00:00Z`));
  const dateRange = (p: { from: IsoDate; to: IsoDate }) => `${date(p.from)} – ${date(p.to)}`;
  const l = (key: string) => e(label(t.lang, key));
  const change = (v: number) =>
    // dir=ltr: the sign stays before the number on a right-to-left page.
    `<td class="n ${v > 0 ? 'up' : v < 0 ? 'down' : ''}"><bdi dir="ltr">${e(v > 0 ? `+${n(v)}` : n(v))}</bdi></td>`;
  const meta: Array<[string, string]> = [
    [l('unit'), `<bdi>${e(t.unit.name)}</bdi> (<bdi>${e(t.unit.code)}</bdi>)`],
    [l('as_of'), e(date(t.asOf))],
    ...(t.period ? [[l('period'), e(dateRange(t.period))] as [string, string]] : []),
    [l('produced'), `<bdi>${e(t.producedAt)}</bdi>`],
  ];
  const sections = t.sections
    .map(
      (s) => `<section data-section="${e(s.key)}"><h2>${e(s.title)}</h2><table>
<thead><tr><th></th><th class="n">${l('count')}</th></tr></thead><tbody>
${s.rows.map((r) => `<tr><td><bdi>${e(r.label)}</bdi></td><td class="n">${e(n(r.count))}</td></tr>`).join('\n')}
</tbody></table></section>`,
    )
    .join('\n');
  const f = t.flows;
  const flows = f
    ? `<section class="flows" data-section="flows"><h2>${l('flows')}</h2><table>
<thead><tr><th></th>
<th class="n">${l('current')}<small>${e(dateRange(f.current))}</small></th>
<th class="n">${l('previous')}<small>${e(dateRange(f.previous))}</small></th>
<th class="n">${l('change')}</th>
<th class="n">${l('last_year')}<small>${e(dateRange(f.lastYear))}</small></th>
<th class="n">${l('change')}</th></tr></thead><tbody>
${f.rows
  .map(
    (r) =>
      `<tr><td>${e(r.label)}</td><td class="n"><b>${e(n(r.current))}</b></td><td class="n">${e(n(r.previous))}</td>${change(
        r.current - r.previous,
      )}<td class="n">${e(n(r.lastYear))}</td>${change(r.current - r.lastYear)}</tr>`,
  )
  .join('\n')}
</tbody></table></section>`
    : '';
  return `<!doctype html>
<html lang="${e(t.lang)}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${l('title')} — ${e(t.unit.name)} — ${e(t.asOf)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${l('title')}</h1>
<dl class="meta">
${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('\n')}
</dl>
<div class="sections">
${sections}
</div>
${flows}
</body>
</html>
`;
}

export interface FiguresFile {
  fileName: string;
  contentType: string;
  body: Buffer;
}

/** An ASCII file name (a header value): the unit's code where it is plain, else its number. */
function fileName(t: FiguresTable, ext: string): string {
  const code = /^[A-Za-z0-9._-]{1,40}$/.test(t.unit.code) ? t.unit.code : String(t.unit.id);
  return `rollbook-figures-${code}-${t.asOf}.${ext}`;
}

/**
 * An export of a unit's figures: the figures endpoint's numbers (and its scope rule), labelled,
 * written in the format asked, recorded in the audit trail (PDFs printed by `printer`).
 */
export async function exportFigures(
  ctx: AppContext,
  actor: Actor,
  q: FiguresExportQuery,
  lang: ApiLanguage,
  printer: PdfPrinter,
): Promise<FiguresFile> {
  if (q.period && q.period.to < q.period.from)
    throw new AppError('validation_failed', { field: 'to', params: { reason: reason('minimum') } });
  const table = await figuresTable(ctx, actor, q, lang);
  await ctx.db.transaction().execute((trx) =>
    recordAudit(trx, actor, {
      action: 'figures.export',
      entity: { type: 'unit', id: q.unitId },
      unitIds: [q.unitId],
      after: {
        asOf: q.asOf,
        ...(q.period && { from: q.period.from, to: q.period.to }),
        format: q.format,
        sensitive: table.sections.some((s) => s.key === 'by_ethnicity' || s.key === 'by_religion'),
      },
    }),
  );
  if (q.format === 'csv')
    return {
      fileName: fileName(table, 'csv'),
      contentType: 'text/csv; charset=utf-8',
      body: Buffer.from(figuresCsv(table), 'utf8'),
    };
  if (q.format === 'xlsx')
    return {
      fileName: fileName(table, 'xlsx'),
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body: await figuresXlsx(table),
    };
  return {
    fileName: fileName(table, 'pdf'),
    contentType: 'application/pdf',
    body: await printer.print(figuresHtml(table)),
  };
}

/** GET /exports/figures: the figures of a unit's subtree as CSV, XLSX or PDF (issue 5). */
export function figuresExportRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // One browser for the server's PDFs, started on the first one, closed with the server.
    const printer = createPdfPrinter(ctx.config.chromiumPath);
    app.addHook('onClose', async () => printer.close());

    app.get(
      '/exports/figures',
      {
        config: { access: 'members.read' },
        // A link cannot set Accept-Language: ?lang= words the refusals too.
        onRequest: async (request) => {
          const lang = (request.query as { lang?: unknown } | undefined)?.lang;
          if (typeof lang === 'string' && lang) request.headers['accept-language'] = lang;
        },
        schema: {
          tags: ['imports'],
          summary: 'The member figures of a subtree as of a date (and a period’s flows) as CSV, XLSX or PDF',
          description:
            'The numbers of GET /units/{id}/member-figures, labelled in the language of `lang` (or ' +
            'Accept-Language): unit, date and when it was produced on top, then a block per table, and the ' +
            'flows of the period against the period before and last year when from/to are given. An Arabic ' +
            'workbook and page read right to left. PDFs are printed by the server’s Chromium ' +
            '(ROLLBOOK_CHROMIUM_PATH); without it the answer is 503 pdf_unavailable. Recorded in the audit trail.',
          querystring: Type.Object({
            unitId: Type.Integer({ minimum: 1 }),
            asOf: Type.Optional(IsoDateSchema),
            from: Type.Optional(IsoDateSchema),
            to: Type.Optional(IsoDateSchema),
            format: Type.Optional(Type.Union(FIGURES_FORMATS.map((f) => Type.Literal(f)) as never)),
            lang: Type.Optional(
              Type.String({ description: 'The language of labels (a link cannot set Accept-Language).' }),
            ),
          }),
          produces: [
            'text/csv',
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            'application/pdf',
          ],
          response: {
            200: Type.String({ description: 'The file.' }),
            400: ProblemSchema,
            401: ProblemSchema,
            403: ProblemSchema,
            404: ProblemSchema,
            503: ProblemSchema,
          },
        },
      },
      async (request, reply) => {
        const q = request.query as {
          unitId: number;
          asOf?: IsoDate;
          from?: IsoDate;
          to?: IsoDate;
          format?: FiguresFormat;
          lang?: string;
        };
        if ((q.from === undefined) !== (q.to === undefined))
          throw new AppError('validation_failed', {
            field: q.from === undefined ? 'from' : 'to',
            params: { reason: reason('required') },
          });
        const lang = negotiateLanguage(q.lang ?? request.headers['accept-language']);
        const file = await exportFigures(
          ctx,
          actorOf(request),
          {
            unitId: q.unitId,
            asOf: q.asOf ?? ctx.today(),
            ...(q.from && q.to && { period: { from: q.from, to: q.to } }),
            format: q.format ?? 'csv',
          },
          lang,
          printer,
        );
        reply
          .type(file.contentType)
          .header('content-language', lang)
          .header('content-disposition', `attachment; filename="${file.fileName}"`);
        return reply.send(file.body as never);
      },
    );
  };
}
