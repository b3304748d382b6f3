import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInUser } from '../../test/test-app.js';
import { buildMember, buildSmallTree, buildUnit, TEST_OPERATOR } from '../../test/test-context.js';
import { cardAction, createCampaign } from '../members/cards.service.js';
import { memberVersion } from '../members/members.repository.js';
import { recordEvent } from '../members/members.service.js';
import { importSettled } from './imports.service.js';

/**
 * Cards from a file (issue 5), against a real database: every problem listed first and nothing
 * written, then the fixed file committed — each member's cards the same as recording them one by
 * one through the card service gives (a twin member) — idempotence, and the importer's reach.
 */

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
let t: TestApp;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;
let clerk: Awaited<ReturnType<typeof signedInUser>>;
let outsider: Awaited<ReturnType<typeof signedInUser>>;
let otherCell: number;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
  const otherCommune = await buildUnit(t.ctx, { kind: 'commune', parentId: tree.province, name: 'Xã khác' });
  otherCell = await buildUnit(t.ctx, {
    kind: 'grassroots_cell',
    parentId: otherCommune,
    name: 'Chi bộ khác',
  });
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

async function run(id: number, step: 'validate' | 'commit', headers: Record<string, string>): Promise<Job> {
  const res = await t.inject({
    method: 'POST',
    url: `/api/v1/imports/${id}/${step}`,
    headers,
    ...(step === 'validate' ? { payload: {} } : {}),
  });
  expect(res.statusCode, res.body).toBe(202);
  await importSettled(id);
  const got = await t.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers });
  expect(got.statusCode, got.body).toBe(200);
  return got.json() as Job;
}

async function check(body: string, headers: Record<string, string>, lang = 'vi') {
  const res = await t.inject({
    method: 'POST',
    url: `/api/v1/imports?entity=cards&fileName=cards.csv`,
    headers: { 'content-type': 'text/csv', ...headers },
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  const checked = await run((res.json() as Job).id, 'validate', headers);
  const list = await t.inject({
    method: 'GET',
    url: `/api/v1/imports/${checked.id}/problems?limit=500`,
    headers: { ...headers, 'accept-language': lang },
  });
  expect(list.statusCode, list.body).toBe(200);
  return { job: checked, problems: (list.json() as { items: Problem[] }).items };
}

/** A member's cards as the register keeps them, numbers and ids left out (the twin's differ). */
async function history(memberId: number) {
  const rows = await sql<
    Record<string, unknown>
  >`select c.kind, c.issued_on::text as issued, c.ended_on::text as ended,
      c.end_reason as why, r.issued_on::text as replaces, c.campaign_id as campaign
    from member_card c left join member_card r on r.id = c.replaces_card_id
    where c.member_id = ${memberId} order by c.issued_on, c.id`.execute(t.ctx.db);
  return rows.rows;
}

async function cardCount(): Promise<number> {
  return (await sql<{ n: number }>`select count(*)::int as n from member_card`.execute(t.ctx.db)).rows[0]!.n;
}

async function byHand(memberId: number, input: Parameters<typeof cardAction>[4]) {
  await cardAction(t.ctx, TEST_OPERATOR, memberId, (await memberVersion(t.ctx.db, memberId))!, input);
}

let serial = 0;
const numberOf = (prefix: string) => `${prefix}-${process.pid}-${++serial}`;

const HEADER = 'Số hiệu,Số thẻ,Ngày cấp,Hình thức cấp,Đợt đổi thẻ,Hết hiệu lực từ ngày,Lý do hết hiệu lực';

describe('importing the card register of members in the register', () => {
  it('lists every problem first, then writes what recording the cards one by one writes', async () => {
    const cell = await buildUnit(t.ctx, {
      kind: 'grassroots_cell',
      parentId: tree.commune,
      name: 'Chi bộ thẻ',
    });
    const lost = await buildMember(t.ctx, { unitId: cell, official: true });
    const exchanged = await buildMember(t.ctx, { unitId: cell, official: true });
    const [lostTwin, exchangedTwin] = [
      await buildMember(t.ctx, { unitId: cell, official: true }),
      await buildMember(t.ctx, { unitId: cell, official: true }),
    ];
    const probationary = await buildMember(t.ctx, { unitId: cell, admitted: '2026-02-02' });
    const stranger = await buildMember(t.ctx, { unitId: otherCell, official: true });
    // The campaign's scope is fixed on its start day: official members holding a card then.
    for (const m of [exchanged, exchangedTwin])
      await byHand(m, { action: 'issue', date: '2021-04-01', number: numberOf('C') });
    const campaign = await createCampaign(t.ctx, TEST_OPERATOR, {
      name: 'Đổi thẻ 2025',
      startsOn: '2025-08-08',
      unitId: tree.commune,
    });
    const held = numberOf('H');
    await byHand(stranger, { action: 'issue', date: '2021-04-01', number: held });

    const [n1, n2, n3] = [numberOf('A'), numberOf('A'), numberOf('E')];
    const good = [
      `${lost},${n1},01/04/2021,Cấp mới,,01/05/2023,Mất thẻ`,
      // Kind left empty: a later card is a re-issue, replacing the lost one.
      `${lost},${n2},01/06/2023,,,,`,
      `${exchanged},${n3},15/08/2025,Đổi thẻ,Đổi thẻ 2025,,`,
    ];
    const broken = [
      HEADER,
      ...good,
      `999999,${numberOf('X')},01/04/2021,,,,`,
      `${stranger},${numberOf('X')},01/04/2022,,,,`, // out of the clerk's scope: told as unknown
      `${probationary},${numberOf('X')},01/03/2026,,,,`,
      `${lostTwin},${held},01/04/2021,,,,`,
      `${exchangedTwin},${numberOf('X')},15/08/2025,Exchange,Đợt không có,,`,
      `${exchangedTwin},${numberOf('X')},01/09/2022,Cấp mới,,,`,
      `${lostTwin},${numberOf('X')},01/09/2022,,,01/10/2022,`,
      `${lostTwin},${numberOf('X')},01/09/2024,vứt bỏ,,,`,
      `${lostTwin},${numberOf('X')},01/12/2024,,,01/11/2024,Thu hồi`,
    ].join('\n');
    const before = await cardCount();
    const { job: invalid, problems } = await check(broken, clerk.headers);
    expect(invalid.status).toBe('invalid');
    const sorted = [...problems].sort((a, b) => a.row! - b.row!);
    expect(sorted.map((p) => [p.row, p.field, p.reason])).toEqual([
      [5, 'member', 'import.member_unknown'],
      [6, 'member', 'import.member_unknown'],
      [7, 'issuedOn', 'rule.card_not_official'],
      [8, 'number', 'import.card_number_in_use'],
      [9, 'campaign', 'import.campaign_unknown'],
      [10, 'kind', 'rule.card_already_live'],
      [11, 'endReason', 'import.card_end_pair'],
      [12, 'kind', 'import.card_word'],
      [13, 'endedOn', 'import.card_end_before_issue'],
    ]);
    expect(sorted.find((p) => p.row === 7)!.message).toContain('đảng viên chính thức');
    // A broken statute rule keeps its rule set and source, as a refusal by the card service does.
    const stored = await sql<{ params: Record<string, string> }>`select params from import_problem
      where job_id = ${invalid.id} and row_no = 7`.execute(t.ctx.db);
    expect(stored.rows[0]!.params).toMatchObject({ rule: 'card_not_official', ruleSet: expect.any(String) });
    expect(stored.rows[0]!.params.source).toBeTruthy();
    expect(await cardCount()).toBe(before);

    const { job: ok, problems: none } = await check([HEADER, ...good].join('\n'), clerk.headers);
    expect(none).toEqual([]);
    expect(ok.status).toBe('validated');
    const peek = await t.inject({
      method: 'GET',
      url: `/api/v1/imports/${ok.id}`,
      headers: outsider.headers,
    });
    expect(peek.statusCode).toBe(404);
    const versions = await Promise.all([lost, exchanged].map((m) => memberVersion(t.ctx.db, m)));
    const committed = await run(ok.id, 'commit', clerk.headers);
    expect(committed.status, JSON.stringify(committed.failure)).toBe('committed');
    expect(committed.result).toMatchObject({ members: 2, cards: 3 });
    expect(await cardCount()).toBe(before + 3);
    // Each member's version moved on: an edit prepared before the import is told it is stale.
    expect(await Promise.all([lost, exchanged].map((m) => memberVersion(t.ctx.db, m)))).toEqual(
      versions.map((v) => v! + 1),
    );

    // The twins: the same cards recorded one by one through the card service.
    await byHand(lostTwin, { action: 'issue', date: '2021-04-01', number: numberOf('T') });
    await byHand(lostTwin, { action: 'lost', date: '2023-05-01' });
    await byHand(lostTwin, { action: 'reissue', date: '2023-06-01', number: numberOf('T') });
    await byHand(exchangedTwin, {
      action: 'exchange',
      date: '2025-08-15',
      number: numberOf('T'),
      campaignId: campaign.id,
    });
    expect(await history(lost)).toEqual(await history(lostTwin));
    expect(await history(exchanged)).toEqual(await history(exchangedTwin));
    expect((await history(exchanged)).map((c) => c.why)).toEqual(['replaced', null]);

    // The exchange counts in the campaign's progress, as one recorded by hand does.
    const progress = await t.inject({
      method: 'GET',
      url: `/api/v1/card-campaigns/${campaign.id}/progress?unit=${tree.commune}&asOf=2025-09-01`,
    });
    expect(progress.statusCode, progress.body).toBe(200);
    const line = (
      progress.json() as { children: Array<{ unitId: number; inScope: number; exchanged: number }> }
    ).children.find((c) => c.unitId === cell);
    expect(line).toMatchObject({ inScope: 2, exchanged: 2 });

    // The new numbers find their members.
    const found = await t.inject({ method: 'GET', url: `/api/v1/members?q=${encodeURIComponent(n2)}` });
    expect((found.json().items as Array<{ id: number }>).map((m) => m.id)).toEqual([lost]);
    const audit = await sql<{ n: number }>`select count(*)::int as n from audit_event
      where action = 'import.commit' and entity_id = ${String(ok.id)}`.execute(t.ctx.db);
    expect(audit.rows[0]!.n).toBe(1);

    // Idempotence: the same file again is the same import; the same cards in another file are told.
    const twice = await check([HEADER, ...good].join('\n'), clerk.headers);
    expect(twice.problems.map((p) => p.reason)).toEqual([
      'import.card_exists',
      'import.card_exists',
      'import.card_exists',
    ]);
    const resaved = await check([HEADER, ...good.reverse()].join('\r\n'), clerk.headers, 'en');
    expect(resaved.job.status).toBe('invalid');
    expect(resaved.problems[0]!.message).toContain('already has card');
    // Three cards imported, three recorded by hand for the twins; the two rejected files wrote none.
    expect(await cardCount()).toBe(before + 6);
  });

  it('replaces a card recorded by hand, and refuses a card the stored history already passed', async () => {
    const member = await buildMember(t.ctx, { unitId: tree.cellA, official: true });
    const first = numberOf('S');
    await byHand(member, { action: 'issue', date: '2022-02-01', number: first });
    const replacement = numberOf('S');
    const { problems } = await check(
      [
        'Member number,Card number,Issued on,How issued',
        `${member},${numberOf('S')},01/01/2022,Re-issue`,
        `${member},${replacement},10/10/2024,Re-issue`,
      ].join('\n'),
      t.admin.headers,
      'en',
    );
    expect(problems.map((p) => [p.row, p.reason])).toEqual([[2, 'import.card_before_stored']]);
    const { job, problems: none } = await check(
      ['Member number,Card number,Issued on,How issued', `${member},${replacement},10/10/2024,Re-issue`].join(
        '\n',
      ),
      t.admin.headers,
      'en',
    );
    expect(none).toEqual([]);
    expect((await run(job.id, 'commit', t.admin.headers)).status).toBe('committed');
    expect(await history(member)).toEqual([
      {
        kind: 'issue',
        issued: '2022-02-01',
        ended: '2024-10-10',
        why: 'replaced',
        replaces: null,
        campaign: null,
      },
      {
        kind: 'reissue',
        issued: '2024-10-10',
        ended: null,
        why: null,
        replaces: '2022-02-01',
        campaign: null,
      },
    ]);
    // The replaced card's number is free again; the new one is taken.
    const clash = await check(
      [
        'Member number,Card number,Issued on',
        `${await buildMember(t.ctx, { unitId: tree.cellA, official: true })},${replacement.toLowerCase()},01/11/2024`,
      ].join('\n'),
      t.admin.headers,
      'en',
    );
    expect(clash.problems.map((p) => p.reason)).toEqual(['import.card_number_in_use']);
    expect(clash.problems[0]!.message).toContain(`#${member}`);
  });

  it('ends the card of a member who died as kept by the family, and tells one ended so while they lived', async () => {
    const member = await buildMember(t.ctx, { unitId: tree.cellA, official: true });
    const version = (await memberVersion(t.ctx.db, member))!;
    await recordEvent(t.ctx, TEST_OPERATOR, member, version, { type: 'death', date: '2024-03-01' });
    const number = numberOf('R');
    const header = 'Member number,Card number,Issued on,Valid until,Why it ended';
    const early = await check(
      [header, `${member},${number},01/04/2021,01/02/2024,Kept by the family`].join('\n'),
      t.admin.headers,
      'en',
    );
    expect(early.problems.map((p) => [p.field, p.reason])).toEqual([
      ['endReason', 'import.card_recover_not_left'],
    ]);
    const { job, problems } = await check(
      [header, `${member},${number},01/04/2021,05/03/2024,gia dinh giu`].join('\n'),
      t.admin.headers,
      'en',
    );
    expect(problems).toEqual([]);
    expect((await run(job.id, 'commit', t.admin.headers)).status).toBe('committed');
    expect(await history(member)).toEqual([
      {
        kind: 'issue',
        issued: '2021-04-01',
        ended: '2024-03-05',
        why: 'kept_by_family',
        replaces: null,
        campaign: null,
      },
    ]);
  });
});
