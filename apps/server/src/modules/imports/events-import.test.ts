import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInUser } from '../../test/test-app.js';
import { buildMember, buildSmallTree, buildUnit, TEST_OPERATOR } from '../../test/test-context.js';
import { memberVersion } from '../members/members.repository.js';
import { recordEvent } from '../members/members.service.js';
import { createAndApplyOrder } from '../reorg/reorg.service.js';
import { importSettled } from './imports.service.js';

/**
 * Historical lifecycle events from a file (issue 5), against a real database: problems first, then
 * the fixed file committed, the member's spans and deadlines the same as recording the events one by
 * one gives (a twin member), idempotence and the importer's reach.
 */

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
let t: TestApp;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;
let clerk: Awaited<ReturnType<typeof signedInUser>>;
let outsider: Awaited<ReturnType<typeof signedInUser>>;
let otherCell: number;
const codes: Record<string, string> = {};

async function codeOf(id: number): Promise<string> {
  return (
    await sql<{ code: string }>`select code from unit_version where unit_id = ${id} and superseded_at is null
      order by lower(valid) desc limit 1`.execute(t.ctx.db)
  ).rows[0]!.code;
}

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
  const otherCommune = await buildUnit(t.ctx, { kind: 'commune', parentId: tree.province, name: 'Xã khác' });
  otherCell = await buildUnit(t.ctx, {
    kind: 'grassroots_cell',
    parentId: otherCommune,
    name: 'Chi bộ khác',
  });
  for (const k of ['cellA', 'cellB'] as const) codes[k] = await codeOf(tree[k]);
  clerk = await signedInUser(t.ctx, [{ role: 'records_officer', unitId: tree.commune }]);
  outsider = await signedInUser(t.ctx, [{ role: 'records_officer', unitId: otherCommune }]);
});
afterAll(async () => t?.close());

interface Job {
  id: number;
  status: string;
  problemCount: number;
  result: Record<string, number> | null;
  failure: { code: string } | null;
}
interface Problem {
  row: number | null;
  field: string | null;
  reason: string;
  message: string;
}

async function job(id: number, headers: Record<string, string>): Promise<Job> {
  const res = await t.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Job;
}

async function run(id: number, step: 'validate' | 'commit', headers: Record<string, string>) {
  const res = await t.inject({
    method: 'POST',
    url: `/api/v1/imports/${id}/${step}`,
    headers,
    ...(step === 'validate' ? { payload: {} } : {}),
  });
  expect(res.statusCode, res.body).toBe(202);
  await importSettled(id);
  return job(id, headers);
}

async function check(body: string, headers: Record<string, string>) {
  const res = await t.inject({
    method: 'POST',
    url: `/api/v1/imports?entity=events&fileName=events.csv`,
    headers: { 'content-type': 'text/csv', ...headers },
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  const checked = await run((res.json() as Job).id, 'validate', headers);
  const list = await t.inject({
    method: 'GET',
    url: `/api/v1/imports/${checked.id}/problems?limit=500`,
    headers: { ...headers, 'accept-language': 'vi' },
  });
  expect(list.statusCode, list.body).toBe(200);
  return { job: checked, problems: (list.json() as { items: Problem[] }).items };
}

async function derived(memberId: number) {
  const spans = await sql<
    Record<string, unknown>
  >`select valid::text, status, unit_id, exit_reason, exempted, suspended,
      transfer_to_unit_id, host_unit_id from member_span where member_id = ${memberId} order by lower(valid)`.execute(
    t.ctx.db,
  );
  const deadlines = await sql<
    Record<string, unknown>
  >`select kind, since::text, due::text from member_deadline
    where member_id = ${memberId} order by kind, since`.execute(t.ctx.db);
  return { spans: spans.rows, deadlines: deadlines.rows };
}

async function eventCount(): Promise<number> {
  return (await sql<{ n: number }>`select count(*)::int as n from member_event`.execute(t.ctx.db)).rows[0]!.n;
}

const HEADER = 'Member number,Event,Event date,Unit (code),Moved to (code),Details,Decision number';

describe('importing lifecycle events of members in the register', () => {
  it('lists every problem first, then writes what recording the events one by one writes', async () => {
    const member = await buildMember(t.ctx, { unitId: tree.cellA, admitted: '2020-03-02' });
    const twin = await buildMember(t.ctx, { unitId: tree.cellA, admitted: '2020-03-02' });
    const stranger = await buildMember(t.ctx, { unitId: otherCell, admitted: '2020-03-02' });
    const transfer = `${member},Chuyển sinh hoạt đi,10/05/2022,${codes.cellA},${codes.cellB},Hình thức chuyển: Trong nội bộ,QĐ 12`;
    const recognition = `${member},Recognition as official,02/03/2021,,,,`;
    const broken = [
      HEADER,
      recognition,
      transfer,
      `999999,recognition,02/03/2021,,,,`,
      `${stranger},recognition,02/03/2021,,,,`,
      `${member},Lễ kết nạp,05/03/2020,,,,`,
      `${member},admission,2020-03-02,${codes.cellA},,,`,
      `${member},recognition,2021-03-02,,,,`,
      `${member},martian,2021-03-02,,,,`,
    ].join('\n');
    const before = await eventCount();
    const { job: invalid, problems } = await check(broken, clerk.headers);
    expect(invalid.status).toBe('invalid');
    const byRow = Object.fromEntries(problems.map((p) => [p.row, p.reason]));
    expect(byRow).toEqual({
      4: 'import.member_unknown',
      5: 'import.member_unknown', // out of the clerk's scope: told as unknown
      6: 'rule.event_not_allowed', // a ceremony for a probationary member
      7: 'import.event_exists',
      8: 'import.event_duplicate',
      9: 'import.event_type',
    });
    expect(problems.find((p) => p.row === 5)!.message).toContain('không có đảng viên');
    expect(await eventCount()).toBe(before);

    const fixed = [HEADER, recognition, transfer].join('\n');
    const { job: ok, problems: none } = await check(fixed, clerk.headers);
    expect(none).toEqual([]);
    expect(ok.status).toBe('validated');
    // Another's job is not found.
    const peek = await t.inject({
      method: 'GET',
      url: `/api/v1/imports/${ok.id}`,
      headers: outsider.headers,
    });
    expect(peek.statusCode).toBe(404);
    const committed = await run(ok.id, 'commit', clerk.headers);
    expect(committed.status, JSON.stringify(committed.failure)).toBe('committed');
    expect(committed.result).toMatchObject({ members: 1, events: 2 });
    expect(await eventCount()).toBe(before + 2);

    // The twin: the same events recorded one by one.
    await recordEvent(t.ctx, TEST_OPERATOR, twin, (await memberVersion(t.ctx.db, twin))!, {
      type: 'recognition',
      date: '2021-03-02',
    });
    await recordEvent(t.ctx, TEST_OPERATOR, twin, (await memberVersion(t.ctx.db, twin))!, {
      type: 'transfer_out',
      date: '2022-05-10',
      unitId: tree.cellB,
      details: { transferKind: 'internal' },
      decision: { number: 'QĐ 12' },
    });
    expect(await derived(member)).toEqual(await derived(twin));
    const [mine, theirs] = await Promise.all(
      [member, twin].map(async (id) => {
        const res = await t.inject({ method: 'GET', url: `/api/v1/members/${id}` });
        expect(res.statusCode, res.body).toBe(200);
        const d = res.json() as { state: { status: string }; unit: { id: number }; seniorityMonths: number };
        return { status: d.state.status, unit: d.unit.id, seniority: d.seniorityMonths };
      }),
    );
    expect(mine).toEqual(theirs);
    expect(mine!.status).toBe('official');
    expect(mine!.unit).toBe(tree.cellB);
    const events = await sql<{ type: string; decision_number: string | null; rule_set: string }>`
      select type, decision_number, rule_set from member_event where member_id = ${member} order by event_date`.execute(
      t.ctx.db,
    );
    const twinEvents = await sql<{ type: string; decision_number: string | null; rule_set: string }>`
      select type, decision_number, rule_set from member_event where member_id = ${twin} order by event_date`.execute(
      t.ctx.db,
    );
    expect(events.rows).toEqual(twinEvents.rows);
    const audit = await sql<{ n: number }>`select count(*)::int as n from audit_event
      where action = 'import.commit' and entity_id = ${String(ok.id)}`.execute(t.ctx.db);
    expect(audit.rows[0]!.n).toBe(1);

    // Idempotence: the same events again write nothing, whether the same file or another one.
    const again = await check(fixed, clerk.headers);
    expect(again.job.status).toBe('invalid');
    expect(again.problems.map((p) => p.reason)).toEqual(['import.event_exists', 'import.event_exists']);
    const reordered = await check([HEADER, transfer, recognition].join('\r\n'), clerk.headers);
    expect(reordered.job.status).toBe('invalid');
    expect(await eventCount()).toBe(before + 4);
  });

  it('imports an exported events file again into a register where those events are absent', async () => {
    const source = await buildMember(t.ctx, { unitId: tree.cellA, admitted: '2020-03-02' });
    const target = await buildMember(t.ctx, { unitId: tree.cellA, admitted: '2020-03-02' });
    await recordEvent(t.ctx, TEST_OPERATOR, source, (await memberVersion(t.ctx.db, source))!, {
      type: 'recognition',
      date: '2021-03-02',
    });
    await recordEvent(t.ctx, TEST_OPERATOR, source, (await memberVersion(t.ctx.db, source))!, {
      type: 'transfer_out',
      date: '2022-01-10',
      unitId: tree.gCell,
      details: { transferKind: 'temporary', purpose: 'study', until: '2022-09-30', slipNumber: 'GGT 7' },
      decision: { number: 'QĐ 99' },
    });
    const exported = await t.inject({
      method: 'GET',
      url: '/api/v1/exports/events?from=2021-01-01&to=2026-11-25',
      headers: { 'accept-language': 'vi' },
    });
    expect(exported.statusCode, exported.body).toBe(200);
    const lines = exported.body.replace(/^\uFEFF/, '').split(/\r?\n/);
    // The source's events, told as the target's: the target has none of them.
    const file = [lines[0]!, ...lines.filter((l) => l.startsWith(`${source},`))]
      .map((l, i) => (i === 0 ? l : `${target},${l.slice(String(source).length + 1)}`))
      .join('\r\n');
    expect(file.split('\r\n')).toHaveLength(3);
    const { job: ok, problems } = await check(file, t.admin.headers);
    expect(problems).toEqual([]);
    const committed = await run(ok.id, 'commit', t.admin.headers);
    expect(committed.status, JSON.stringify(committed.failure)).toBe('committed');
    expect(await derived(target)).toEqual(await derived(source));
    const details = await sql<{ details: unknown; decision_number: string }>`select details, decision_number
      from member_event where member_id = ${target} and type = 'transfer_out'`.execute(t.ctx.db);
    expect(details.rows).toEqual([
      {
        details: { transferKind: 'temporary', purpose: 'study', until: '2022-09-30', slipNumber: 'GGT 7' },
        decision_number: 'QĐ 99',
      },
    ]);
  });

  it('moves a member on through a later order that ended the unit an event places them in, and keeps each event to the writer’s reach on its day', async () => {
    const x = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ X' });
    const y = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ Y' });
    await createAndApplyOrder(t.ctx, TEST_OPERATOR, {
      effectiveDate: '2023-01-01',
      operations: [{ type: 'merge', unitIds: [x], into: { unitId: y } }],
    });
    const member = await buildMember(t.ctx, { unitId: tree.cellA, official: true });
    const twin = await buildMember(t.ctx, { unitId: tree.cellA, official: true });
    const file = [
      HEADER,
      `${member},transfer_out,10/05/2022,${codes.cellA},${await codeOf(x)},transferKind: internal,`,
    ];
    const { job, problems } = await check(file.join('\n'), clerk.headers);
    expect(problems).toEqual([]);
    expect((await run(job.id, 'commit', clerk.headers)).status).toBe('committed');
    await recordEvent(t.ctx, TEST_OPERATOR, twin, (await memberVersion(t.ctx.db, twin))!, {
      type: 'transfer_out',
      date: '2022-05-10',
      unitId: x,
      details: { transferKind: 'internal' },
    });
    // The merger of X into Y on 2023-01-01 took the member along, as it did the twin.
    expect(await derived(member)).toEqual(await derived(twin));
    const where = await sql<{ unit_id: number }>`select unit_id from member_span
      where member_id = ${member} and valid @> '2023-01-01'::date`.execute(t.ctx.db);
    expect(Number(where.rows[0]!.unit_id)).toBe(y);
    const last = await sql<{ type: string }>`select type from member_event where member_id = ${member}
      order by event_date desc, id desc limit 1`.execute(t.ctx.db);
    expect(last.rows[0]!.type).toBe('reorganization');

    // A member who came to the clerk's commune in 2024 from elsewhere: their 2021 recognition
    // happened out of the clerk's reach and is told so; the outsider's officer, who held them then,
    // no longer reaches them today (unknown).
    const newcomer = await buildMember(t.ctx, { unitId: otherCell, admitted: '2020-03-02' });
    await recordEvent(t.ctx, TEST_OPERATOR, newcomer, (await memberVersion(t.ctx.db, newcomer))!, {
      type: 'transfer_out',
      date: '2024-01-10',
      unitId: tree.cellB,
      details: { transferKind: 'official' },
    });
    await recordEvent(t.ctx, TEST_OPERATOR, newcomer, (await memberVersion(t.ctx.db, newcomer))!, {
      type: 'transfer_in',
      date: '2024-01-20',
      unitId: tree.cellB,
    });
    const late = [HEADER, `${newcomer},recognition,02/03/2021,,,,`].join('\n');
    const mine = await check(late, clerk.headers);
    expect(mine.problems.map((p) => [p.row, p.field, p.reason])).toEqual([
      [2, 'date', 'import.event_out_of_reach'],
    ]);
    expect(mine.problems[0]!.message).toContain('ngoài phạm vi');
    const theirs = await check(late, outsider.headers);
    expect(theirs.problems.map((p) => p.reason)).toEqual(['import.member_unknown']);
    const admin = await check(late, t.admin.headers);
    expect(admin.problems).toEqual([]);
  });
});
