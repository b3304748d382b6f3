import { text } from 'node:stream/consumers';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberVersion } from '../members/members.repository.js';
import { type EventInput, recordEvent } from '../members/members.service.js';
import { createTestApp, signedInUser } from '../../test/test-app.js';
import { exportEvents } from './events-export.js';
import { applyOps, buildMember, buildSmallTree, buildUnit, TEST_OPERATOR } from '../../test/test-context.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;
let communeB: number;
/** Under the commune of province A until 2026-01-01, then under province B's commune. */
let mover: number;
let hoa: number;
const codes = new Map<number, string>();

async function record(memberId: number, input: EventInput) {
  const version = (await memberVersion(t.ctx.db, memberId))!;
  return recordEvent(t.ctx, TEST_OPERATOR, memberId, version, input);
}

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
  const provinceB = await buildUnit(t.ctx, { kind: 'province', parentId: tree.central, name: 'Tỉnh B' });
  communeB = await buildUnit(t.ctx, { kind: 'commune', parentId: provinceB, name: 'Xã B' });
  mover = await buildUnit(t.ctx, {
    kind: 'grassroots_cell',
    parentId: tree.commune,
    name: 'Chi bộ chuyển đi',
  });
  const otherCell = await buildUnit(t.ctx, {
    kind: 'grassroots_cell',
    parentId: communeB,
    name: 'Chi bộ xã B',
  });

  hoa = await buildMember(t.ctx, {
    unitId: tree.cellA,
    fullName: 'Nguyễn Thị Hoà',
    admitted: '2025-03-02',
  });
  await record(hoa, {
    type: 'discipline',
    date: '2025-09-01',
    details: { form: 'reprimand' },
    decision: { number: 'QĐ-12' },
    note: 'Vắng sinh hoạt',
  });
  // Out of the commune, into province B: the transfer out is the commune's, the acceptance B's.
  const binh = await buildMember(t.ctx, {
    unitId: tree.cellB,
    fullName: 'Trần Văn Bình',
    admitted: '2025-02-03',
  });
  await record(binh, {
    type: 'transfer_out',
    date: '2025-10-01',
    unitId: otherCell,
    details: { transferKind: 'official', slipNumber: 'GT-7' },
  });
  await record(binh, { type: 'transfer_in', date: '2025-10-15' });
  // The cell moves to province B at the new year: its events before are the commune's, after B's.
  const chin = await buildMember(t.ctx, { unitId: mover, fullName: 'Đinh Thị Chín', admitted: '2025-05-05' });
  await applyOps(t.ctx, '2026-01-01', [{ type: 'move', unitId: mover, parentId: communeB }]);
  await record(chin, { type: 'exemption', date: '2026-02-01', details: { exemptionReason: 'health' } });
  const rows = await t.ctx.db.selectFrom('unit_version').select(['unit_id', 'code']).execute();
  for (const r of rows) codes.set(Number(r.unit_id), r.code);
});
afterAll(async () => t?.close());

function csvRows(body: string): Record<string, string>[] {
  return parse(body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
}

const code = (id: number) => codes.get(id)!;

describe('exporting member events', () => {
  it('writes the events of a period in date order, where each happened', async () => {
    const res = await t.inject({
      method: 'GET',
      url: '/api/v1/exports/events?from=2025-01-01&to=2025-12-31',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toMatch(
      /filename="rollbook-events-2025-01-01-2025-12-31\.csv"/,
    );
    const rows = csvRows(res.body);
    expect(rows.map((r) => [r['Event date'], r.Event, r['Full name']])).toEqual([
      ['2025-02-03', 'Admission', 'Trần Văn Bình'],
      ['2025-03-02', 'Admission', 'Nguyễn Thị Hoà'],
      ['2025-05-05', 'Admission', 'Đinh Thị Chín'],
      ['2025-09-01', 'Discipline', 'Nguyễn Thị Hoà'],
      ['2025-10-01', 'Transfer out', 'Trần Văn Bình'],
      ['2025-10-15', 'Transfer accepted', 'Trần Văn Bình'],
    ]);
    expect(rows[3]).toMatchObject({
      'Unit (code)': code(tree.cellA),
      Details: 'Form of discipline: Reprimand',
      'Decision number': 'QĐ-12',
      Note: 'Vắng sinh hoạt',
    });
    expect(rows[4]).toMatchObject({
      'Unit (code)': code(tree.cellB),
      'Unit name': 'Chi bộ Giáo viên 2',
      'Moved to': 'Chi bộ xã B',
      Details: 'Kind of transfer: Official; Slip number: GT-7',
    });
    expect(rows[5]!['Unit name']).toBe('Chi bộ xã B');
    expect(rows[0]!['Recorded at']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);

    // A narrower period, a subtree and chosen columns, in Vietnamese.
    const vi = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/events?from=2025-03-01&to=2025-09-30&unitId=${tree.committee}&columns=type,date,fullName`,
      headers: { 'accept-language': 'vi' },
    });
    expect(csvRows(vi.body)).toEqual([
      { 'Sự kiện': 'Kết nạp', 'Ngày diễn ra': '2025-03-02', 'Họ và tên': 'Nguyễn Thị Hoà' },
      { 'Sự kiện': 'Kỷ luật', 'Ngày diễn ra': '2025-09-01', 'Họ và tên': 'Nguyễn Thị Hoà' },
    ]);

    const audit = await t.inject({ method: 'GET', url: '/api/v1/audit?action=events.export' });
    expect((audit.json() as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(2);
  });

  it('follows the unit where an event happened through a reorganization', async () => {
    const clerk = await signedInUser(t.ctx, [{ role: 'viewer', unitId: tree.commune }]);
    const names = async (from: string, to: string, headers = clerk.headers) =>
      csvRows(
        (
          await t.inject({
            method: 'GET',
            url: `/api/v1/exports/events?from=${from}&to=${to}&columns=type,fullName`,
            headers,
          })
        ).body,
      ).map((r) => `${r.Event} ${r['Full name']}`);
    // The commune's reader: the cell's admission (before the move) and the transfer out, not the
    // acceptance in province B, nor the exemption after the cell moved.
    expect(await names('2025-01-01', '2026-12-31')).toEqual([
      'Admission Trần Văn Bình',
      'Admission Nguyễn Thị Hoà',
      'Admission Đinh Thị Chín',
      'Discipline Nguyễn Thị Hoà',
      'Transfer out Trần Văn Bình',
    ]);
    const b = await signedInUser(t.ctx, [{ role: 'viewer', unitId: communeB }]);
    expect(await names('2025-01-01', '2026-12-31', b.headers)).toEqual([
      'Transfer accepted Trần Văn Bình',
      'Exemption Đinh Thị Chín',
    ]);
    // Default period: this year (the tests' today is 2026-11-25).
    const thisYear = await t.inject({
      method: 'GET',
      url: '/api/v1/exports/events?columns=type',
      headers: b.headers,
    });
    expect(csvRows(thisYear.body)).toEqual([{ Event: 'Exemption' }]);

    const out = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/events?unitId=${communeB}`,
      headers: clerk.headers,
    });
    expect(out.statusCode).toBe(404);
  });

  it('leaves discipline matters empty for a reader without members.sensitive', async () => {
    const clerk = await signedInUser(t.ctx, [{ role: 'viewer', unitId: tree.commune }]);
    const res = await t.inject({
      method: 'GET',
      url: '/api/v1/exports/events?from=2025-09-01&to=2025-09-01',
      headers: clerk.headers,
    });
    const [row] = csvRows(res.body);
    expect(row).toMatchObject({ Event: 'Discipline', Details: '', 'Decision number': '', Note: '' });
    const inspector = await signedInUser(t.ctx, [{ role: 'inspector', unitId: tree.commune }]);
    const shown = csvRows(
      (
        await t.inject({
          method: 'GET',
          url: '/api/v1/exports/events?from=2025-09-01&to=2025-09-01',
          headers: inspector.headers,
        })
      ).body,
    );
    expect(shown[0]).toMatchObject({ 'Decision number': 'QĐ-12', Note: 'Vắng sinh hoạt' });
  });

  it('writes an Arabic workbook right to left with real dates', async () => {
    const res = await t.inject({
      method: 'GET',
      url: '/api/v1/exports/events?from=2025-02-01&to=2025-02-28&format=xlsx&columns=date,type&lang=ar',
    });
    expect(res.statusCode, res.body).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.views[0]?.rightToLeft).toBe(true);
    expect(sheet.getRow(1).values).toEqual([undefined, 'تاريخ الحدث', 'الحدث']);
    expect(sheet.getRow(2).values).toEqual([undefined, new Date('2025-02-03T00:00:00Z'), 'قبول']);
  });

  it('refuses a period that ends before it starts, an unknown column or a bad date', async () => {
    const backwards = await t.inject({
      method: 'GET',
      url: '/api/v1/exports/events?from=2025-06-01&to=2025-01-01',
      headers: { 'accept-language': 'vi' },
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ field: 'to' });
    expect(JSON.stringify(backwards.json())).toContain('2025-06-01');
    const column = await t.inject({ method: 'GET', url: '/api/v1/exports/events?columns=type,shoeSize' });
    expect(column.statusCode).toBe(400);
    expect(column.json()).toMatchObject({ field: 'columns' });
    const date = await t.inject({ method: 'GET', url: '/api/v1/exports/events?from=01/02/2025' });
    expect(date.statusCode).toBe(400);
    expect(JSON.stringify(date.json())).toContain('from');
  });

  it('reads page after page without losing or repeating an event, same-day events included', async () => {
    // A second event on a day that already has one: the page boundary falls inside the day.
    await buildMember(t.ctx, { unitId: tree.cellA, fullName: 'Lê Văn Mười', admitted: '2025-09-01' });
    const whole = async (pageSize?: number) =>
      text(
        (
          await exportEvents(
            t.ctx,
            TEST_OPERATOR,
            { from: '2025-01-01', to: '2026-12-31', format: 'csv', ...(pageSize && { pageSize }) },
            'en',
          )
        ).body,
      );
    const once = await whole();
    expect(csvRows(once)).toHaveLength(8);
    expect(await whole(2)).toBe(once);
    expect(await whole(1)).toBe(once);
  });
});
