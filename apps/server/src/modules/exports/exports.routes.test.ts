import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInUser } from '../../test/test-app.js';
import { buildMember, buildSmallTree, buildUnit } from '../../test/test-context.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;
let otherCell: number;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
  const otherCommune = await buildUnit(t.ctx, {
    kind: 'commune',
    parentId: tree.province,
    name: 'Xã Bình Hòa',
  });
  otherCell = await buildUnit(t.ctx, {
    kind: 'grassroots_cell',
    parentId: otherCommune,
    name: 'Chi bộ ấp Bình',
  });
  const hoa = await buildMember(t.ctx, {
    unitId: tree.cellA,
    fullName: 'Nguyễn Thị Hoà',
    sex: 'female',
    birthDate: '1990-05-15',
    admitted: '2020-03-02',
    official: true,
  });
  await sql`update member_record set national_id = '079190001234' where member_id = ${hoa}`.execute(t.ctx.db);
  await buildMember(t.ctx, { unitId: tree.cellB, fullName: 'Trần Văn Bình', admitted: '2024-06-03' });
  await buildMember(t.ctx, { unitId: otherCell, fullName: 'Lê Văn Xa', admitted: '2021-01-04' });
});
afterAll(async () => t?.close());

function csvRows(body: string): Record<string, string>[] {
  return parse(body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
}

describe('exporting members', () => {
  it('streams a subtree as of a date as CSV, in tree order, with the import’s headers', async () => {
    const res = await t.inject({ method: 'GET', url: `/api/v1/exports/members?unitId=${tree.committee}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="rollbook-members-/);
    const rows = csvRows(res.body);
    expect(rows.map((r) => r['Full name'])).toEqual(['Nguyễn Thị Hoà', 'Trần Văn Bình']);
    expect(rows[0]).toMatchObject({
      Sex: 'Female',
      'Birth date': '1990-05-15',
      'National ID': '079190001234',
      'Admission date': '2020-03-02',
      'Ceremony date': '2020-03-02',
      'Official since': '2021-03-02',
      Status: 'official',
    });

    // As of a day before the second admission, only the first member is there.
    const past = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/members?unitId=${tree.committee}&asOf=2023-01-01&columns=fullName,status,unit`,
      headers: { 'accept-language': 'vi' },
    });
    const before = csvRows(past.body);
    expect(Object.keys(before[0]!)).toEqual(['Họ và tên', 'Trạng thái', 'Chi bộ (mã)']);
    expect(before.map((r) => r['Họ và tên'])).toEqual(['Nguyễn Thị Hoà']);

    // The file imports again: every column maps by its header.
    const upload = await t.inject({
      method: 'POST',
      url: '/api/v1/imports?entity=members&fileName=export.csv',
      headers: { 'content-type': 'text/csv' },
      payload: res.body,
    });
    expect(upload.statusCode, upload.body).toBe(201);
    expect(Object.keys((upload.json() as { mapping: Record<string, string> }).mapping)).toEqual(
      expect.arrayContaining([
        'fullName',
        'sex',
        'birthDate',
        'nationalId',
        'unit',
        'admissionDate',
        'ceremonyDate',
        'officialDate',
      ]),
    );

    const audit = await t.inject({ method: 'GET', url: '/api/v1/audit?action=members.export' });
    expect((audit.json() as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(2);
  });

  it('writes an Excel workbook, right to left in Arabic, with real dates', async () => {
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/members?unitId=${tree.committee}&format=xlsx&columns=fullName,birthDate,sex`,
      headers: { 'accept-language': 'ar' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.views[0]?.rightToLeft).toBe(true);
    expect(sheet.getRow(1).values).toEqual([undefined, 'الاسم الكامل', 'تاريخ الميلاد', 'الجنس']);
    expect(sheet.getRow(2).getCell(1).value).toBe('Nguyễn Thị Hoà');
    expect(sheet.getRow(2).getCell(2).value).toEqual(new Date('1990-05-15T00:00:00Z'));
    expect(sheet.getRow(2).getCell(3).value).toBe('أنثى');
  });

  it('stays inside the reader’s scope and leaves out what they may not see', async () => {
    const clerk = await signedInUser(t.ctx, [{ role: 'viewer', unitId: tree.commune }]);
    const mine = await t.inject({ method: 'GET', url: '/api/v1/exports/members', headers: clerk.headers });
    expect(mine.statusCode, mine.body).toBe(200);
    const rows = csvRows(mine.body);
    expect(rows.map((r) => r['Full name']).sort()).toEqual(['Nguyễn Thị Hoà', 'Trần Văn Bình']);
    // No members.sensitive: no national ID column at all.
    expect(Object.keys(rows[0]!)).not.toContain('National ID');
    const other = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/members?unitId=${otherCell}`,
      headers: clerk.headers,
    });
    expect(other.statusCode).toBe(404);
    const bad = await t.inject({ method: 'GET', url: '/api/v1/exports/members?columns=fullName,shoeSize' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'columns' });
  });
});
