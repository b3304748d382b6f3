import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInUser } from '../../test/test-app.js';
import { buildSmallTree, buildUnit, uniqueCode } from '../../test/test-context.js';
import { importSettled } from './imports.service.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;
let cellA: string;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
  cellA = (
    await sql<{
      code: string;
    }>`select code from unit_version where unit_id = ${tree.cellA} and superseded_at is null`.execute(
      t.ctx.db,
    )
  ).rows[0]!.code;
});
afterAll(async () => t?.close());

interface Template {
  id: number;
  name: string;
  entity: string;
  mapping: Record<string, string>;
  options: { dateOrder?: string };
  unitId: number | null;
  version: number;
}

interface Job {
  id: number;
  status: string;
  mapping: Record<string, string>;
  options: { dateOrder?: string };
  problemCount: number;
  missingColumns?: Array<{ field: string; column: string; message: string }>;
}

/** A source's own headers: nothing here is guessed, so only a template maps them. */
const SOURCE_HEADER = 'Tên ĐV,Mã CB,Vào Đảng,Kết nạp,Sinh';
const SOURCE_MAPPING = {
  fullName: 'Tên ĐV',
  unit: 'Mã CB',
  admissionDate: 'Vào Đảng',
  ceremonyDate: 'Kết nạp',
  birthDate: 'Sinh',
};

async function upload(body: string, headers: Record<string, string> = {}): Promise<Job> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/imports?entity=members&fileName=source.csv',
    headers: { 'content-type': 'text/csv', ...headers },
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Job;
}

async function createTemplate(
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Template> {
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/imports/templates',
    headers,
    payload: { entity: 'members', ...payload },
  });
  expect(res.statusCode, res.body).toBe(201);
  expect(res.headers.etag).toBe(`"${(res.json() as Template).version}"`);
  return res.json() as Template;
}

async function templateRows(): Promise<number> {
  return (await sql<{ n: number }>`select count(*)::int as n from import_mapping_template`.execute(t.ctx.db))
    .rows[0]!.n;
}

async function validate(id: number, headers: Record<string, string> = {}): Promise<Job> {
  const res = await t.inject({ method: 'POST', url: `/api/v1/imports/${id}/validate`, headers, payload: {} });
  expect(res.statusCode, res.body).toBe(202);
  await importSettled(id);
  return (await t.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers })).json() as Job;
}

describe('saved mapping templates', () => {
  it('saves a mapping, lists it, applies it to the next file, changes it and deletes it', async () => {
    const name = `Huyện ${uniqueCode()}`;
    const created = await createTemplate({ name, mapping: SOURCE_MAPPING, dateOrder: 'mdy' });
    expect(created).toMatchObject({
      name,
      entity: 'members',
      mapping: SOURCE_MAPPING,
      options: { dateOrder: 'mdy' },
    });
    expect(created.version).toBe(1);

    const list = await t.inject({ method: 'GET', url: '/api/v1/imports/templates?entity=members' });
    expect(list.statusCode, list.body).toBe(200);
    expect((list.json() as { items: Template[] }).items.map((x) => x.id)).toContain(created.id);

    // The next file from the same source: nothing guessed, the template maps every column.
    const job = await upload(`${SOURCE_HEADER}\nNguyễn Văn Mẫu,${cellA},09/02/2020,09/15/2020,12/31/1990\n`);
    expect(job.mapping.fullName).toBeUndefined();
    const applied = await t.inject({
      method: 'POST',
      url: `/api/v1/imports/${job.id}/template`,
      payload: { templateId: created.id },
    });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toMatchObject({
      status: 'uploaded',
      mapping: SOURCE_MAPPING,
      options: { dateOrder: 'mdy' },
      missingColumns: [],
    });
    expect((await validate(job.id)).status).toBe('validated');

    // Changed over the version read: the ETag moves on.
    const patched = await t.inject({
      method: 'PATCH',
      url: `/api/v1/imports/templates/${created.id}`,
      headers: { 'if-match': `"${created.version}"` },
      payload: { name: `${name} (mới)`, dateOrder: null },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ name: `${name} (mới)`, version: 2, options: {} });
    expect(patched.headers.etag).toBe('"2"');

    // Every change is in the audit trail.
    for (const action of ['import_template.create', 'import_template.update']) {
      const audit = await t.inject({ method: 'GET', url: `/api/v1/audit?action=${action}` });
      expect(
        (audit.json() as { items: Array<{ entity: { id: string } }> }).items.map((e) => e.entity.id),
        action,
      ).toContain(String(created.id));
    }

    const deleted = await t.inject({
      method: 'DELETE',
      url: `/api/v1/imports/templates/${created.id}`,
      headers: { 'if-match': '"2"' },
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    const gone = await t.inject({ method: 'GET', url: `/api/v1/imports/templates/${created.id}` });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'import_template_not_found' });
    const audit = await t.inject({ method: 'GET', url: '/api/v1/audit?action=import_template.delete' });
    expect((audit.json() as { items: Array<{ entity: { id: string } }> }).items[0]!.entity.id).toBe(
      String(created.id),
    );
  });

  it('reports the columns a file lacks instead of dropping them, and checking the file names them', async () => {
    const template = await createTemplate({
      name: `Có CCCD ${uniqueCode()}`,
      mapping: { ...SOURCE_MAPPING, nationalId: 'Số định danh' },
    });
    const job = await upload(`${SOURCE_HEADER}\nTrần Thị Thiếu,${cellA},02/09/2020,15/09/2020,31/12/1990\n`);
    const applied = await t.inject({
      method: 'POST',
      url: `/api/v1/imports/${job.id}/template`,
      headers: { 'accept-language': 'vi' },
      payload: { templateId: template.id },
    });
    expect(applied.statusCode, applied.body).toBe(200);
    const body = applied.json() as Job;
    expect(body.mapping.nationalId).toBe('Số định danh');
    expect(body.missingColumns).toEqual([
      {
        field: 'nationalId',
        column: 'Số định danh',
        message: expect.stringMatching(/Số CCCD.*Số định danh/),
      },
    ]);
    const checked = await validate(job.id);
    expect(checked.status).toBe('invalid');
    const problems = (
      await t.inject({ method: 'GET', url: `/api/v1/imports/${job.id}/problems` })
    ).json() as { items: Array<{ field: string; reason: string }> };
    expect(problems.items).toEqual([
      expect.objectContaining({ field: 'nationalId', reason: 'import.mapping_column' }),
    ]);
  });

  it('keeps each entity’s templates apart, and applies only a template of the import’s entity', async () => {
    const name = `Sổ thẻ ${uniqueCode()}`;
    const cards = { member: 'Số hiệu', number: 'Số thẻ', issuedOn: 'Ngày cấp' };
    const saved = await createTemplate({ entity: 'cards', name, mapping: cards, dateOrder: 'dmy' });
    expect(saved).toMatchObject({ entity: 'cards', mapping: cards });
    // The same name may serve another entity; a field the entity does not have is refused.
    await createTemplate({ name, mapping: SOURCE_MAPPING });
    const wrong = await t.inject({
      method: 'POST',
      url: '/api/v1/imports/templates',
      payload: { entity: 'cards', name: `Sai ${uniqueCode()}`, mapping: { fullName: 'Họ tên' } },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'validation_failed', field: 'mapping' });
    const listed = async (entity: string) =>
      (
        (await t.inject({ method: 'GET', url: `/api/v1/imports/templates?entity=${entity}` })).json() as {
          items: Template[];
        }
      ).items.filter((x) => x.name === name);
    expect((await listed('cards')).map((x) => x.entity)).toEqual(['cards']);
    expect((await listed('members')).map((x) => x.entity)).toEqual(['members']);

    const file = await t.inject({
      method: 'POST',
      url: '/api/v1/imports?entity=cards&fileName=the.csv',
      headers: { 'content-type': 'text/csv' },
      payload: 'Số hiệu,Số thẻ,Ngày cấp\n1,T-1,01/02/2025\n',
    });
    expect(file.statusCode, file.body).toBe(201);
    const id = (file.json() as Job).id;
    const applied = await t.inject({
      method: 'POST',
      url: `/api/v1/imports/${id}/template`,
      payload: { templateId: saved.id },
    });
    expect(applied.statusCode, applied.body).toBe(200);
    expect((applied.json() as Job & { mapping: Record<string, string> }).mapping).toEqual(cards);
    const members = (await listed('members'))[0]!;
    const mismatch = await t.inject({
      method: 'POST',
      url: `/api/v1/imports/${id}/template`,
      payload: { templateId: members.id },
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json()).toMatchObject({ code: 'validation_failed', field: 'templateId' });
  });

  it('refuses a name already taken, in the reader’s language and naming the field', async () => {
    const name = `Trùng ${uniqueCode()}`;
    await createTemplate({ name, mapping: SOURCE_MAPPING });
    const before = await templateRows();
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/imports/templates',
      headers: { 'accept-language': 'vi' },
      // Names are the same whatever their case.
      payload: { entity: 'members', name: name.toUpperCase(), mapping: { fullName: 'Họ tên' } },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'import_template_name_taken', field: 'name' });
    expect(res.json().detail).toMatch(/Đã có mẫu ghép cột tên/);
    expect(await templateRows()).toBe(before);

    // Renaming onto it is refused too, and changes nothing.
    const other = await createTemplate({ name: `Khác ${uniqueCode()}`, mapping: SOURCE_MAPPING });
    const rename = await t.inject({
      method: 'PATCH',
      url: `/api/v1/imports/templates/${other.id}`,
      headers: { 'if-match': `"${other.version}"`, 'accept-language': 'ar' },
      payload: { name },
    });
    expect(rename.statusCode).toBe(409);
    expect(rename.json()).toMatchObject({ code: 'import_template_name_taken', field: 'name' });
    expect(rename.json().detail).toMatch(/يوجد قالب ربط أعمدة/);
    const still = await t.inject({ method: 'GET', url: `/api/v1/imports/templates/${other.id}` });
    expect(still.json()).toMatchObject({ name: other.name, version: 1 });
  });

  it('refuses a change based on a version someone else replaced, and one without a version', async () => {
    const template = await createTemplate({ name: `Phiên bản ${uniqueCode()}`, mapping: SOURCE_MAPPING });
    const first = await t.inject({
      method: 'PATCH',
      url: `/api/v1/imports/templates/${template.id}`,
      headers: { 'if-match': '"1"' },
      payload: { mapping: { ...SOURCE_MAPPING, phone: 'ĐT' } },
    });
    expect(first.statusCode, first.body).toBe(200);
    const stale = await t.inject({
      method: 'PATCH',
      url: `/api/v1/imports/templates/${template.id}`,
      headers: { 'if-match': '"1"' },
      payload: { mapping: SOURCE_MAPPING },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({ code: 'version_conflict', params: { current: 2 } });
    const staleDelete = await t.inject({
      method: 'DELETE',
      url: `/api/v1/imports/templates/${template.id}`,
      headers: { 'if-match': '"1"' },
    });
    expect(staleDelete.statusCode).toBe(412);
    const bare = await t.inject({
      method: 'PATCH',
      url: `/api/v1/imports/templates/${template.id}`,
      payload: { name: 'x' },
    });
    expect(bare.statusCode).toBe(428);
    const now = await t.inject({ method: 'GET', url: `/api/v1/imports/templates/${template.id}` });
    expect(now.json()).toMatchObject({ version: 2, mapping: { phone: 'ĐT' }, name: template.name });
  });

  it.each([
    ['no name', { name: '   ', mapping: SOURCE_MAPPING }, 'name'],
    ['an unknown field', { name: `X ${uniqueCode()}`, mapping: { shoeSize: 'Cỡ giày' } }, 'mapping'],
    ['an empty mapping', { name: `Y ${uniqueCode()}`, mapping: {} }, 'mapping'],
    [
      'an unknown date order',
      { name: `Z ${uniqueCode()}`, mapping: SOURCE_MAPPING, dateOrder: 'ymd' },
      'dateOrder',
    ],
  ])('refuses %s and writes nothing', async (_what, payload, field) => {
    const before = await templateRows();
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/imports/templates',
      payload: { entity: 'members', ...payload },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed' });
    expect(String(res.json().field)).toContain(field);
    expect(await templateRows()).toBe(before);
  });

  it('keeps templates inside their owner’s part of the tree', async () => {
    const otherCommune = await buildUnit(t.ctx, { kind: 'commune', parentId: tree.province, name: 'Xã mẫu' });
    const clerk = await signedInUser(t.ctx, [{ role: 'records_officer', unitId: tree.commune }]);
    const outsider = await signedInUser(t.ctx, [{ role: 'records_officer', unitId: otherCommune }]);
    const viewer = await signedInUser(t.ctx, [{ role: 'viewer', unitId: null }]);

    const template = await createTemplate(
      { name: `Của xã ${uniqueCode()}`, mapping: SOURCE_MAPPING },
      clerk.headers,
    );
    expect(template.unitId).toBe(tree.commune);
    const job = await upload(
      `${SOURCE_HEADER}\nA,${cellA},01/01/2020,05/01/2020,01/01/1990\n`,
      clerk.headers,
    );
    const outsidersJob = await upload(`${SOURCE_HEADER}\n`, outsider.headers);

    for (const [method, url, payload] of [
      ['GET', `/api/v1/imports/templates/${template.id}`, undefined],
      ['PATCH', `/api/v1/imports/templates/${template.id}`, { name: 'lấy mất' }],
      ['DELETE', `/api/v1/imports/templates/${template.id}`, undefined],
      ['POST', `/api/v1/imports/${outsidersJob.id}/template`, { templateId: template.id }],
    ] as const) {
      const r = await t.inject({
        method,
        url,
        headers: { ...outsider.headers, 'if-match': '"1"' },
        ...(payload && { payload }),
      });
      expect(r.statusCode, `${method} ${url}`).toBe(404);
      expect(r.json()).toMatchObject({ code: 'import_template_not_found' });
    }
    const listed = (
      await t.inject({ method: 'GET', url: '/api/v1/imports/templates', headers: outsider.headers })
    ).json() as { items: Template[] };
    expect(listed.items.map((x) => x.id)).not.toContain(template.id);
    // Nor can a template be put on someone else's import.
    const foreign = await t.inject({
      method: 'POST',
      url: `/api/v1/imports/${job.id}/template`,
      headers: outsider.headers,
      payload: { templateId: template.id },
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'import_not_found' });
    // Reading members is not enough to keep templates.
    const denied = await t.inject({
      method: 'GET',
      url: '/api/v1/imports/templates',
      headers: viewer.headers,
    });
    expect(denied.statusCode).toBe(403);
    // The owner still has it, unchanged.
    const mine = await t.inject({
      method: 'GET',
      url: `/api/v1/imports/templates/${template.id}`,
      headers: clerk.headers,
    });
    expect(mine.json()).toMatchObject({ name: template.name, version: 1 });
  });
});

describe('the problem report as a workbook', () => {
  it('has the same columns and words as the CSV, right to left in Arabic', async () => {
    const job = await upload(`Họ và tên,Chi bộ,Ngày vào Đảng\n,${cellA},31/02/2020\nB,KHONG-CO,01/01/2020\n`);
    expect((await validate(job.id)).status).toBe('invalid');

    const read = async (url: string) => {
      const res = await t.inject({ method: 'GET', url });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/spreadsheetml/);
      expect(res.headers['content-disposition']).toMatch(/problems\.xlsx/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as never);
      const sheet = wb.worksheets[0]!;
      const rows: unknown[][] = [];
      sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      return { sheet, rows };
    };
    const csv = await t.inject({ method: 'GET', url: `/api/v1/imports/${job.id}/problems.csv?lang=vi` });
    const csvLines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');

    const vi = await read(`/api/v1/imports/${job.id}/problems.xlsx?lang=vi`);
    expect(vi.sheet.name).toBe('Lỗi');
    expect(vi.rows[0]).toEqual(['dòng', 'cột', 'giá trị', 'lỗi']);
    expect(vi.rows).toHaveLength(csvLines.length);
    const dateProblem = vi.rows.find((r) => r[1] === 'Ngày vào Đảng')!;
    expect(dateProblem.slice(0, 3)).toEqual([2, 'Ngày vào Đảng', '31/02/2020']);
    expect(String(dateProblem[3])).toMatch(/không phải ngày/);
    expect(csv.body).toContain(String(dateProblem[3]));

    const ar = await read(`/api/v1/imports/${job.id}/problems.csv?format=xlsx&lang=ar`);
    expect(ar.rows[0]).toEqual(['الصف', 'العمود', 'القيمة', 'المشكلة']);
    expect(ar.sheet.views[0]).toMatchObject({ rightToLeft: true });
    expect(vi.sheet.views[0]?.rightToLeft ?? false).toBe(false);
  });

  it('is refused for an import out of reach, before any byte', async () => {
    const outsider = await signedInUser(t.ctx, [
      {
        role: 'records_officer',
        unitId: await buildUnit(t.ctx, { kind: 'commune', parentId: tree.province }),
      },
    ]);
    const job = await upload(`Họ và tên\nA\n`);
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/imports/${job.id}/problems.xlsx`,
      headers: outsider.headers,
    });
    expect(res.statusCode).toBe(404);
  });
});
