import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from './cli.js';

// Every command boots the embedded database, as a user's would: a test of several commands takes
// minutes on a busy 2-core machine, and one cut short would leave its data folder locked for the next.
vi.setConfig({ testTimeout: 300_000 });

// The CLI runs here against its own embedded database folder, as a user would run it.
let dir: string;
let savedUrl: string | undefined;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollbook-cli-'));
  savedUrl = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
});
afterAll(() => {
  if (savedUrl) process.env.DATABASE_URL = savedUrl;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await runCli([
      'node',
      'rollbook',
      '--data-dir',
      path.join(dir, 'data'),
      '--time-zone',
      'UTC',
      ...args,
    ]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('rollbook CLI', () => {
  it('loads the demo and reads the tree as of a date, as text and as JSON', async () => {
    expect((await cli('demo')).code).toBe(0);
    const top = await cli('--json', 'units', 'list');
    expect(top.code).toBe(0);
    const [central] = JSON.parse(top.out);
    expect(central.code).toBe('TW');
    const before = JSON.parse(
      (await cli('--json', 'units', 'list', '--parent', String(central.id), '--as-of', '2025-06-30')).out,
    );
    const after = JSON.parse(
      (await cli('--json', 'units', 'list', '--parent', String(central.id), '--as-of', '2025-07-01')).out,
    );
    expect(before.map((u: { name: string }) => u.name)).toContain('Đảng bộ tỉnh Kiên Giang');
    expect(after.map((u: { name: string }) => u.name)).not.toContain('Đảng bộ tỉnh Kiên Giang');
    const change = await cli(
      'units',
      'figures',
      String(central.id),
      '--as-of',
      '2025-07-01',
      '--compare-with',
      '2025-06-30',
    );
    expect(change.out).toContain('Province-level committee');
    expect(change.out).toMatch(/2025-07-01\s+order #\d+/);
  });

  it('creates, previews and applies an order from a file', async () => {
    const found = JSON.parse((await cli('--json', 'units', 'list', '--search', 'tram y te')).out);
    const orderFile = path.join(dir, 'order.json');
    fs.writeFileSync(
      orderFile,
      JSON.stringify({
        effectiveDate: '2026-01-01',
        operations: [{ type: 'dissolve', unitId: found[0].id }],
      }),
    );
    const draft = JSON.parse((await cli('--json', 'reorg', 'create', orderFile)).out);
    expect(draft.state).toBe('draft');
    // The demo renames this cell on 2027-01-01: dissolving it earlier would cut across that order.
    const refused = await cli('reorg', 'apply', String(draft.id));
    expect(refused.code).toBe(5);
    expect(refused.err).toContain('later_change_conflict');

    // A file is checked like a request body: an unknown operation is named, and nothing is drafted.
    fs.writeFileSync(
      orderFile,
      JSON.stringify({ effectiveDate: '2026-01-01', operations: [{ type: 'dissolv', unitId: 1 }] }),
    );
    const malformed = await cli('reorg', 'create', orderFile);
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain('operations.0');
    // A preview that finds broken rules says so and exits with 4.
    fs.writeFileSync(
      orderFile,
      JSON.stringify({
        effectiveDate: '2026-01-01',
        operations: [{ type: 'move', unitId: found[0].id, parentId: found[0].id }],
      }),
    );
    const broken = await cli('reorg', 'preview', orderFile);
    expect(broken.code).toBe(4);
    expect(broken.out).toContain('(cycle)');
  });

  it('answers bad input with a clear message in the language asked and a meaningful exit code', async () => {
    const badDate = await cli('--lang', 'vi', 'units', 'list', '--as-of', '2025-02-30');
    expect(badDate.code).toBe(2);
    expect(badDate.err).toContain('phải là một ngày hợp lệ');
    const missing = await cli('units', 'show', '99999');
    expect(missing.code).toBe(3);
  });
});

describe('rollbook user and audit', () => {
  it('creates the first administrator without any default password, and verifies the audit chain', async () => {
    process.env.ROLLBOOK_PASSWORD = 'short';
    const weak = await cli('user', 'create', 'admin', '--name', 'Quản trị', '--admin');
    expect(weak.code).toBe(2);
    expect(weak.err).toContain('password');
    process.env.ROLLBOOK_PASSWORD = 'a long enough secret';
    try {
      const made = await cli('--json', 'user', 'create', 'admin', '--name', 'Quản trị', '--admin');
      expect(made.code).toBe(0);
      expect(JSON.parse(made.out).username).toBe('admin');
      expect((await cli('user', 'create', 'Admin', '--name', 'Again', '--admin')).code).toBe(5);
      const clerk = await cli(
        'user',
        'create',
        'clerk',
        '--name',
        'Văn thư',
        '--role',
        'viewer',
        '--unit',
        'everywhere',
      );
      expect(clerk.code).toBe(0);
    } finally {
      delete process.env.ROLLBOOK_PASSWORD;
    }
    const listed = JSON.parse((await cli('--json', 'user', 'list')).out);
    expect(listed.map((u: { username: string }) => u.username)).toEqual(
      expect.arrayContaining(['admin', 'clerk']),
    );
    expect((await cli('user', 'deactivate', 'clerk')).code).toBe(0);

    const verified = await cli('--json', 'audit', 'verify');
    expect(verified.code).toBe(0);
    const report = JSON.parse(verified.out);
    expect(report).toMatchObject({ ok: true, broken: null });
    expect(report.events).toBeGreaterThan(5);
    const anchored = await cli('audit', 'verify', '--anchor', `${report.head.seq}:${report.head.hash}`);
    expect(anchored.code).toBe(0);
    expect(anchored.out).toContain('intact');
    const wrongAnchor = await cli('audit', 'verify', '--anchor', `${report.head.seq}:${'0'.repeat(64)}`);
    expect(wrongAnchor.code).toBe(7);
    const events = JSON.parse((await cli('--json', 'audit', 'list', '--action', 'user.create')).out);
    expect(events.map((e: { actor: { name: string } }) => e.actor.name)[0]).toMatch(/^cli:/);
  });
});

describe('rollbook api', () => {
  it('calls a remote server with an API token and maps its problems to exit codes', async () => {
    const { createTestContext, buildSmallTree } = await import('./test/test-context.js');
    const { signedInUser } = await import('./test/test-app.js');
    const { buildApp } = await import('./http/app.js');
    const { ctx, handle } = await createTestContext();
    const app = await buildApp(ctx, { serveWeb: false });
    try {
      const tree = await buildSmallTree(ctx);
      const viewer = await signedInUser(ctx, [{ role: 'viewer', unitId: tree.commune }]);
      const made = await app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: viewer.headers,
        payload: { name: 'cli' },
      });
      const server = await app.listen({ port: 0, host: '127.0.0.1' });
      process.env.ROLLBOOK_TOKEN = made.json().secret;
      const top = await cli('api', 'GET', '/api/v1/units?parentId=root', '--server', server);
      expect(top.code).toBe(0);
      expect(JSON.parse(top.out).items.map((u: { id: number }) => u.id)).toEqual([tree.commune]);
      const outside = await cli(
        '--lang',
        'vi',
        'api',
        'GET',
        `/api/v1/units/${tree.province}`,
        '--server',
        server,
      );
      expect(outside.code).toBe(3);
      expect(outside.err).toContain('không tồn tại');
      process.env.ROLLBOOK_TOKEN = 'rbk_not-a-token';
      expect((await cli('api', 'GET', '/api/v1/session', '--server', server)).code).toBe(6);
    } finally {
      delete process.env.ROLLBOOK_TOKEN;
      await app.close();
      await handle.close();
    }
  });
});

describe('rollbook member, work-list and figures', () => {
  /** The demo's cells; the first test of this file loads it, and this block also runs alone. */
  async function ensureDemo() {
    if (!JSON.parse((await cli('--json', 'units', 'list')).out).length)
      expect((await cli('demo')).code).toBe(0);
  }
  const figuresOf = async (...args: string[]) => {
    const run = await cli('--json', 'figures', 'members', '--unit', 'AG-MHH-AP1', ...args);
    expect(run.code, run.err).toBe(0);
    return JSON.parse(run.out) as {
      unit: { code: string };
      stock: { members: number; byStatus: Array<{ value: string; count: number }>; byEthnicity?: unknown[] };
      period: Record<'current' | 'previous' | 'lastYear', { admissions: number; recognitions: number }>;
    };
  };
  const official = (f: Awaited<ReturnType<typeof figuresOf>>) =>
    f.stock.byStatus.find((s) => s.value === 'official')?.count ?? 0;
  const period = ['--as-of', '2025-12-01', '--from', '2025-09-01', '--to', '2025-11-30'];

  it('adds a member, refuses an early recognition with its rule, records it, and reads them back', async () => {
    await ensureDemo();
    // Counted before and after: the demo may hold members of its own.
    const before = await figuresOf(...period);

    const added = await cli(
      '--json',
      'member',
      'add',
      '--name',
      'Lê Thị Ngọc Ánh',
      '--unit',
      'ag-mhh-ap1',
      '--birth-date',
      '1995-04-10',
      '--sex',
      'female',
      '--education',
      'bachelor',
      '--ethnicity',
      'kinh',
      '--national-id',
      '079195004321',
      '--admitted',
      '2024-09-02',
      '--ceremony',
      '2024-09-16',
      '--decision',
      '123-QĐ/ĐU',
      '--decided-by',
      'Đảng ủy xã',
    );
    expect(added.code, added.err).toBe(0);
    const member = JSON.parse(added.out).member as { id: number; state: { status: string } };
    expect(member.state.status).toBe('admitted');
    const id = String(member.id);

    // The probation review falls due after the probation ends: it is on the cell's work list.
    const due = JSON.parse(
      (await cli('--json', 'work-list', '--unit', 'AG-MHH-AP1', '--as-of', '2025-09-01', '--horizon', '90'))
        .out,
    ) as Array<{ memberId: number; kind: string; since: string }>;
    expect(due).toContainEqual(
      expect.objectContaining({ memberId: member.id, kind: 'recognition', since: '2025-09-16' }),
    );

    // Too early: a dry run says so on stdout; the write is refused with the rule and its source.
    const check = await cli(
      '--json',
      'member',
      'event',
      id,
      'recognition',
      '--date',
      '2025-09-01',
      '--dry-run',
    );
    expect(check.code).toBe(4);
    expect(JSON.parse(check.out)).toMatchObject({
      ok: false,
      problems: [
        {
          rule: 'recognition_too_early',
          field: '--date',
          source: expect.stringMatching(/Charter|Regulation/),
        },
      ],
    });
    const refused = await cli('--lang', 'vi', 'member', 'event', id, 'recognition', '--date', '2025-09-01');
    expect(refused.code).toBe(4);
    expect(refused.err).toContain('rule recognition_too_early');
    expect(refused.err).toMatch(/Không thể ghi: .*2025-09-16.*Quy định \(.+\): .*(Charter|Regulation)/);

    // Late, but allowed: recorded with a note; official from the exact 12-month date.
    const recognized = await cli(
      '--lang',
      'en',
      'member',
      'event',
      id,
      'recognition',
      '--date',
      '2025-11-20',
      '--decision',
      '45-QĐ/ĐU',
    );
    expect(recognized.code, recognized.err).toBe(0);
    expect(recognized.out).toMatch(/recorded a recognition as official .*; now official, AG-MHH-AP1/);
    expect(recognized.out).toContain('note (recognition_late)');

    const shown = await cli('--lang', 'en', 'member', 'show', id, '--as-of', '2025-12-01');
    expect(shown.out).toContain('status: official since 2025-09-16');
    expect(shown.out).toContain('unit: AG-MHH-AP1');
    expect(shown.out).toContain('seniority: 14 months');
    expect(shown.out).toContain('sex: Female');
    const detail = JSON.parse((await cli('--json', 'member', 'show', id, '--as-of', '2025-10-01')).out);
    expect(detail).toMatchObject({
      seniorityMonths: 12,
      state: { status: 'official' },
      record: { nationalId: '079195004321' },
      memberships: [{ ceremonyDate: '2024-09-16', officialFrom: '2025-09-16' }],
    });
    const events = JSON.parse((await cli('--json', 'member', 'events', id)).out) as Array<{
      type: string;
      decisionNumber: string | null;
    }>;
    expect(events.map((e) => [e.type, e.decisionNumber])).toEqual([
      ['admission', '123-QĐ/ĐU'],
      ['recognition', '45-QĐ/ĐU'],
    ]);

    // Found without diacritics, as text and as JSON.
    const listed = await cli('member', 'list', '--unit', 'AG-MHH-AP1', '--search', 'le thi ngoc anh');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(new RegExp(`^${id}\\s+Lê Thị Ngọc Ánh\\s+1995-04-10`, 'm'));
    const found = JSON.parse(
      (await cli('--json', 'member', 'list', '--search', 'LE THI NGOC ANH', '--as-of', '2025-10-01')).out,
    ) as Array<{ id: number; status: string; unitCode: string }>;
    expect(found).toEqual([
      expect.objectContaining({ id: member.id, status: 'official', unitCode: 'AG-MHH-AP1' }),
    ]);

    // Figures: one more official member; the recognition in the period, the admission a year earlier.
    const after = await figuresOf(...period);
    expect(after.unit.code).toBe('AG-MHH-AP1');
    expect(after.stock.members - before.stock.members).toBe(1);
    expect(official(after) - official(before)).toBe(1);
    expect(after.stock.byEthnicity).toBeDefined();
    expect(after.period.current.recognitions - before.period.current.recognitions).toBe(1);
    expect(after.period.lastYear.admissions - before.period.lastYear.admissions).toBe(1);
    expect(after.period.previous).toEqual(before.period.previous);
    const table = await cli('--lang', 'en', 'figures', 'members', '--unit', 'AG-MHH-AP1', ...period);
    expect(table.out).toMatch(/^official\s+\d+$/m);
    expect(table.out).toMatch(/^Kinh\s+\d+$/m);
    expect(table.out).toMatch(/^recognitions\s+\d+\s+\d+\s+\d+$/m);

    // Built roll-ups answer exactly what counting did.
    const rollup = await cli('--json', 'figures', 'rollup', '--min-members', '1');
    expect(rollup.code, rollup.err).toBe(0);
    expect((JSON.parse(rollup.out) as { chosen: number[] }).chosen.length).toBeGreaterThan(0);
    expect(await figuresOf(...period)).toEqual(after);
  }, 240_000);

  it('answers an unknown unit code, a missing member and a malformed detail with their exit codes', async () => {
    await ensureDemo();
    const unknown = await cli('member', 'list', '--unit', 'NO-SUCH-CELL');
    expect(unknown.code).toBe(3);
    expect(unknown.err).toContain('NO-SUCH-CELL');
    expect((await cli('member', 'show', '99999')).code).toBe(3);
    const unknownDetail = await cli(
      'member',
      'event',
      '1',
      'transfer_out',
      '--date',
      '2025-01-01',
      '--detail',
      'colour=red',
    );
    expect(unknownDetail.code).toBe(2);
    expect(unknownDetail.err).toContain('--detail colour');
    const noFirstEvent = await cli('member', 'add', '--name', 'X', '--unit', 'AG-MHH-AP1');
    expect(noFirstEvent.code).toBe(2);
    expect(noFirstEvent.err).toContain('--admitted|--applied');
  }, 120_000);

  it('imports members from a file: a dry run lists the problems, the import writes all rows, a second run nothing', async () => {
    await ensureDemo();
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(
      bad,
      'Họ và tên;Chi bộ;Ngày vào Đảng;Ngày lễ kết nạp;Ngày sinh\nVõ Văn Tám;ag-mhh-ap1;02/09/2024;16/09/2024;30/02/1990\n',
    );
    const report = path.join(dir, 'problems.csv');
    const refused = await cli('--lang', 'vi', 'import', bad, '--dry-run', '--problems', report);
    expect(refused.code, refused.err).toBe(4);
    expect(refused.err).toContain('row 2, Ngày sinh “30/02/1990”: “30/02/1990” không phải ngày');
    expect(fs.readFileSync(report, 'utf8')).toContain('2,Ngày sinh,30/02/1990,');

    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(
      good,
      [
        'Full name,Unit,Joined,Ceremony,Born,Sex',
        'Võ Văn Tám,ag-mhh-ap1,2024-09-02,2024-09-16,1990-02-03,male',
        'Đinh Thị Chín,AG-MHH-AP1,02/09/2024,16/09/2024,04/05/1991,Nữ',
      ].join('\n'),
    );
    const dry = await cli(
      'import',
      good,
      '--dry-run',
      '--map',
      'admissionDate=Joined',
      '--map',
      'ceremonyDate=Ceremony',
    );
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('2 rows checked, no problems; nothing written');
    const id = Number(/import #(\d+)/.exec(dry.out)![1]);

    // The dry run's import carries on where it stopped.
    const done = await cli('--json', 'import', '--resume', String(id));
    expect(done.code, done.err).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({ status: 'committed', result: { members: 2 } });
    const listed = await cli('--json', 'member', 'list', '--unit', 'AG-MHH-AP1', '--search', 'Đinh Thị Chín');
    expect(JSON.parse(listed.out)).toHaveLength(1);

    const again = await cli(
      'import',
      good,
      '--map',
      'admissionDate=Joined',
      '--map',
      'ceremonyDate=Ceremony',
    );
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('this file was imported before');
    const still = await cli('--json', 'member', 'list', '--unit', 'AG-MHH-AP1', '--search', 'Đinh Thị Chín');
    expect(JSON.parse(still.out)).toHaveLength(1);

    // And out again: the cell's members as a workbook, with the import's headers.
    const out = path.join(dir, 'members.xlsx');
    const exported = await cli(
      '--lang',
      'vi',
      'export',
      'members',
      '--unit',
      'AG-MHH-AP1',
      '--columns',
      'fullName,unit',
      '--out',
      out,
    );
    expect(exported.code, exported.err).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const names = book.worksheets[0]!.getColumn(1).values.slice(1);
    expect(names[0]).toBe('Họ và tên');
    expect(names).toEqual(expect.arrayContaining(['Võ Văn Tám', 'Đinh Thị Chín']));
  }, 240_000);

  it('saves the mapping of an import as a template and applies it to the next file from the same source', async () => {
    await ensureDemo();
    const header = 'Tên ĐV,Mã CB,Vào Đảng,Kết nạp,Sinh';
    const first = path.join(dir, 'source-1.csv');
    fs.writeFileSync(first, [header, 'Lý Văn Mười,ag-mhh-ap1,02/09/2024,16/09/2024,30/02/1990'].join('\n'));
    const report = path.join(dir, 'problems.xlsx');
    const map = [
      'fullName=Tên ĐV',
      'unit=Mã CB',
      'admissionDate=Vào Đảng',
      'ceremonyDate=Kết nạp',
      'birthDate=Sinh',
    ];
    const saved = await cli(
      '--lang',
      'vi',
      'import',
      first,
      '--dry-run',
      ...map.flatMap((m) => ['--map', m]),
      '--save-template',
      'Nguồn CLI',
      '--problems',
      report,
    );
    // A wrong date in a row does not make the mapping wrong: it is saved, and the problems listed.
    expect(saved.code, saved.err).toBe(4);
    expect(saved.out).toContain('mapping saved as template “Nguồn CLI”');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(report);
    const rows = book.worksheets[0]!.getSheetValues().slice(1) as unknown[][];
    expect(rows[0]!.slice(1)).toEqual(['dòng', 'cột', 'giá trị', 'lỗi']);
    expect(rows[1]!.slice(1, 4)).toEqual([2, 'Sinh', '30/02/1990']);

    const second = path.join(dir, 'source-2.csv');
    fs.writeFileSync(second, [header, 'Lý Văn Mười,ag-mhh-ap1,02/09/2024,16/09/2024,28/02/1990'].join('\n'));
    const applied = await cli('import', second, '--dry-run', '--template', 'nguồn cli');
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out).toContain('fullName=Tên ĐV');

    // A column the template names that the file lacks is said, and listed; --map points it elsewhere.
    const third = path.join(dir, 'source-3.csv');
    fs.writeFileSync(
      third,
      [
        'Tên ĐV,Mã CB,Ngày vào,Kết nạp,Sinh',
        'Lý Thị Mười Một,ag-mhh-ap1,02/09/2024,16/09/2024,28/02/1991',
      ].join('\n'),
    );
    const lacking = await cli('import', third, '--dry-run', '--template', 'Nguồn CLI');
    expect(lacking.code).toBe(4);
    expect(lacking.err).toContain(
      'template “Nguồn CLI”: the template maps “Admission date” to column “Vào Đảng”',
    );
    const corrected = await cli(
      'import',
      third,
      '--dry-run',
      '--template',
      'Nguồn CLI',
      '--map',
      'admissionDate=Ngày vào',
    );
    expect(corrected.code, corrected.err).toBe(0);

    // A name is saved once; an unknown one is not found.
    const twice = await cli(
      'import',
      second,
      '--dry-run',
      '--template',
      'Nguồn CLI',
      '--save-template',
      'NGUỒN CLI',
    );
    expect(twice.code).toBe(5);
    expect(twice.err).toContain('NGUỒN CLI');
    const unknown = await cli('import', second, '--dry-run', '--template', 'Không có');
    expect(unknown.code).toBe(3);
  }, 240_000);

  it('imports units from a file: problems first, then the units stand in the tree', async () => {
    await ensureDemo();
    const file = path.join(dir, 'units-import.csv');
    const header = 'Code,Name,Kind,Parent unit (code),Valid from';
    fs.writeFileSync(file, `${header}\nAG-MHH-CLI,Chi bộ Ấp Mới,grassroots_cell,NO-SUCH-UNIT,05/01/2026\n`);
    const refused = await cli('import', file, '--entity', 'units', '--dry-run');
    expect(refused.code, refused.err).toBe(4);
    expect(refused.err).toContain('NO-SUCH-UNIT');

    fs.writeFileSync(file, `${header}\nAG-MHH-CLI,Chi bộ Ấp Mới,grassroots_cell,ag-mhh,05/01/2026\n`);
    const done = await cli('--json', 'import', file, '--entity', 'units');
    expect(done.code, done.err).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({ status: 'committed', result: { units: 1 } });
    const out = path.join(dir, 'units-after.csv');
    const exported = await cli(
      'export',
      'units',
      '--unit',
      'AG-MHH-CLI',
      '--columns',
      'code,parent',
      '-o',
      out,
    );
    expect(exported.code, exported.err).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toContain('AG-MHH-CLI,AG-MHH');
  }, 240_000);

  it('imports a card register: problems first, then the cards are on the member', async () => {
    await ensureDemo();
    const added = await cli(
      '--json',
      'member',
      'add',
      '--name',
      'Phan Văn Thẻ',
      '--unit',
      'ag-mhh-ap1',
      '--birth-date',
      '1990-01-01',
      '--admitted',
      '2024-09-02',
      '--ceremony',
      '2024-09-16',
    );
    expect(added.code, added.err).toBe(0);
    const id = String((JSON.parse(added.out) as { member: { id: number } }).member.id);
    expect((await cli('member', 'event', id, 'recognition', '--date', '2025-09-16')).code).toBe(0);
    const file = path.join(dir, 'cards-import.csv');
    const header = 'Member number,Card number,Issued on,How issued';
    // Still on probation in June 2025: the statute refuses the card.
    fs.writeFileSync(file, `${header}\n${id},CLI-CARD-1,01/06/2025,Issue\n`);
    const refused = await cli('import', file, '--entity', 'cards', '--dry-run');
    expect(refused.code, refused.err).toBe(4);
    expect(refused.err).toContain('official member');

    fs.writeFileSync(file, `${header}\n${id},CLI-CARD-1,01/10/2025,Issue\n${id},CLI-CARD-2,01/06/2026,\n`);
    const done = await cli('import', file, '--entity', 'cards');
    expect(done.code, done.err).toBe(0);
    expect(done.out).toContain('2 cards written for 1 members');
    // Again: every card is already on the member; nothing new is written.
    const again = await cli('import', file, '--entity', 'cards');
    expect(again.code).toBe(4);
    expect(again.err).toContain('already has card CLI-CARD-2');
  }, 240_000);

  it('exports the unit tree as of a date and the events of a period', async () => {
    await ensureDemo();
    const units = path.join(dir, 'units.csv');
    const tree = await cli(
      'export',
      'units',
      '--unit',
      'ag-mhh-ap1',
      '--as-of',
      '2026-01-01',
      '--columns',
      'code,parent,kind',
      '-o',
      units,
    );
    expect(tree.code, tree.err).toBe(0);
    const lines = fs
      .readFileSync(units, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Code,Parent unit (code),Kind');
    expect(lines[1]).toMatch(/^AG-MHH-AP1,/);

    // The admissions the import above wrote, as a Vietnamese workbook.
    const out = path.join(dir, 'events.xlsx');
    const events = await cli(
      '--lang',
      'vi',
      'export',
      'events',
      '--unit',
      'AG-MHH-AP1',
      '--from',
      '2024-09-01',
      '--to',
      '2024-09-30',
      '--columns',
      'fullName,type,date',
      '--out',
      out,
    );
    expect(events.code, events.err).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Họ và tên', 'Sự kiện', 'Ngày diễn ra']);
    expect(sheet.getColumn(1).values.slice(2)).toEqual(
      expect.arrayContaining(['Võ Văn Tám', 'Đinh Thị Chín']),
    );
    expect(sheet.getRow(2).getCell(2).value).toBe('Kết nạp');

    const backwards = await cli('export', 'events', '--from', '2025-06-01', '--to', '2025-01-01');
    expect(backwards.code).toBe(2);
    expect(backwards.err).toContain('2025-06-01');
  }, 240_000);
});
