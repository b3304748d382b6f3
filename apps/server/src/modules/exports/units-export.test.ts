import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInUser } from '../../test/test-app.js';
import { text } from 'node:stream/consumers';
import {
  applyOps,
  buildMember,
  buildSmallTree,
  buildUnit,
  TEST_OPERATOR,
  uniqueCode,
} from '../../test/test-context.js';
import { exportUnits } from './units-export.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;
let provinceB: number;
let communeB: number;
/** Under the commune of province A until 2025-01-01, then under province B's commune. */
let mover: number;
const moverCode = uniqueCode('MOVER');
const codes = new Map<number, string>();

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
  provinceB = await buildUnit(t.ctx, { kind: 'province', parentId: tree.central, name: 'Tỉnh B' });
  communeB = await buildUnit(t.ctx, { kind: 'commune', parentId: provinceB, name: 'Xã B' });
  mover = await buildUnit(t.ctx, {
    kind: 'grassroots_cell',
    parentId: tree.commune,
    name: 'Chi bộ chuyển đi',
    code: moverCode,
  });
  await applyOps(t.ctx, '2025-01-01', [{ type: 'move', unitId: mover, parentId: communeB }]);
  await buildMember(t.ctx, { unitId: tree.cellA, fullName: 'Nguyễn Thị Hoà', admitted: '2020-03-02' });
  await buildMember(t.ctx, { unitId: tree.cellA, fullName: 'Trần Văn Bình', admitted: '2020-03-02' });
  const rows = await t.ctx.db.selectFrom('unit_version').select(['unit_id', 'code']).execute();
  for (const r of rows) codes.set(Number(r.unit_id), r.code);
});
afterAll(async () => t?.close());

function csvRows(body: string): Record<string, string>[] {
  return parse(body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
}

const code = (id: number) => codes.get(id)!;

describe('exporting units', () => {
  it('writes a subtree as of a date, parents before children, with the unit fields’ headers', async () => {
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/units?unitId=${tree.province}&asOf=2024-12-31`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/filename="rollbook-units-2024-12-31\.csv"/);
    const rows = csvRows(res.body);
    expect(Object.keys(rows[0]!)).toEqual([
      'Code',
      'Name',
      'Kind',
      'Parent unit (code)',
      'Parent unit',
      'Path (codes)',
      'Level',
      'Valid from',
      'Valid until',
      'Members',
      'Unit number',
    ]);
    expect(rows[0]).toMatchObject({
      Code: code(tree.province),
      Name: 'Đảng bộ tỉnh An Giang',
      Kind: t.ctx.rules.name('province', 'en'),
      'Parent unit (code)': code(tree.central),
      'Path (codes)': `${code(tree.central)}/${code(tree.province)}`,
      Level: '2',
      'Valid from': '2000-01-01',
      'Valid until': '',
    });
    // Every unit after the first comes after its parent.
    const seen = new Set<string>([rows[0]!.Code!]);
    for (const row of rows.slice(1)) {
      expect(seen.has(row['Parent unit (code)']!), row.Code).toBe(true);
      seen.add(row.Code!);
    }
    expect(rows.map((r) => r.Code)).toContain(moverCode);
    expect(rows.find((r) => r.Code === code(tree.cellA))!.Members).toBe('2');
    expect(rows.find((r) => r.Code === code(tree.cellB))!.Members).toBe('0');
    expect(rows.find((r) => r.Code === moverCode)).toMatchObject({
      'Parent unit (code)': code(tree.commune),
      // That state (under this commune) ends with the move.
      'Valid until': '2025-01-01',
    });

    // After the reorganization the moved cell stands under province B, not here.
    const after = csvRows(
      (
        await t.inject({
          method: 'GET',
          url: `/api/v1/exports/units?unitId=${tree.province}&asOf=2025-01-01`,
        })
      ).body,
    );
    expect(after.map((r) => r.Code)).not.toContain(moverCode);
    const inB = csvRows(
      (
        await t.inject({
          method: 'GET',
          url: `/api/v1/exports/units?unitId=${provinceB}&asOf=2025-01-01&columns=code,parent,path`,
        })
      ).body,
    );
    expect(inB).toEqual([
      { Code: code(provinceB), 'Parent unit (code)': code(tree.central), 'Path (codes)': expect.any(String) },
      { Code: code(communeB), 'Parent unit (code)': code(provinceB), 'Path (codes)': expect.any(String) },
      {
        Code: moverCode,
        'Parent unit (code)': code(communeB),
        'Path (codes)': [tree.central, provinceB, communeB, mover].map(code).join('/'),
      },
    ]);

    // Before the units existed there is nothing to write but the headers.
    const empty = await t.inject({
      method: 'GET',
      url: '/api/v1/exports/units?asOf=1999-01-01&columns=code',
    });
    expect(empty.body).toBe('\uFEFFCode\r\n');

    const audit = await t.inject({ method: 'GET', url: '/api/v1/audit?action=units.export' });
    expect((audit.json() as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(3);
  });

  it('writes an Excel workbook right to left in Arabic, with the kinds named in Arabic', async () => {
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/units?unitId=${tree.committee}&asOf=2024-06-01&format=xlsx&columns=code,kind,validFrom&lang=ar`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.name).toBe('الوحدات');
    expect(sheet.views[0]?.rightToLeft).toBe(true);
    expect(sheet.getRow(1).values).toEqual([undefined, 'الرمز', 'النوع', 'سارية من']);
    expect(sheet.getRow(2).values).toEqual([
      undefined,
      code(tree.committee),
      t.ctx.rules.name('grassroots_committee', 'ar'),
      new Date('2000-01-01T00:00:00Z'),
    ]);
    expect(sheet.rowCount).toBe(4);
  });

  it('stays inside the reader’s scope; an out-of-scope unit is not found', async () => {
    const clerk = await signedInUser(t.ctx, [{ role: 'viewer', unitId: tree.commune }]);
    const mine = await t.inject({
      method: 'GET',
      url: '/api/v1/exports/units?asOf=2024-06-01&columns=code',
      headers: clerk.headers,
    });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(
      csvRows(mine.body)
        .map((r) => r.Code)
        .sort(),
    ).toEqual([tree.commune, tree.committee, tree.cellA, tree.cellB, tree.gCell, mover].map(code).sort());
    // After the move the cell is province B's: this reader no longer sees it.
    const later = await t.inject({
      method: 'GET',
      url: '/api/v1/exports/units?asOf=2025-06-01&columns=code',
      headers: clerk.headers,
    });
    expect(csvRows(later.body).map((r) => r.Code)).not.toContain(moverCode);
    const other = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/units?unitId=${provinceB}`,
      headers: clerk.headers,
    });
    expect(other.statusCode).toBe(404);

    // Units without members.read: no member count.
    const auditor = await signedInUser(t.ctx, [{ role: 'auditor', unitId: tree.commune }]);
    const plain = await t.inject({ method: 'GET', url: '/api/v1/exports/units', headers: auditor.headers });
    expect(plain.statusCode, plain.body).toBe(200);
    expect(Object.keys(csvRows(plain.body)[0]!)).not.toContain('Members');
  });

  it('refuses an unknown column or a bad date in the reader’s language, naming the field', async () => {
    const bad = await t.inject({
      method: 'GET',
      url: '/api/v1/exports/units?columns=code,shoeSize',
      headers: { 'accept-language': 'vi' },
    });
    expect(bad.statusCode).toBe(400);
    const problem = bad.json() as { field: string; detail: string };
    expect(problem.field).toBe('columns');
    const english = (
      await t.inject({ method: 'GET', url: '/api/v1/exports/units?columns=code,shoeSize' })
    ).json().detail as string;
    expect(problem.detail).not.toBe(english);

    const date = await t.inject({ method: 'GET', url: '/api/v1/exports/units?asOf=2025-02-30' });
    expect(date.statusCode).toBe(400);
    expect(JSON.stringify(date.json())).toContain('asOf');
  });

  it('reads page after page without losing or repeating a unit', async () => {
    const whole = async (pageSize?: number) =>
      text(
        (
          await exportUnits(
            t.ctx,
            TEST_OPERATOR,
            { asOf: '2024-06-01', format: 'csv', ...(pageSize && { pageSize }) },
            'en',
          )
        ).body,
      );
    const once = await whole();
    expect(csvRows(once).length).toBe(codes.size);
    expect(await whole(2)).toBe(once);
    expect(await whole(1)).toBe(once);
  });
});
