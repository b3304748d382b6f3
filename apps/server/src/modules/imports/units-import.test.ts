import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInUser } from '../../test/test-app.js';
import { applyOps, buildSmallTree, buildUnit, uniqueCode } from '../../test/test-context.js';
import { importSettled } from './imports.service.js';

/**
 * Units from a file (issue 5), against a real database: the journey from upload to the units
 * standing in the tree, every problem a file can have, the importer's reach, the round trip from
 * the units export, idempotence and atomicity.
 */

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
let t: TestApp;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;
const codes: Record<string, string> = {};

async function codeOf(app: TestApp, id: number): Promise<string> {
  return (
    await sql<{ code: string }>`select code from unit_version where unit_id = ${id} and superseded_at is null
      order by lower(valid) desc limit 1`.execute(app.ctx.db)
  ).rows[0]!.code;
}

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
  for (const [k, id] of Object.entries(tree)) codes[k] = await codeOf(t, id);
});
afterAll(async () => t?.close());

interface Job {
  id: number;
  status: string;
  entity: string;
  mapping: Record<string, string>;
  rowsTotal: number | null;
  problemCount: number;
  result: Record<string, number> | null;
  failure: { code: string } | null;
}

interface Problem {
  row: number | null;
  column: string | null;
  field: string | null;
  value: string | null;
  reason: string;
  message: string;
}

async function upload(
  body: string,
  options: { unitId?: number; headers?: Record<string, string>; app?: TestApp } = {},
) {
  return (options.app ?? t).inject({
    method: 'POST',
    url: `/api/v1/imports?entity=units&fileName=units.csv${options.unitId ? `&unitId=${options.unitId}` : ''}`,
    headers: { 'content-type': 'text/csv', ...(options.headers ?? {}) },
    payload: body,
  });
}

async function job(id: number, headers: Record<string, string> = {}, app = t): Promise<Job> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Job;
}

async function run(id: number, step: 'validate' | 'commit', headers: Record<string, string> = {}, app = t) {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/imports/${id}/${step}`,
    headers,
    ...(step === 'validate' ? { payload: {} } : {}),
  });
  expect(res.statusCode, res.body).toBe(202);
  await importSettled(id);
  return job(id, headers, app);
}

async function problems(id: number, headers: Record<string, string> = {}): Promise<Problem[]> {
  const res = await t.inject({ method: 'GET', url: `/api/v1/imports/${id}/problems?limit=500`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: Problem[] }).items;
}

/** Uploads and validates a file; answers the job and its problems. */
async function check(body: string, options: { unitId?: number; headers?: Record<string, string> } = {}) {
  const res = await upload(body, options);
  expect(res.statusCode, res.body).toBe(201);
  const checked = await run((res.json() as Job).id, 'validate', options.headers ?? {});
  return { job: checked, problems: await problems(checked.id, options.headers ?? {}) };
}

async function unitByCode(code: string, app = t) {
  return (
    await sql<{ unitId: number; name: string; kind: string; parentId: number | null; valid: string }>`
      select v.unit_id as "unitId", v.name, v.kind, v.parent_id as "parentId", v.valid::text as valid
      from unit_version v where upper(v.code) = upper(${code}) and v.superseded_at is null
      order by lower(v.valid)`.execute(app.ctx.db)
  ).rows;
}

async function unitCount(app = t): Promise<number> {
  return (await sql<{ n: number }>`select count(*)::int as n from unit`.execute(app.ctx.db)).rows[0]!.n;
}

const HEADER = 'Code,Name,Kind,Parent unit (code),Valid from,Valid until';

describe('importing units from a file', () => {
  it('checks the whole file, lists its problems, and once fixed creates the units in the tree', async () => {
    const [com, gc, c1, c2] = [uniqueCode('COM'), uniqueCode('GC'), uniqueCode('CB'), uniqueCode('CB')];
    const before = await unitCount();
    const broken = [
      HEADER,
      `${com},Đảng bộ xã Tân Mỹ,Commune-level committee,${codes.province},01/02/2020,`,
      `${gc},,grassroots_committee,${com},2020-02-01,`,
      `${c1},Chi bộ Ấp 1,martian,${gc},01/03/2020,`,
      `${c2},Chi bộ Ấp 2,cell,${gc},01/03/2020,01/01/2020`,
    ].join('\n');
    const first = await check(broken);
    expect(first.job).toMatchObject({ status: 'invalid', entity: 'units', rowsTotal: 4 });
    expect(first.job.mapping).toMatchObject({
      code: 'Code',
      name: 'Name',
      kind: 'Kind',
      parent: 'Parent unit (code)',
      validFrom: 'Valid from',
      validUntil: 'Valid until',
    });
    expect(first.problems.map((p) => [p.row, p.column, p.reason])).toEqual([
      [3, 'Name', 'import.required'],
      [4, 'Kind', 'import.vocabulary'],
      [5, 'Valid until', 'import.until_before_from'],
    ]);
    expect(first.problems[1]!.message).toContain('martian');
    expect(await unitCount()).toBe(before);

    // Fixed: the kind by its Vietnamese name, the end after the start.
    const fixed = [
      HEADER,
      `${com},Đảng bộ xã Tân Mỹ,Commune-level committee,${codes.province},01/02/2020,`,
      `${gc},Đảng bộ Trường Tiểu học,grassroots_committee,${com},2020-02-01,`,
      `${c1},Chi bộ Ấp 1,Chi bộ trực thuộc đảng ủy cơ sở,${gc.toLowerCase()},01/03/2020,`,
      `${c2},Chi bộ Ấp 2,cell,${gc},43891,01/01/2024`,
    ].join('\n');
    const second = await check(fixed);
    expect(second.job, JSON.stringify(second.problems)).toMatchObject({
      status: 'validated',
      problemCount: 0,
    });
    expect(await unitCount()).toBe(before);
    const committed = await run(second.job.id, 'commit');
    // Three days: 2020-02-01 (commune, committee), 2020-03-01 (cells), 2024-01-01 (a cell ends).
    expect(committed).toMatchObject({ status: 'committed', result: { units: 4, orders: 3 } });
    expect(await unitCount()).toBe(before + 4);

    const [commune] = await unitByCode(com);
    const [committee] = await unitByCode(gc);
    const [cell1] = await unitByCode(c1);
    const [cell2] = await unitByCode(c2);
    expect(commune).toMatchObject({ kind: 'commune', parentId: tree.province, valid: '[2020-02-01,)' });
    expect(committee).toMatchObject({ kind: 'grassroots_committee', parentId: commune!.unitId });
    expect(cell1).toMatchObject({ kind: 'cell', parentId: committee!.unitId, valid: '[2020-03-01,)' });
    expect(cell2).toMatchObject({ kind: 'cell', valid: '[2020-03-01,2024-01-01)' });
    // Paths as for units typed in: the cell lies under the province.
    const path = await sql<{ under: boolean }>`select t.path <@ p.path as under from unit_tree t, unit_tree p
      where t.unit_id = ${cell1!.unitId} and p.unit_id = ${tree.province} and p.valid @> '2021-01-01'::date
        and t.valid @> '2021-01-01'::date`.execute(t.ctx.db);
    expect(path.rows[0]!.under).toBe(true);

    // Visible in /units: the committee's children today, and both cells in 2022.
    const today = await t.inject({ method: 'GET', url: `/api/v1/units?parentId=${committee!.unitId}` });
    expect((today.json() as { items: Array<{ code: string }> }).items.map((u) => u.code)).toEqual([c1]);
    const in2022 = await t.inject({
      method: 'GET',
      url: `/api/v1/units?parentId=${committee!.unitId}&asOf=2022-06-01`,
    });
    expect((in2022.json() as { items: Array<{ code: string }> }).items.map((u) => u.code).sort()).toEqual(
      [c1, c2].sort(),
    );

    // The orders and the import are in the audit trail, like orders typed by hand.
    const orders = await sql<{ n: number }>`select count(*)::int as n from reorg_order
      where title = ${`Import #${second.job.id}: units.csv`} and status = 'applied'`.execute(t.ctx.db);
    expect(orders.rows[0]!.n).toBe(3);
    const audit = await t.inject({ method: 'GET', url: '/api/v1/audit?action=import.commit' });
    expect(audit.json().items[0]).toMatchObject({ entity: { type: 'import', id: String(second.job.id) } });

    // Idempotent: committing again, or the same file again, creates nothing.
    const again = await run(second.job.id, 'commit');
    expect(again.status).toBe('committed');
    const twice = await check(fixed);
    expect(twice.job.status).toBe('invalid');
    expect(new Set(twice.problems.map((p) => p.reason))).toEqual(new Set(['import.unit_code_in_use']));
    expect(await unitCount()).toBe(before + 4);
  });

  it('reports each kind of problem on its row and column, in the reader’s language', async () => {
    const c = () => uniqueCode('P');
    const [dupe, loopA, loopB, late, ok, child] = [c(), c(), c(), c(), c(), c()];
    const ended = await buildUnit(t.ctx, { kind: 'commune', parentId: tree.province }, '2010-01-01');
    await applyOps(t.ctx, '2022-01-01', [{ type: 'dissolve', unitId: ended }]);
    const endedCode = await codeOf(t, ended);
    const lines = [
      HEADER,
      /* 2 */ `${c()},Không cha,cell,,2020-01-01,`,
      /* 3 */ `${c()},Cha lạ,commune,NO-SUCH-UNIT,2020-01-01,`,
      /* 4 */ `${c()},Sai cấp,cell,${codes.province},2020-01-01,`,
      /* 5 */ `${dupe},Một,commune,${codes.province},2020-01-01,`,
      /* 6 */ `${dupe.toLowerCase()},Hai,commune,${codes.province},2020-01-01,`,
      /* 7 */ `${codes.commune},Đã có,commune,${codes.province},2020-01-01,`,
      /* 8 */ `${loopA},Vòng A,grassroots_committee,${loopB},2020-01-01,`,
      /* 9 */ `${loopB},Vòng B,grassroots_committee,${loopA},2020-01-01,`,
      /* 10 */ `${late},Muộn,commune,${codes.province},2021-01-01,`,
      /* 11 */ `${c()},Sớm,grassroots_committee,${late},2020-01-01,`,
      /* 12 */ `${c()},Sau khi cha giải thể,grassroots_committee,${endedCode},2020-01-01,`,
      /* 13 */ `${c()},Huyện,district,${codes.province},2026-01-01,`,
      /* 14 */ `${c()},Không ngày,commune,${codes.province},,`,
      /* 15 */ `${c()},Ngày sai,commune,${codes.province},31/02/2020,`,
      /* 16 */ `${ok},Đúng,commune,${codes.province},2020-01-01,2023-01-01`,
      /* 17 */ `${child},Quá hạn cha,grassroots_committee,${ok},2020-01-01,`,
      /* 18 */ `,Không mã,commune,${codes.province},2020-01-01,`,
    ];
    const before = await unitCount();
    const { job: checked, problems: found } = await check(lines.join('\n'));
    expect(checked.status).toBe('invalid');
    const got = found.map((p) => [p.row, p.column, p.reason]);
    expect(got).toEqual(
      expect.arrayContaining([
        [2, 'Parent unit (code)', 'import.parent_required'],
        [3, 'Parent unit (code)', 'import.unit_unknown'],
        [4, 'Parent unit (code)', 'import.unit_parent_kind'],
        [6, 'Code', 'import.unit_code_duplicate'],
        [7, 'Code', 'import.unit_code_in_use'],
        [8, 'Parent unit (code)', 'import.unit_cycle'],
        [9, 'Parent unit (code)', 'import.unit_cycle'],
        [11, 'Parent unit (code)', 'import.parent_not_standing'],
        [12, 'Parent unit (code)', 'import.parent_not_standing'],
        [13, 'Kind', 'import.unit_kind_not_in_force'],
        [14, 'Valid from', 'import.required'],
        [15, 'Valid from', 'import.date'],
        [17, 'Parent unit (code)', 'import.parent_not_standing'],
        [18, 'Code', 'import.required'],
      ]),
    );
    // Rows 5, 10 and 16 are right (the header is line 1); nothing else is reported.
    expect(found.filter((p) => [5, 10, 16].includes(p.row!))).toEqual([]);
    expect(found.find((p) => p.row === 6)!.message).toContain('row 5');
    // Kinds are named, not coded, in the reader's language; and how to fix it is said.
    const kindEn = found.find((p) => p.row === 4)!.message;
    expect(kindEn).toContain('cell under a grassroots committee');
    expect(kindEn).toContain('province-level committee');
    const vi = await problems(checked.id, { 'accept-language': 'vi' });
    expect(vi.find((p) => p.row === 4)!.message).toContain('trực thuộc');
    expect(vi.find((p) => p.row === 7)!.message).toContain('đang thuộc về');
    const ar = await problems(checked.id, { 'accept-language': 'ar' });
    expect(ar.find((p) => p.row === 8 && p.reason === 'import.unit_cycle')!.message).toContain('حلقة');
    expect(await unitCount()).toBe(before);
  });

  it('keeps the importer to their part of the tree', async () => {
    const other = await buildUnit(t.ctx, { kind: 'province', parentId: tree.central });
    const otherCode = await codeOf(t, other);
    const scoped = await signedInUser(t.ctx, [{ role: 'administrator', unitId: tree.province }]);
    const mine = uniqueCode('MINE');
    const body = [
      HEADER,
      `${mine},Xã của tôi,commune,${codes.province},2020-01-01,`,
      `${uniqueCode('X')},Xã tỉnh khác,commune,${otherCode},2020-01-01,`,
      `${uniqueCode('X')},Tỉnh mới,central,,2020-01-01,`,
    ].join('\n');
    const { job: checked, problems: found } = await check(body, { headers: scoped.headers });
    expect(checked.status).toBe('invalid');
    // Another province is unknown to them, and the top of the tree is not theirs to add to.
    expect(found.map((p) => [p.row, p.reason])).toEqual([
      [3, 'import.unit_unknown'],
      [4, 'import.parent_required_scope'],
    ]);
    // An import of another province's board is not theirs to see.
    const foreign = await upload(`${HEADER}\n`, { unitId: other });
    expect(foreign.statusCode, foreign.body).toBe(201);
    const hidden = await t.inject({
      method: 'GET',
      url: `/api/v1/imports/${(foreign.json() as Job).id}`,
      headers: scoped.headers,
    });
    expect(hidden.statusCode).toBe(404);
    // Without orders.apply, a units import is refused; members imports are not affected.
    const clerk = await signedInUser(t.ctx, [{ role: 'records_officer', unitId: tree.province }]);
    const refused = await upload(`${HEADER}\n`, { headers: clerk.headers });
    expect(refused.statusCode).toBe(403);
  });

  it('writes nothing when the commit fails in the middle', async () => {
    const [a, b, boom] = [uniqueCode('A'), uniqueCode('B'), uniqueCode('BOOM')];
    const body = [
      HEADER,
      `${a},Xã A,commune,${codes.province},2020-01-01,`,
      `${b},Đảng bộ B,grassroots_committee,${a},2020-01-01,`,
      `${boom},Xã nổ,commune,${codes.province},2021-06-01,`,
    ].join('\n');
    const { job: checked } = await check(body);
    expect(checked.status).toBe('validated');
    // A constraint of the database refuses the last order's unit (after two were written).
    await sql
      .raw(
        `create function refuse_boom() returns trigger language plpgsql as $$ begin
          if new.code = '${boom}' then raise exception 'refused by test'; end if; return new; end $$;
        create trigger refuse_boom before insert on unit_version for each row execute function refuse_boom();`,
      )
      .execute(t.ctx.db);
    const before = await unitCount();
    try {
      const failed = await run(checked.id, 'commit');
      expect(failed.status).toBe('validated');
      expect(failed.failure?.code).toBe('internal_error');
    } finally {
      await sql
        .raw(`drop trigger refuse_boom on unit_version; drop function refuse_boom();`)
        .execute(t.ctx.db);
    }
    expect(await unitCount()).toBe(before);
    expect(await unitByCode(a)).toEqual([]);
    // The cause gone, the same job commits.
    const committed = await run(checked.id, 'commit');
    expect(committed).toMatchObject({ status: 'committed', result: { units: 3, orders: 2 } });
  });

  it('imports again what the units export wrote, into another database', async () => {
    // A rename after the children were made, and one planned: still the same units, standing from
    // their first day, which the export writes so the file rebuilds the tree.
    await applyOps(t.ctx, '2015-06-01', [
      { type: 'rename', unitId: tree.commune, name: 'Đảng bộ xã Mỹ Hòa Hưng mới' },
      { type: 'rename', unitId: tree.committee, code: `${codes.committee}-N` },
    ]);
    await applyOps(t.ctx, '2099-01-01', [
      { type: 'rename', unitId: tree.cellA, name: 'Chi bộ Giáo viên 1 (sau này)' },
    ]);
    const file = await t.inject({
      method: 'GET',
      url: `/api/v1/exports/units?unitId=${tree.commune}&format=csv&asOf=2026-01-01`,
    });
    expect(file.statusCode, file.body).toBe(200);
    const exported = file.body;
    const other = await createTestApp();
    try {
      // The other database has the parent the subtree hangs from, under the same code.
      const central = await buildUnit(other.ctx, { kind: 'central', parentId: null, code: codes.central });
      await buildUnit(other.ctx, { kind: 'province', parentId: central, code: codes.province });
      const res = await upload(exported, { app: other });
      expect(res.statusCode, res.body).toBe(201);
      const checked = await run((res.json() as Job).id, 'validate', {}, other);
      expect(checked, JSON.stringify(checked)).toMatchObject({ status: 'validated', rowsTotal: 5 });
      const committed = await run(checked.id, 'commit', {}, other);
      expect(committed).toMatchObject({ status: 'committed', result: { units: 5 } });
      const again = await other.inject({
        method: 'GET',
        url: `/api/v1/exports/units?unitId=${(await unitByCode(codes.commune!, other))[0]!.unitId}&format=csv&asOf=2026-01-01&columns=code,name,kind,parent,path,depth,validFrom,validUntil`,
      });
      const original = await t.inject({
        method: 'GET',
        url: `/api/v1/exports/units?unitId=${tree.commune}&format=csv&asOf=2026-01-01&columns=code,name,kind,parent,path,depth,validFrom,validUntil`,
      });
      expect(again.body).toBe(original.body);
    } finally {
      await other.close();
    }
  });
});
