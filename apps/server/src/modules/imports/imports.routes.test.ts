import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInUser } from '../../test/test-app.js';
import { buildMember, buildSmallTree, buildUnit, uniqueCode } from '../../test/test-context.js';
import { importSettled } from './imports.service.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;
let cellA: string;
let cellB: string;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
  const code = async (id: number) =>
    (
      await sql<{
        code: string;
      }>`select code from unit_version where unit_id = ${id} and superseded_at is null`.execute(t.ctx.db)
    ).rows[0]!.code;
  cellA = await code(tree.cellA);
  cellB = await code(tree.cellB);
});
afterAll(async () => t?.close());

interface Job {
  id: number;
  status: string;
  encoding: string | null;
  delimiter: string | null;
  format: string;
  headers: string[];
  mapping: Record<string, string>;
  rowsTotal: number | null;
  problemCount: number;
  result: Record<string, number> | null;
  failure: { code: string } | null;
  failureMessage?: string;
}

async function upload(
  body: string | Buffer,
  options: { headers?: Record<string, string>; unitId?: number; fileName?: string; type?: string } = {},
) {
  return t.inject({
    method: 'POST',
    url: `/api/v1/imports?entity=members&fileName=${encodeURIComponent(options.fileName ?? 'members.csv')}${options.unitId ? `&unitId=${options.unitId}` : ''}`,
    headers: { 'content-type': options.type ?? 'text/csv', ...(options.headers ?? {}) },
    payload: body,
  });
}

async function run(
  id: number,
  step: 'validate' | 'commit',
  body: object = {},
  headers: Record<string, string> = {},
) {
  const res = await t.inject({
    method: 'POST',
    url: `/api/v1/imports/${id}/${step}`,
    headers,
    ...(step === 'validate' ? { payload: body } : {}),
  });
  expect(res.statusCode, res.body).toBe(202);
  await importSettled(id);
  const ended = await job(id, headers);
  if (process.env.DEBUG_IMPORTS && ended.status === 'invalid')
    console.log((await t.inject({ method: 'GET', url: `/api/v1/imports/${id}/problems`, headers })).body);
  return ended;
}

async function job(id: number, headers: Record<string, string> = {}): Promise<Job> {
  const res = await t.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Job;
}

async function memberCount(): Promise<number> {
  return (await sql<{ n: number }>`select count(*)::int as n from member`.execute(t.ctx.db)).rows[0]!.n;
}

const HEADER =
  'Họ và tên;Giới tính;Ngày sinh;Số CCCD;Chi bộ;Ngày vào Đảng;Ngày lễ kết nạp;Ngày chính thức;Trình độ học vấn';

describe('importing members from a file', () => {
  it('reads a clerk’s CSV, maps its columns by name, validates, and commits every row', async () => {
    const ids = [uniqueCode('0'), uniqueCode('0')];
    const file =
      '\uFEFF' +
      [
        HEADER,
        `Nguyễn Thị Hoà;Nữ;10/04/1995;${ids[0]};${cellA};02/09/2024;16/09/2024;;Đại học`,
        `"Trần Văn ""Út"" Bình";male;1988-01-31;${ids[1]};${cellB.toLowerCase()};05/03/2015;20/03/2015;20/03/2016;upper_secondary`,
        `Lê Minh;Nam;32874;;${cellA};01/06/2020;15/06/2020;15/06/2021;`,
      ].join('\r\n');
    const before = await memberCount();
    const res = await upload(file);
    expect(res.statusCode, res.body).toBe(201);
    const uploaded = res.json() as Job;
    expect(uploaded).toMatchObject({ status: 'uploaded', format: 'csv', encoding: 'utf-8', delimiter: ';' });
    expect(uploaded.mapping).toMatchObject({
      fullName: 'Họ và tên',
      sex: 'Giới tính',
      birthDate: 'Ngày sinh',
      nationalId: 'Số CCCD',
      unit: 'Chi bộ',
      admissionDate: 'Ngày vào Đảng',
      ceremonyDate: 'Ngày lễ kết nạp',
      officialDate: 'Ngày chính thức',
      education: 'Trình độ học vấn',
    });

    const validated = await run(uploaded.id, 'validate');
    expect(validated, JSON.stringify(validated)).toMatchObject({
      status: 'validated',
      rowsTotal: 3,
      problemCount: 0,
    });
    expect(await memberCount()).toBe(before);

    const committed = await run(uploaded.id, 'commit');
    expect(committed).toMatchObject({ status: 'committed', result: { members: 3 } });
    expect(await memberCount()).toBe(before + 3);

    // The members are in the register as if typed in: status from their dates, figures, search.
    const found = await t.inject({ method: 'GET', url: `/api/v1/members?unit=${tree.cellA}&q=hoa` });
    expect(found.statusCode, found.body).toBe(200);
    const hoa = (found.json() as { items: Array<{ id: number }> }).items[0]!;
    const detail = await t.inject({ method: 'GET', url: `/api/v1/members/${hoa.id}` });
    expect(detail.json()).toMatchObject({
      record: { fullName: 'Nguyễn Thị Hoà', sex: 'female', birthDate: '1995-04-10', education: 'bachelor' },
      state: { status: 'probationary', unitId: tree.cellA },
      deadlines: [{ kind: 'recognition' }],
    });
    const figures = await t.inject({ method: 'GET', url: `/api/v1/units/${tree.committee}/member-figures` });
    expect((figures.json() as { stock: { members: number } }).stock.members).toBeGreaterThanOrEqual(3);
    const serial = await sql<{
      birth_date: string;
    }>`select birth_date from member_record where full_name = 'Lê Minh'`.execute(t.ctx.db);
    expect(serial.rows[0]!.birth_date).toBe('1990-01-01');

    // Committing again writes nothing new.
    const again = await t.inject({ method: 'POST', url: `/api/v1/imports/${uploaded.id}/commit` });
    expect(again.statusCode).toBe(202);
    expect(await memberCount()).toBe(before + 3);
    // So does the same file uploaded again: its people are already in the register.
    const twice = (await upload(file)).json() as Job;
    const revalidated = await run(twice.id, 'validate');
    expect(revalidated).toMatchObject({ status: 'invalid', problemCount: 2 });

    // The audit trail has the import.
    const audit = await t.inject({ method: 'GET', url: '/api/v1/audit?action=import.commit' });
    expect(audit.json().items[0]).toMatchObject({
      action: 'import.commit',
      entity: { type: 'import', id: String(uploaded.id) },
    });
  });

  it('lists every problem by row and column in the reader’s language, writes nothing, and offers them as CSV', async () => {
    const taken = uniqueCode('0');
    await buildMember(t.ctx, { unitId: tree.cellA, fullName: 'Đã Có' });
    await sql`update member_record set national_id = ${taken} where full_name = 'Đã Có'`.execute(t.ctx.db);
    const dup = uniqueCode('0');
    const file = [
      HEADER,
      `Phạm Văn Một;Nam;31/02/1990;${dup};${cellA};02/09/2024;16/09/2024;;`, // no such date
      `Phạm Văn Hai;Nam;01/01/1990;${dup};KHONG-CO;02/09/2024;16/09/2024;;`, // duplicate ID, unknown unit
      `;Nam;01/01/1990;;${cellA};02/09/2024;16/09/2024;;`, // no name
      `Phạm Thị Ba;X;01/01/2012;${taken};${cellA};02/09/2024;16/09/2024;;`, // sex not in list, too young, ID taken
      `Phạm Văn Bốn;Nam;01/01/1990;;${cellA};02/09/2024;;01/01/2025;`, // official without ceremony
    ].join('\n');
    const before = await memberCount();
    const uploaded = (await upload(file)).json() as Job;
    const checked = await run(uploaded.id, 'validate', {}, { 'accept-language': 'vi' });
    expect(checked.status).toBe('invalid');
    expect(await memberCount()).toBe(before);

    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/imports/${uploaded.id}/problems`,
      headers: { 'accept-language': 'vi' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const items = (
      res.json() as { items: Array<{ row: number; column: string; reason: string; message: string }> }
    ).items;
    const at = (row: number) => items.filter((p) => p.row === row).map((p) => `${p.column}: ${p.reason}`);
    expect(at(2)).toEqual(['Ngày sinh: import.date']);
    expect(at(3).sort()).toEqual(['Chi bộ: import.unit_unknown', 'Số CCCD: import.duplicate_in_file'].sort());
    expect(at(4)).toEqual(['Họ và tên: import.required']);
    expect(at(5).sort()).toEqual(['Giới tính: import.vocabulary', 'Số CCCD: import.national_id_in_use']);
    expect(at(6)).toEqual(['Ngày chính thức: rule.event_not_allowed']);
    expect(items.find((p) => p.row === 2)!.message).toMatch(/không phải ngày; hãy viết dạng dd\/mm\/yyyy/);
    expect(items.find((p) => p.reason === 'import.duplicate_in_file')!.message).toMatch(/dòng 2/);
    expect(checked.problemCount).toBe(items.length);

    // Once its cells read, the row's age is judged too.
    const fixed = file.replace(';X;01/01/2012;', ';Nữ;01/01/2012;');
    const second = (await upload(fixed)).json() as Job;
    await run(second.id, 'validate');
    const again = (
      await t.inject({ method: 'GET', url: `/api/v1/imports/${second.id}/problems` })
    ).json() as {
      items: Array<{ row: number; reason: string; message: string }>;
    };
    expect(
      again.items
        .filter((p) => p.row === 5)
        .map((p) => p.reason)
        .sort(),
    ).toEqual(['import.national_id_in_use', 'rule.admission_age_young']);

    const csv = await t.inject({
      method: 'GET',
      url: `/api/v1/imports/${uploaded.id}/problems.csv`,
      headers: { 'accept-language': 'vi' },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.startsWith('\uFEFFdòng,cột,giá trị,lỗi\r\n')).toBe(true);
    expect(csv.body).toMatch(/\n2,Ngày sinh,31\/02\/1990,/);

    const commit = await t.inject({ method: 'POST', url: `/api/v1/imports/${uploaded.id}/commit` });
    expect(commit.statusCode).toBe(409);
    expect(commit.json()).toMatchObject({ code: 'import_not_ready' });
  });

  it('says which column a mapping misses, and reads month-first dates when told', async () => {
    const file = `Name,Unit,Entry,Born\nJohn Smith,${cellA},03/15/2020,12/01/1985\n`;
    const uploaded = (await upload(file)).json() as Job;
    expect(uploaded.mapping).toMatchObject({ fullName: 'Name', unit: 'Unit' });
    const unmapped = await run(uploaded.id, 'validate');
    expect(unmapped.status).toBe('invalid');
    const problems = (
      await t.inject({ method: 'GET', url: `/api/v1/imports/${uploaded.id}/problems` })
    ).json() as {
      items: Array<{ field: string; reason: string; message: string }>;
    };
    expect(problems.items).toEqual([
      expect.objectContaining({
        field: 'admissionDate',
        reason: 'import.mapping_required',
        message: expect.stringMatching(/Admission date/),
      }),
    ]);
    const dayFirst = await run(uploaded.id, 'validate', {
      mapping: { fullName: 'Name', unit: 'Unit', admissionDate: 'Entry', birthDate: 'Born' },
    });
    expect(dayFirst.status).toBe('invalid');
    const monthFirst = await run(uploaded.id, 'validate', {
      mapping: { fullName: 'Name', unit: 'Unit', admissionDate: 'Entry', birthDate: 'Born' },
      dateOrder: 'mdy',
    });
    expect(monthFirst.status).toBe('validated');
    const bad = await t.inject({
      method: 'POST',
      url: `/api/v1/imports/${uploaded.id}/validate`,
      payload: { mapping: { fullName: 'Nope' } },
    });
    expect(bad.statusCode).toBe(202);
    await importSettled(uploaded.id);
    const listed = (
      await t.inject({ method: 'GET', url: `/api/v1/imports/${uploaded.id}/problems` })
    ).json() as {
      items: Array<{ reason: string }>;
    };
    expect(listed.items.map((p) => p.reason)).toContain('import.mapping_column');
  });

  it('imports an Excel workbook the same way', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('DS');
    sheet.addRow(['Họ và tên', 'Ngày sinh', 'Chi bộ', 'Ngày vào Đảng', 'Ngày lễ kết nạp', 'Giới tính']);
    sheet.addRow([
      'Đỗ Thị Xuân',
      new Date(Date.UTC(1992, 6, 1)),
      cellB,
      '01/07/2023',
      new Date(Date.UTC(2023, 6, 10)),
      'Nữ',
    ]);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const before = await memberCount();
    const res = await upload(bytes, {
      fileName: 'ds.xlsx',
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(res.statusCode, res.body).toBe(201);
    const uploaded = res.json() as Job;
    expect(uploaded).toMatchObject({ format: 'xlsx', encoding: null });
    expect((await run(uploaded.id, 'validate')).status).toBe('validated');
    expect((await run(uploaded.id, 'commit')).status).toBe('committed');
    expect(await memberCount()).toBe(before + 1);
  });

  it('refuses a file it cannot read with a reason, and keeps the job out of the way', async () => {
    const res = await upload(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1, 2]), {
      headers: { 'accept-language': 'vi' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'import_file_unreadable', field: 'file' });
    expect(res.json().detail).toMatch(/Không đọc được tệp/);
  });

  it('reads a legacy encoding when the upload names it', async () => {
    // “Lê” in Windows-1258: detected as UTF-8 it is refused, naming the encoding.
    const bytes = Buffer.from([0x4e, 0x61, 0x6d, 0x65, 0x0a, 0x4c, 0xea, 0x0a]);
    const refused = await upload(bytes);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().detail).toMatch(/UTF-8/);
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/imports?entity=members&fileName=old.csv&encoding=windows-1258&delimiter=%3B',
      headers: { 'content-type': 'text/csv' },
      payload: bytes,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ encoding: 'windows-1258', delimiter: ';', headers: ['Name'] });
  });

  it('stops a check in progress when asked, and the file can be checked again', async () => {
    // Long enough a run that both requests arrive while it holds the job; fewer members than the
    // roll-up threshold, so the commit is not followed by building roll-ups for the cell's parents.
    const lines = ['Họ và tên;Chi bộ;Ngày vào Đảng;Ngày lễ kết nạp;Ngày sinh'];
    for (let i = 0; i < 5_000; i += 1) lines.push(`Người ${i};${cellA};01/01/2020;05/01/2020;01/01/1990`);
    const uploaded = (await upload(lines.join('\n'))).json() as Job;
    const started = await t.inject({
      method: 'POST',
      url: `/api/v1/imports/${uploaded.id}/validate`,
      payload: {},
    });
    expect(started.json()).toMatchObject({ status: 'validating' });
    const stopped = await t.inject({ method: 'POST', url: `/api/v1/imports/${uploaded.id}/cancel` });
    expect(stopped.statusCode, stopped.body).toBe(200);
    expect(stopped.json()).toMatchObject({ status: 'uploaded', problemCount: 0 });
    const staged = await sql<{
      n: number;
    }>`select count(*)::int as n from import_member_row where job_id = ${uploaded.id}`.execute(t.ctx.db);
    expect(staged.rows[0]!.n).toBe(0);
    expect((await run(uploaded.id, 'validate')).status).toBe('validated');
  });

  it('runs one check or commit at a time: of two racing requests, one is refused', async () => {
    // Long enough a run that both requests arrive while it holds the job; fewer members than the
    // roll-up threshold, so the commit is not followed by building roll-ups for the cell's parents.
    const lines = ['Họ và tên;Chi bộ;Ngày vào Đảng;Ngày lễ kết nạp;Ngày sinh'];
    for (let i = 0; i < 5_000; i += 1) lines.push(`Người Đua ${i};${cellA};01/01/2020;05/01/2020;01/01/1990`);
    const uploaded = (await upload(lines.join('\n'))).json() as Job;
    const validate = () =>
      t.inject({ method: 'POST', url: `/api/v1/imports/${uploaded.id}/validate`, payload: {} });
    const both = await Promise.all([validate(), validate()]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([202, 409]);
    await importSettled(uploaded.id);
    expect((await job(uploaded.id)).status).toBe('validated');
    const commits = await Promise.all([
      t.inject({ method: 'POST', url: `/api/v1/imports/${uploaded.id}/commit` }),
      t.inject({ method: 'POST', url: `/api/v1/imports/${uploaded.id}/commit` }),
    ]);
    expect(commits.map((r) => r.statusCode).sort()).toEqual([202, 409]);
    await importSettled(uploaded.id);
    expect((await job(uploaded.id)).result).toMatchObject({ members: 5_000 });
  }, 120_000);

  it('cancels: a file not yet committed is dropped', async () => {
    const uploaded = (await upload(`Họ và tên;Chi bộ;Ngày vào Đảng\nA;${cellA};01/01/2020\n`)).json() as Job;
    const res = await t.inject({ method: 'POST', url: `/api/v1/imports/${uploaded.id}/cancel` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'cancelled' });
    const commit = await t.inject({ method: 'POST', url: `/api/v1/imports/${uploaded.id}/commit` });
    expect(commit.statusCode).toBe(409);
  });
});

describe('imports stay inside the importer’s part of the tree', () => {
  it('places rows only under the importer’s unit, and hides other units’ imports (404)', async () => {
    const otherCommune = await buildUnit(t.ctx, {
      kind: 'commune',
      parentId: tree.province,
      name: 'Xã khác',
    });
    const otherCell = await buildUnit(t.ctx, {
      kind: 'grassroots_cell',
      parentId: otherCommune,
      code: uniqueCode('OC'),
    });
    const otherCode = (
      await sql<{
        code: string;
      }>`select code from unit_version where unit_id = ${otherCell} and superseded_at is null`.execute(
        t.ctx.db,
      )
    ).rows[0]!.code;
    const clerk = await signedInUser(t.ctx, [{ role: 'records_officer', unitId: tree.commune }]);
    const outsider = await signedInUser(t.ctx, [{ role: 'records_officer', unitId: otherCommune }]);
    const viewer = await signedInUser(t.ctx, [{ role: 'viewer', unitId: null }]);

    const file = `Họ và tên;Chi bộ;Ngày vào Đảng;Ngày lễ kết nạp;Ngày sinh\nA B;${cellA};01/01/2020;05/01/2020;01/01/1990\nC D;${otherCode};01/01/2020;05/01/2020;01/01/1990\n`;
    const res = await upload(file, { headers: clerk.headers });
    expect(res.statusCode, res.body).toBe(201);
    const uploaded = res.json() as Job & { unitId: number };
    expect(uploaded.unitId).toBe(tree.commune);
    const checked = await run(uploaded.id, 'validate', {}, clerk.headers);
    expect(checked).toMatchObject({ status: 'invalid', problemCount: 1 });
    const problems = (
      await t.inject({
        method: 'GET',
        url: `/api/v1/imports/${uploaded.id}/problems`,
        headers: clerk.headers,
      })
    ).json() as { items: Array<{ row: number; reason: string }> };
    expect(problems.items).toEqual([expect.objectContaining({ row: 3, reason: 'import.unit_unknown' })]);

    // Someone else's import does not exist for them, whatever they try.
    for (const [method, url] of [
      ['GET', `/api/v1/imports/${uploaded.id}`],
      ['GET', `/api/v1/imports/${uploaded.id}/problems`],
      ['GET', `/api/v1/imports/${uploaded.id}/problems.csv`],
      ['POST', `/api/v1/imports/${uploaded.id}/validate`],
      ['POST', `/api/v1/imports/${uploaded.id}/commit`],
      ['POST', `/api/v1/imports/${uploaded.id}/cancel`],
    ] as const) {
      const r = await t.inject({
        method,
        url,
        headers: outsider.headers,
        ...(url.endsWith('validate') ? { payload: {} } : {}),
      });
      expect(r.statusCode, `${method} ${url}`).toBe(404);
      expect(r.json()).toMatchObject({ code: 'import_not_found' });
    }
    const list = (
      await t.inject({ method: 'GET', url: '/api/v1/imports', headers: outsider.headers })
    ).json() as {
      items: Array<{ id: number }>;
    };
    expect(list.items.map((j) => j.id)).not.toContain(uploaded.id);
    // A unit outside the scope cannot be named as the import's unit either.
    const outside = await upload(file, { headers: outsider.headers, unitId: tree.commune });
    expect(outside.statusCode).toBe(404);
    // Reading members is not enough to import them.
    const denied = await upload(file, { headers: viewer.headers });
    expect(denied.statusCode).toBe(403);
  });

  it('records national IDs only for those who may (members.sensitive)', async () => {
    const clerk = await signedInUser(t.ctx, [{ role: 'records_officer', unitId: tree.commune }]);
    const file = `Họ và tên;Chi bộ;Ngày vào Đảng;Ngày lễ kết nạp;Ngày sinh;Số CCCD\nE F;${cellA};01/01/2020;05/01/2020;01/01/1990;${uniqueCode('0')}\n`;
    const uploaded = (await upload(file, { headers: clerk.headers })).json() as Job;
    const checked = await run(uploaded.id, 'validate', {}, clerk.headers);
    expect(checked.status).toBe('invalid');
    const problems = (
      await t.inject({
        method: 'GET',
        url: `/api/v1/imports/${uploaded.id}/problems`,
        headers: clerk.headers,
      })
    ).json() as { items: Array<{ field: string; reason: string }> };
    expect(problems.items).toEqual([
      expect.objectContaining({ field: 'nationalId', reason: 'import.sensitive' }),
    ]);
  });
});

describe('after a large import', () => {
  it('chooses the subtrees grown large enough to keep roll-ups, and their figures read them', async () => {
    const threshold = t.ctx.config.rollupMinMembers;
    // A threshold this file reaches on its own (the server's is 10,000 members).
    t.ctx.config.rollupMinMembers = 3;
    try {
      const rows = [0, 1, 2].map(
        (i) => `Người ${i};${cellB};0${i + 1}/02/2019;1${i}/02/2019;01/01/1990;${uniqueCode('0')}`,
      );
      const file = `Họ và tên;Chi bộ;Ngày vào Đảng;Ngày lễ kết nạp;Ngày sinh;Số CCCD\n${rows.join('\n')}\n`;
      const uploaded = (await upload(file)).json() as Job;
      expect((await run(uploaded.id, 'validate')).status).toBe('validated');
      expect((await run(uploaded.id, 'commit')).status).toBe('committed');
      const kept = await sql<{ id: number }>`select unit_id as id from member_rollup_unit`.execute(t.ctx.db);
      expect(kept.rows.map((r) => Number(r.id))).toEqual(
        expect.arrayContaining([tree.committee, tree.cellB]),
      );
      // What the roll-ups answer is what counting the members gives.
      const direct = await sql<{ n: number }>`
        select count(*)::int as n from member_span s
        join unit_tree t on t.unit_id = s.unit_id and t.valid @> ${t.ctx.today()}::date
        where s.valid @> ${t.ctx.today()}::date and s.status in ('probationary', 'official')
          and t.path <@ (select path from unit_tree where unit_id = ${tree.committee} and valid @> ${t.ctx.today()}::date)`.execute(
        t.ctx.db,
      );
      const figures = await t.inject({
        method: 'GET',
        url: `/api/v1/units/${tree.committee}/member-figures`,
      });
      expect((figures.json() as { stock: { members: number } }).stock.members).toBe(direct.rows[0]!.n);
    } finally {
      t.ctx.config.rollupMinMembers = threshold;
    }
  });
});
