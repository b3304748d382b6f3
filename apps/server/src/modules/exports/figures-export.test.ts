import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../http/app.js';
import { createPdfPrinter, type PdfPrinter } from '../../lib/pdf-printer.js';
import { memberVersion } from '../members/members.repository.js';
import type { MemberFigures } from '../members/members.figures.js';
import { recordEvent } from '../members/members.service.js';
import { createTestApp, signedInUser } from '../../test/test-app.js';
import { buildMember, buildSmallTree, buildUnit, TEST_OPERATOR } from '../../test/test-context.js';
import { figuresHtml, figuresTable } from './figures-export.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) console.warn(`figures-export.test: ${CHROMIUM} is missing, so the PDF cases are skipped`);

/** A unit name in four scripts: Vietnamese, Arabic, Persian, Hindi (Devanagari). */
const PARTS = {
  vi: 'Chi bộ Phường Đống Đa',
  ar: 'فرع القاهرة',
  fa: 'شاخه تهران',
  hi: 'दिल्ली शाखा',
} as const;
const MIXED_NAME = Object.values(PARTS).join(' · ');

let t: Awaited<ReturnType<typeof createTestApp>>;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;
let mixed: number;
let otherCell: number;
const PERIOD = 'from=2026-01-01&to=2026-06-30';

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
  mixed = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: MIXED_NAME, code: 'MIX1' });
  const otherCommune = await buildUnit(t.ctx, { kind: 'commune', parentId: tree.province, name: 'Xã khác' });
  otherCell = await buildUnit(t.ctx, {
    kind: 'grassroots_cell',
    parentId: otherCommune,
    name: 'Chi bộ khác',
  });
  const hoa = await buildMember(t.ctx, {
    unitId: mixed,
    fullName: 'Nguyễn Thị Hoà',
    sex: 'female',
    birthDate: '1990-05-15',
    admitted: '2020-03-02',
    official: true,
  });
  await sql`update member_record set ethnicity = 'kinh', religion = 'buddhism' where member_id = ${hoa}`.execute(
    t.ctx.db,
  );
  await buildMember(t.ctx, {
    unitId: mixed,
    fullName: 'Trần Văn Bình',
    birthDate: '1994-01-01',
    admitted: '2026-02-10',
  });
  await buildMember(t.ctx, {
    unitId: mixed,
    fullName: 'Đỗ Văn Cường',
    birthDate: '1958-01-01',
    admitted: '2005-03-02',
    official: true,
  });
  await buildMember(t.ctx, {
    unitId: tree.cellA,
    fullName: 'Lê Thị Cúc',
    sex: 'female',
    admitted: '2025-03-03',
  });
  const gone = await buildMember(t.ctx, {
    unitId: tree.cellB,
    fullName: 'Phạm Văn Dũng',
    admitted: '2019-05-06',
  });
  await recordEvent(t.ctx, TEST_OPERATOR, gone, (await memberVersion(t.ctx.db, gone))!, {
    type: 'death',
    date: '2026-04-01',
  });
  await buildMember(t.ctx, { unitId: otherCell, fullName: 'Võ Văn Xa', admitted: '2021-01-04' });
});
afterAll(async () => t?.close());

async function figuresOf(unitId: number, query: string): Promise<MemberFigures> {
  const res = await t.inject({ method: 'GET', url: `/api/v1/units/${unitId}/member-figures?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as MemberFigures;
}

function csvLines(body: string): string[][] {
  return parse(body.replace(/^\uFEFF/, ''), {
    relax_column_count: true,
    skip_empty_lines: true,
  }) as string[][];
}

describe('exporting member figures', () => {
  it('writes the figures endpoint’s numbers as CSV: heading, a line per count, the flows', async () => {
    const query = `asOf=2026-11-25&${PERIOD}`;
    const figures = await figuresOf(tree.committee, query);
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/figures?unitId=${tree.committee}&${query}&format=csv`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(
      /attachment; filename="rollbook-figures-.*-2026-11-25\.csv"/,
    );
    const lines = csvLines(res.body);
    expect(lines[0]).toEqual(['Member figures']);
    expect(lines).toContainEqual(['Unit', expect.stringContaining('Đảng bộ Trường THPT')]);
    expect(lines).toContainEqual(['As of', '2026-11-25']);
    expect(lines).toContainEqual(['Period', '2026-01-01 – 2026-06-30']);
    expect(lines.find((l) => l[0] === 'Produced on')?.[1]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    const count = (section: string, item: string) =>
      Number(lines.find((l) => l[0] === section && l[1] === item)?.[2]);
    const { stock } = figures;
    expect(stock.members).toBe(4);
    expect(count('Summary', 'Members')).toBe(stock.members);
    expect(count('Summary', 'Exempted')).toBe(stock.exempted);
    for (const s of stock.byStatus)
      expect(count('By status', s.value[0]!.toUpperCase() + s.value.slice(1))).toBe(s.count);
    expect(count('By sex', 'Female')).toBe(stock.bySex.find((s) => s.value === 'female')!.count);
    expect(count('By sex', 'Male')).toBe(stock.bySex.find((s) => s.value === 'male')!.count);
    for (const band of stock.byAgeBand) expect(count('By age', band.value)).toBe(band.count);
    // The administrator holds members.sensitive: ethnicity and religion are there.
    expect(count('By ethnicity', 'Kinh')).toBe(1);
    expect(lines.some((l) => l[0] === 'By religion')).toBe(true);

    const flowsAt = lines.findIndex((l) => l[0] === 'Changes in the period');
    expect(lines[flowsAt]).toEqual([
      'Changes in the period',
      'This period (2026-01-01 – 2026-06-30)',
      'Period before (2025-07-01 – 2025-12-31)',
      'Change',
      'Same period last year (2025-01-01 – 2025-06-30)',
      'Change',
    ]);
    const flow = (item: string) =>
      lines
        .slice(flowsAt + 1)
        .find((l) => l[0] === item)!
        .slice(1)
        .map(Number);
    const p = figures.period!;
    expect(flow('Admissions')).toEqual([
      p.current.admissions,
      p.previous.admissions,
      p.current.admissions - p.previous.admissions,
      p.lastYear.admissions,
      p.current.admissions - p.lastYear.admissions,
    ]);
    expect(p.current.admissions).toBe(1);
    expect(flow('Left: deceased')[0]).toBe(1);

    const audit = await t.inject({ method: 'GET', url: '/api/v1/audit?action=figures.export' });
    expect((audit.json() as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(1);
  });

  it('labels in the reader’s language: Vietnamese from ?lang, a link’s way', async () => {
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/figures?unitId=${tree.committee}&asOf=2026-11-25&${PERIOD}&lang=vi`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const lines = csvLines(res.body);
    expect(lines[0]).toEqual(['Số liệu đảng viên']);
    expect(lines).toContainEqual(['Tổng hợp', 'Đảng viên', '4']);
    expect(lines).toContainEqual(['Theo giới tính', 'Nữ', '2']);
    expect(lines.some((l) => l[0] === 'Ra khỏi Đảng: từ trần')).toBe(true);
  });

  it('writes an Excel workbook, right to left in Arabic, a block per table', async () => {
    const query = `asOf=2026-11-25&${PERIOD}`;
    const figures = await figuresOf(mixed, query);
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/figures?unitId=${mixed}&${query}&format=xlsx`,
      headers: { 'accept-language': 'ar' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    expect(res.headers['content-disposition']).toMatch(/rollbook-figures-MIX1-2026-11-25\.xlsx/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.name).toBe('الأرقام');
    expect(sheet.views[0]?.rightToLeft).toBe(true);
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(['أرقام الأعضاء']);
    expect(rows).toContainEqual(['الوحدة', `${MIXED_NAME} (MIX1)`]);
    expect(rows).toContainEqual(['بتاريخ', '2026-11-25']);
    expect(rows.find((r) => r[0] === 'تاريخ الإعداد')).toBeDefined();
    // Each section: its title and "count", then its rows.
    const block = (title: string) => {
      const at = rows.findIndex((r) => r[0] === title);
      expect(at, title).toBeGreaterThan(0);
      expect(rows[at]![1]).toBe('العدد');
      const out: unknown[][] = [];
      for (let i = at + 1; i < rows.length && rows[i]!.length === 2 && rows[i]![1] !== 'العدد'; i += 1)
        out.push(rows[i]!);
      return out;
    };
    expect(block('ملخص')[0]).toEqual(['الأعضاء', figures.stock.members]);
    expect(block('حسب الجنس')).toEqual(
      figures.stock.bySex.map((s) => [s.value === 'female' ? 'أنثى' : 'ذكر', s.count]),
    );
    expect(block('حسب الحالة')).toEqual(
      figures.stock.byStatus.map((s) => [
        { probationary: 'تحت الاختبار', official: 'رسمي' }[s.value],
        s.count,
      ]),
    );
    expect(block('حسب العمر').map((r) => r[1])).toEqual(figures.stock.byAgeBand.map((b) => b.count));
    const flows = rows.findIndex((r) => r[0] === 'التغيرات خلال الفترة');
    expect(rows[flows + 1]).toEqual([
      'القبول',
      figures.period!.current.admissions,
      figures.period!.previous.admissions,
      figures.period!.current.admissions - figures.period!.previous.admissions,
      figures.period!.lastYear.admissions,
      figures.period!.current.admissions - figures.period!.lastYear.admissions,
    ]);
  });

  it('stays inside the reader’s scope; ethnicity and religion only with members.sensitive', async () => {
    const viewer = await signedInUser(t.ctx, [{ role: 'viewer', unitId: tree.commune }]);
    const mine = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/figures?unitId=${tree.committee}&asOf=2026-11-25`,
      headers: viewer.headers,
    });
    expect(mine.statusCode, mine.body).toBe(200);
    const sections = new Set(csvLines(mine.body).map((l) => l[0]));
    expect(sections).toContain('By sex');
    expect(sections).not.toContain('By ethnicity');
    expect(sections).not.toContain('By religion');

    const officer = await signedInUser(t.ctx, [{ role: 'administrator', unitId: tree.commune }]);
    const sensitive = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/figures?unitId=${tree.committee}&asOf=2026-11-25`,
      headers: officer.headers,
    });
    expect(new Set(csvLines(sensitive.body).map((l) => l[0]))).toContain('By ethnicity');

    for (const format of ['csv', 'xlsx', 'pdf']) {
      const other = await t.inject({
        method: 'GET',
        url: `/api/v1/exports/figures?unitId=${otherCell}&format=${format}`,
        headers: viewer.headers,
      });
      expect(other.statusCode, format).toBe(404);
    }
    const anonymous = await t.app.inject({
      method: 'GET',
      url: `/api/v1/exports/figures?unitId=${tree.committee}`,
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses bad input with a localized 400 naming the field', async () => {
    const ask = (query: string, lang = 'vi') =>
      t.inject({
        method: 'GET',
        url: `/api/v1/exports/figures?${query}`,
        headers: { 'accept-language': lang },
      });
    const noTo = await ask(`unitId=${tree.committee}&from=2026-01-01`);
    expect(noTo.statusCode).toBe(400);
    expect(noTo.json()).toMatchObject({ code: 'validation_failed', field: 'to' });
    expect((noTo.json() as { detail: string }).detail).toMatch(/bắt buộc/);
    const noFrom = await ask(`unitId=${tree.committee}&to=2026-01-01`, 'en');
    expect(noFrom.json()).toMatchObject({ code: 'validation_failed', field: 'from' });
    const backwards = await ask(`unitId=${tree.committee}&from=2026-06-01&to=2026-01-01`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ field: 'to' });
    const badDate = await ask(`unitId=${tree.committee}&asOf=2026-02-30`, 'ar');
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json()).toMatchObject({ code: 'invalid_date', field: 'asOf' });
    expect((badDate.json() as { detail: string }).detail).toMatch(/[\u0600-\u06FF]/);
    const badFormat = await ask(`unitId=${tree.committee}&format=docx`);
    expect(badFormat.statusCode).toBe(400);
    expect(badFormat.json()).toMatchObject({ code: 'validation_failed', field: 'format' });
    const noUnit = await ask('format=csv');
    expect(noUnit.statusCode).toBe(400);
    expect(noUnit.json()).toMatchObject({ field: 'unitId' });
    // ?lang words the refusal too (a link cannot set Accept-Language).
    const linked = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/figures?unitId=${tree.committee}&from=2026-01-01&lang=vi`,
    });
    expect((linked.json() as { detail: string }).detail).toMatch(/bắt buộc/);
  });

  it('escapes every value it puts in the HTML page', () => {
    const html = figuresHtml({
      lang: 'en',
      unit: { id: 7, code: '"><x', name: '<script>alert(1)</script> & <b>' },
      asOf: '2026-01-01',
      producedAt: '2026-01-01 10:00',
      sections: [
        {
          key: 'by_sex',
          title: 'By <sex>',
          rows: [{ key: 'x', label: "<img src=x onerror='1'>", count: 1 }],
        },
      ],
    });
    expect(html).not.toMatch(/<script|<img|<x/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;');
    expect(html).toContain('&quot;&gt;&lt;x');
    expect(html).toContain('&lt;img src=x onerror=&#39;1&#39;&gt;');
    expect(html).toContain('<html lang="en" dir="ltr">');
  });

  it('answers 503 pdf_unavailable, in words, when Chromium is missing; CSV still works', async () => {
    // The same database, a server whose Chromium is not there.
    const app = await buildApp(
      { ...t.ctx, config: { ...t.ctx.config, chromiumPath: '/nonexistent/chromium' } },
      {
        serveWeb: false,
      },
    );
    try {
      const pdf = await app.inject({
        method: 'GET',
        url: `/api/v1/exports/figures?unitId=${tree.committee}&format=pdf`,
        headers: { ...t.admin.headers, 'accept-language': 'vi' },
      });
      expect(pdf.statusCode).toBe(503);
      expect(pdf.json()).toMatchObject({ code: 'pdf_unavailable' });
      expect((pdf.json() as { detail: string }).detail).toMatch(/Máy chủ.*Chromium/);
      const csv = await app.inject({
        method: 'GET',
        url: `/api/v1/exports/figures?unitId=${tree.committee}`,
        headers: t.admin.headers,
      });
      expect(csv.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

// In-page scripts, as text: the server's TypeScript has no DOM types.
/** Splits the unit's name into a span per script (same styles) and adds the controls after the heading. */
const SPLIT_NAME = `({ name, parts, controls }) => {
  const holder = [...document.querySelectorAll('bdi')].find((b) => b.textContent === name);
  holder.textContent = '';
  for (const [key, text] of Object.entries(parts)) {
    const span = document.createElement('span');
    span.dataset.probe = key;
    span.textContent = text;
    if (holder.childNodes.length) holder.append(' · ');
    holder.append(span);
  }
  const p = document.createElement('p');
  for (const [key, text] of Object.entries(controls)) {
    const span = document.createElement('span');
    span.dataset.probe = key;
    span.textContent = text;
    p.append(span, ' ');
  }
  holder.closest('dl').after(p);
}`;
/** Each probe's width, its code points, and where its first and last characters are drawn. */
const MEASURE = `() => {
  const out = {};
  for (const el of document.querySelectorAll('[data-probe]')) {
    const node = el.firstChild;
    const text = node.textContent;
    const at = (i) => {
      const r = document.createRange();
      r.setStart(node, i);
      r.setEnd(node, i + 1);
      return r.getBoundingClientRect().x;
    };
    out[el.dataset.probe] = {
      width: el.getBoundingClientRect().width,
      chars: [...text].length,
      firstX: at(0),
      lastX: at(text.length - 1),
    };
  }
  return out;
}`;

describe.skipIf(!hasChromium)('printing member figures as PDF', () => {
  let printer: PdfPrinter;
  beforeAll(() => {
    printer = createPdfPrinter(CHROMIUM);
  });
  afterAll(async () => printer?.close());

  it('prints a PDF with the fonts of every script in the unit’s name embedded', async () => {
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/figures?unitId=${mixed}&asOf=2026-11-25&${PERIOD}&format=pdf&lang=ar`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/rollbook-figures-MIX1-2026-11-25\.pdf/);
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdf.toString('latin1');
    expect(text).toMatch(/\/FontFile2?\b/);
    // Subset fonts are named ABCDEF+Family: each script's font was found and used.
    // (Regular, and Bold where the page's heading and the unit's name are bold.)
    const families = new Set([...text.matchAll(/\/BaseFont\s*\/[A-Z]{6}\+([A-Za-z]+)-/g)].map((m) => m[1]));
    expect([...families]).toEqual(
      expect.arrayContaining(['NotoSansArabic', 'NotoSansDevanagari', 'NotoSans']),
    );
  });

  it('draws each script with real glyphs: joined right to left, conjuncts formed, no tofu', async () => {
    const table = await figuresTable(
      t.ctx,
      TEST_OPERATOR,
      { unitId: mixed, asOf: '2026-11-25', period: { from: '2026-01-01', to: '2026-06-30' } },
      'ar',
    );
    const html = figuresHtml(table);
    expect(html).toContain('<html lang="ar" dir="rtl">');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollbook-figures-render-'));
    const shot = path.join(dir, 'figures-ar.png');
    const result = await printer.withPage(async (page) => {
      await page.setViewportSize({ width: 900, height: 1200 });
      await page.setContent(html, { waitUntil: 'load' });
      // The page as printed, with the unit's name split into one span per script, and controls:
      // letters kept apart by zero-width non-joiners, and a code point no font has (a tofu box).
      await page.evaluate(
        `(${SPLIT_NAME})(${JSON.stringify({
          name: MIXED_NAME,
          parts: PARTS,
          controls: {
            'ar-apart': [...'القاهرة'].join('\u200C'),
            'fa-apart': [...'تهران'].join('\u200C'),
            'ar-word': 'القاهرة',
            'fa-word': 'تهران',
            tofu: '\u0378',
          },
        })})`,
      );
      await page.screenshot({ path: shot, fullPage: true });
      const cdp = await page.context().newCDPSession(page);
      const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
      await cdp.send('CSS.enable');
      const fonts = async (probe: string) => {
        const { nodeId } = await cdp.send('DOM.querySelector', {
          nodeId: root.nodeId,
          selector: `[data-probe="${probe}"]`,
        });
        return (await cdp.send('CSS.getPlatformFontsForNode', { nodeId })).fonts;
      };
      const metrics = await page.evaluate<
        Record<string, { width: number; chars: number; firstX: number; lastX: number }>
      >(`(${MEASURE})()`);
      const used: Record<string, Awaited<ReturnType<typeof fonts>>> = {};
      for (const probe of Object.keys(PARTS)) used[probe] = await fonts(probe);
      // The heading and the controls, enlarged, to look at the shapes closely.
      await page.setViewportSize({ width: 1800, height: 1200 });
      await page.evaluate(`document.documentElement.style.setProperty('font-size', '26pt')`);
      await page.locator('dl.meta').screenshot({ path: path.join(dir, 'heading-ar.png') });
      await page.locator('dl.meta + p').screenshot({ path: path.join(dir, 'controls-ar.png') });
      return { metrics, used };
    });
    console.info(`figures-export.test: the rendered page is ${shot}`);

    const { metrics: m, used } = result;
    const family = {
      vi: 'Noto Sans',
      ar: 'Noto Sans Arabic',
      fa: 'Noto Sans Arabic',
      hi: 'Noto Sans Devanagari',
    };
    const tofuWidth = m.tofu!.width;
    expect(tofuWidth).toBeGreaterThan(0);
    for (const key of Object.keys(PARTS) as Array<keyof typeof PARTS>) {
      const text = PARTS[key];
      const spaces = text.split(' ').length - 1;
      // Every glyph but the spaces (which the page's first font may give) from the script's own font:
      // without it, the letters would come from another font, or be the .notdef boxes of the first one.
      const letters = used[key]!.filter((f) => f.familyName === family[key]);
      const others = used[key]!.filter((f) => f.familyName !== family[key]);
      expect(letters.length, `${key}: ${JSON.stringify(used[key])}`).toBe(1);
      expect(letters[0]!.glyphCount, key).toBeGreaterThan(0);
      expect(
        others.reduce((n, f) => n + f.glyphCount, 0),
        `${key}: ${JSON.stringify(used[key])}`,
      ).toBeLessThanOrEqual(spaces);
      // Not a row of boxes: a box per code point would be this wide.
      expect(Math.abs(m[key]!.width - m[key]!.chars * tofuWidth), key).toBeGreaterThan(1);
    }
    // Devanagari: fewer glyphs than code points (द ि ल ् ल ी: the vowel sign and the half ल combine).
    const hiLetters = [...PARTS.hi].filter((c) => c !== ' ').length;
    expect(used.hi!.find((f) => f.familyName === 'Noto Sans Devanagari')!.glyphCount).toBeLessThan(hiLetters);
    // Arabic and Persian: letters joined (narrower than kept apart), first letter on the right.
    for (const key of ['ar', 'fa'] as const) {
      expect(m[`${key}-word`]!.width, key).toBeLessThan(m[`${key}-apart`]!.width - 2);
      expect(m[key]!.firstX, key).toBeGreaterThan(m[key]!.lastX);
    }
    // Vietnamese reads left to right even on a right-to-left page (isolated by <bdi>).
    expect(m.vi!.firstX).toBeLessThan(m.vi!.lastX);
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
  });
});
