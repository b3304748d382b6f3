import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser } from '../../test/test-app.js';
import { createTestApp } from '../../test/test-app.js';
import { applyOps, buildMember, buildSmallTree, buildUnit, uniqueCode } from '../../test/test-context.js';
import { refreshRollupUnits } from './member-rollup.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
});
afterAll(async () => t?.close());

interface Member {
  id: number;
  version: number;
  record: Record<string, unknown>;
  state: { status: string; unitId: number; transferToUnitId: number | null; since: string } | null;
  seniorityMonths: number | null;
  deadlines: Array<{ kind: string; due: string }>;
}

async function get(id: number, asOf?: string): Promise<Member> {
  const res = await t.inject({ method: 'GET', url: `/api/v1/members/${id}${asOf ? `?asOf=${asOf}` : ''}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Member;
}

async function record(id: number, payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  const version = (await get(id)).version;
  return t.inject({
    method: 'POST',
    url: `/api/v1/members/${id}/events`,
    headers: { 'if-match': `"${version}"`, ...headers },
    payload,
  });
}

async function figures(unitId: number, asOf: string) {
  const res = await t.inject({ method: 'GET', url: `/api/v1/units/${unitId}/member-figures?asOf=${asOf}` });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as {
    stock: { members: number; byStatus: Array<{ value: string; count: number }> };
  };
  const status = (s: string) => body.stock.byStatus.find((b) => b.value === s)?.count ?? 0;
  return { members: body.stock.members, probationary: status('probationary'), official: status('official') };
}

describe('a member’s life through the API', () => {
  it('admits a member, recognizes them 12 months later, and the figures follow each date', async () => {
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ Ấp 1' });
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/members',
      payload: {
        record: { fullName: 'Nguyễn Thị Hoà', birthDate: '1995-04-10', sex: 'female', education: 'bachelor' },
        event: {
          type: 'admission',
          date: '2024-09-02',
          unitId: cell,
          details: { ceremonyDate: '2024-09-16' },
          decision: { number: '123-QĐ/ĐU', date: '2024-09-02', by: 'Đảng ủy xã' },
        },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { member: Member }).member.id;
    expect((await get(id, '2024-09-10')).state?.status).toBe('admitted');
    expect((await get(id, '2024-10-01')).state?.status).toBe('probationary');
    expect((await get(id)).deadlines.map((d) => d.kind)).toEqual(['recognition']);

    // Too early: the rule, its field and its source, in the reader's language.
    const early = await record(id, { type: 'recognition', date: '2025-09-01' }, { 'accept-language': 'vi' });
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({ code: 'member_rule_broken', field: 'date' });
    expect(early.json().detail).toMatch(/thời gian dự bị đến 2025-09-16/);
    expect(early.json().detail).toMatch(/Quy định|Điều lệ|Regulation/);

    // The meeting is late; the member is official from the exact 12-month date all the same.
    const late = await record(id, { type: 'recognition', date: '2025-11-20' });
    expect(late.statusCode, late.body).toBe(201);
    expect(late.json().warnings[0]).toMatchObject({ rule: 'recognition_late' });
    expect((await get(id, '2025-09-15')).state?.status).toBe('probationary');
    expect((await get(id, '2025-09-16')).state?.status).toBe('official');
    expect((await get(id, '2026-11-25')).seniorityMonths).toBe(26);

    expect(await figures(cell, '2024-09-10')).toEqual({ members: 0, probationary: 0, official: 0 });
    expect(await figures(cell, '2025-01-01')).toEqual({ members: 1, probationary: 1, official: 0 });
    expect(await figures(cell, '2025-10-01')).toEqual({ members: 1, probationary: 0, official: 1 });
  });

  it('transfers a member to a unit merged away in transit; the slip lands in the successor', async () => {
    const from = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ đi' });
    const to = await buildUnit(t.ctx, {
      kind: 'grassroots_cell',
      parentId: tree.commune,
      name: 'Chi bộ đến',
    });
    const other = await buildUnit(t.ctx, {
      kind: 'grassroots_cell',
      parentId: tree.commune,
      name: 'Chi bộ khác',
    });
    const id = await buildMember(t.ctx, { unitId: from, official: true });
    const out = await record(id, {
      type: 'transfer_out',
      date: '2026-03-02',
      unitId: to,
      details: { transferKind: 'official', slipNumber: 'GT-15' },
    });
    expect(out.statusCode, out.body).toBe(201);
    expect((await get(id, '2026-03-10')).state).toMatchObject({ unitId: from, transferToUnitId: to });

    // The receiving cell is merged into another before the slip is presented.
    const [merged] = await applyOps(t.ctx, '2026-03-15', [
      {
        type: 'merge',
        unitIds: [to, other],
        into: {
          code: uniqueCode(),
          name: 'Chi bộ hợp nhất',
          kind: 'grassroots_cell',
          parentId: tree.commune,
        },
      },
    ]);
    const accepted = await record(id, { type: 'transfer_in', date: '2026-03-20' });
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect((await get(id, '2026-03-20')).state).toMatchObject({ unitId: merged, transferToUnitId: null });
    expect((await figures(tree.committee, '2026-03-10')).members).toBeGreaterThan(0);
  });

  it('moves the members of merged cells into the successor, as events naming the order', async () => {
    const a = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ Trường A' });
    const b = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ Trường B' });
    const m1 = await buildMember(t.ctx, { unitId: a, official: true });
    const m2 = await buildMember(t.ctx, { unitId: b });
    const [successor] = await applyOps(t.ctx, '2026-06-01', [
      {
        type: 'merge',
        unitIds: [a, b],
        into: { code: uniqueCode(), name: 'Chi bộ Trường hợp nhất', kind: 'cell', parentId: tree.committee },
      },
    ]);
    expect((await get(m1, '2026-06-01')).state?.unitId).toBe(successor);
    expect((await get(m2, '2026-06-01')).state?.unitId).toBe(successor);
    expect((await get(m1, '2026-05-31')).state?.unitId).toBe(a);
    const events = await t.inject({ method: 'GET', url: `/api/v1/members/${m1}/events` });
    expect(events.json().items.at(-1)).toMatchObject({ type: 'reorganization', unitId: successor });
    expect(await figures(successor!, '2026-06-01')).toMatchObject({ members: 2 });

    // Dissolving a cell that still has members is refused: there is nowhere for them to go.
    const c = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ giải thể' });
    await buildMember(t.ctx, { unitId: c });
    const dissolve = await t.inject({
      method: 'POST',
      url: '/api/v1/orders',
      payload: { effectiveDate: '2026-07-01', operations: [{ type: 'dissolve', unitId: c }] },
    });
    const order = dissolve.json() as { id: number; version: number };
    const applied = await t.inject({
      method: 'POST',
      url: `/api/v1/orders/${order.id}/apply`,
      headers: { 'if-match': `"${order.version}"` },
    });
    expect(applied.statusCode).toBe(422);
    expect(applied.json().code).toBe('unit_has_members');
  });

  it('finds members by name without diacritics, by birth date, and by national ID only with permission', async () => {
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ tìm kiếm' });
    const id = await buildMember(t.ctx, { unitId: cell, fullName: 'Đặng Văn Đức', birthDate: '1988-02-29' });
    await buildMember(t.ctx, { unitId: cell, fullName: 'Trần Văn Bình' });
    const version = (await get(id)).version;
    const patched = await t.inject({
      method: 'PATCH',
      url: `/api/v1/members/${id}/record`,
      headers: { 'if-match': `"${version}"` },
      payload: { correction: true, fields: { nationalId: '079088001234' } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const search = async (q: string, headers: Record<string, string> = {}) => {
      const res = await t.inject({
        method: 'GET',
        url: `/api/v1/members?unit=${cell}&q=${encodeURIComponent(q)}`,
        headers,
      });
      return {
        status: res.statusCode,
        ids: ((res.json().items ?? []) as Array<{ id: number }>).map((m) => m.id),
      };
    };
    expect((await search('dang van duc')).ids).toEqual([id]);
    expect((await search('ĐỨC')).ids).toEqual([id]);
    expect((await search('29/02/1988')).ids).toEqual([id]);
    expect((await search('079088001234')).ids).toEqual([id]);

    const viewer = await signedInUser(t.ctx, [{ role: 'viewer', unitId: tree.province }]);
    // Without members.sensitive the digits are looked up as a card number only: the ID stays hidden.
    const denied = await search('079088001234', viewer.headers);
    expect(denied).toEqual({ status: 200, ids: [] });
    // Without members.sensitive the record leaves the national ID out.
    const seen = await t.app.inject({ method: 'GET', url: `/api/v1/members/${id}`, headers: viewer.headers });
    expect(seen.json().record.nationalId).toBeUndefined();
    expect(seen.json().sensitiveShown).toBe(false);
  });

  it('ranks names starting with the text before names containing it, page by page, in a large subtree and a small one', async () => {
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ xếp hạng' });
    const names = [
      'Lê Nguyễn Văn Ẩn',
      'Nguyễn Văn Ẩn Thị',
      'Trần Nguyễn Văn Ẩn',
      'Nguyễn Văn Ẩn',
      'Phạm Văn Ẩn',
    ];
    for (const fullName of names) await buildMember(t.ctx, { unitId: cell, fullName });
    await buildMember(t.ctx, { unitId: tree.cellB, fullName: 'Nguyễn Văn Ân Bình' });
    const pages = async (unit: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/members?q=nguyen%20van%20an&limit=2${unit}${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await t.inject({ method: 'GET', url });
        expect(res.statusCode, res.body).toBe(200);
        seen.push(...(res.json().items as Array<{ fullName: string }>).map((m) => m.fullName));
        cursor = res.json().nextCursor;
      } while (cursor);
      return seen;
    };
    // The cell: its own matches, the names starting with the text first, each tier by name.
    expect(await pages(`&unit=${cell}`)).toEqual([
      'Nguyễn Văn Ẩn',
      'Nguyễn Văn Ẩn Thị',
      'Lê Nguyễn Văn Ẩn',
      'Trần Nguyễn Văn Ẩn',
    ]);
    // The whole organization walks the name index for the first tier: same order, every match once.
    const everyone = await pages('');
    expect(everyone).toContain('Nguyễn Văn Ân Bình');
    const folded = (n: string) =>
      n.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
    const tiers = everyone.map((n) => (folded(n).startsWith('nguyen van an') ? 0 : 1));
    expect(tiers).toEqual([...tiers].sort());
    for (const tier of [0, 1]) {
      const inTier = everyone.filter((_, i) => tiers[i] === tier).map(folded);
      expect(inTier).toEqual([...inTier].sort());
    }
    expect(everyone.filter((n) => names.includes(n) && n !== 'Phạm Văn Ẩn').length).toBe(4);
    expect(everyone).not.toContain('Phạm Văn Ẩn');
    // A cursor made up (or from another list) is a bad request naming the field, not a failure.
    const forged = Buffer.from(JSON.stringify({ sortKey: 1, id: 'x' })).toString('base64url');
    const bad = await t.inject({ method: 'GET', url: `/api/v1/members?q=nguyen&cursor=${forged}` });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'cursor' });
  });

  it('audits every read of sensitive fields', async () => {
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ kiểm tra' });
    const id = await buildMember(t.ctx, { unitId: cell });
    await get(id);
    const audit = await t.inject({
      method: 'GET',
      url: `/api/v1/audit?action=member.read_sensitive&limit=500`,
    });
    expect(audit.statusCode, audit.body).toBe(200);
    const entities = (audit.json().items as Array<{ entity: { id: string } }>).map((e) => e.entity.id);
    expect(entities).toContain(String(id));
  });

  it('tells the second of two officers writing on the same version (412), and writes nothing for it', async () => {
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ đồng thời' });
    const id = await buildMember(t.ctx, { unitId: cell, official: true });
    const { version } = await get(id);
    const send = (payload: Record<string, unknown>) =>
      t.inject({
        method: 'POST',
        url: `/api/v1/members/${id}/events`,
        headers: { 'if-match': `"${version}"` },
        payload,
      });
    const [first, second] = await Promise.all([
      send({ type: 'death', date: '2026-05-01' }),
      send({ type: 'resignation', date: '2026-05-02' }),
    ]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([201, 412]);
    const events = await t.inject({ method: 'GET', url: `/api/v1/members/${id}/events` });
    expect((events.json().items as unknown[]).length).toBe(3);
    const noIfMatch = await t.inject({
      method: 'POST',
      url: `/api/v1/members/${id}/events`,
      payload: { type: 'death', date: '2026-05-01' },
    });
    expect(noIfMatch.statusCode).toBe(428);
  });

  it('explains a refusal before anything is written (the form checks as you type)', async () => {
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ kiểm' });
    const id = await buildMember(t.ctx, { unitId: cell, admitted: '2025-06-02' });
    const check = await t.inject({
      method: 'POST',
      url: `/api/v1/members/${id}/events/check`,
      headers: { 'accept-language': 'ar' },
      payload: { type: 'discipline', date: '2025-08-01', details: { form: 'expulsion' } },
    });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json()).toMatchObject({
      ok: false,
      problems: [{ rule: 'discipline_form', field: 'details.form' }],
    });
    expect(check.json().problems[0].message).toMatch(/توبيخ/);
    const events = await t.inject({ method: 'GET', url: `/api/v1/members/${id}/events` });
    expect((events.json().items as unknown[]).length).toBe(1);
  });

  it('refuses a member with bad fields, naming the field, and a national ID held by someone else', async () => {
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ sai' });
    const bad = await t.inject({
      method: 'POST',
      url: '/api/v1/members',
      payload: {
        record: { fullName: 'Lý Thị Lan', sex: 'robot' },
        event: { type: 'application', date: '2026-01-05', unitId: cell },
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'validation_failed', field: 'record.sex' });
    const young = await t.inject({
      method: 'POST',
      url: '/api/v1/members',
      payload: {
        record: { fullName: 'Lý Thị Lan', birthDate: '2010-01-01' },
        event: { type: 'admission', date: '2026-01-05', unitId: cell },
      },
    });
    expect(young.statusCode).toBe(422);
    expect(young.json()).toMatchObject({
      code: 'member_rule_broken',
      params: { rule: 'admission_age_young' },
    });
    const notACell = await t.inject({
      method: 'POST',
      url: '/api/v1/members',
      payload: {
        record: { fullName: 'Lý Thị Lan' },
        event: { type: 'application', date: '2026-01-05', unitId: tree.commune },
      },
    });
    expect(notACell.json()).toMatchObject({ code: 'validation_failed', field: 'event.unitId' });
    const first = await t.inject({
      method: 'POST',
      url: '/api/v1/members',
      payload: {
        record: { fullName: 'Hồ Văn Nam', nationalId: '001099000111' },
        event: { type: 'application', date: '2026-01-05', unitId: cell },
      },
    });
    expect(first.statusCode).toBe(201);
    const twice = await t.inject({
      method: 'POST',
      url: '/api/v1/members',
      payload: {
        record: { fullName: 'Hồ Văn Nam', nationalId: '001099000111' },
        event: { type: 'application', date: '2026-01-05', unitId: cell },
      },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'national_id_in_use', field: 'record.nationalId' });
  });

  it('keeps a corrected event marked beside its replacement, and record changes dated', async () => {
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ sửa' });
    const id = await buildMember(t.ctx, { unitId: cell, fullName: 'Phạm Thị Mai', admitted: '2023-01-03' });
    const [admission] = (await t.inject({ method: 'GET', url: `/api/v1/members/${id}/events` })).json()
      .items as Array<{ id: number }>;
    const version = (await get(id)).version;
    const corrected = await t.inject({
      method: 'POST',
      url: `/api/v1/members/${id}/events/${admission!.id}/correct`,
      headers: { 'if-match': `"${version}"` },
      payload: {
        reason: 'wrong ceremony date on the form',
        replacement: {
          type: 'admission',
          date: '2023-01-03',
          unitId: cell,
          details: { ceremonyDate: '2023-01-10' },
        },
      },
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    const all = (
      await t.inject({ method: 'GET', url: `/api/v1/members/${id}/events?includeCorrected=true` })
    ).json().items as Array<{ id: number; correctedAt: string | null; correctsEventId: number | null }>;
    expect(all).toHaveLength(2);
    expect(all.find((e) => e.id === admission!.id)!.correctedAt).not.toBeNull();
    expect(all.find((e) => e.id !== admission!.id)!.correctsEventId).toBe(admission!.id);
    expect((await get(id, '2023-01-05')).state?.status).toBe('admitted');

    const renamed = await t.inject({
      method: 'PATCH',
      url: `/api/v1/members/${id}/record`,
      headers: { 'if-match': `"${(await get(id)).version}"` },
      payload: { effectiveFrom: '2025-05-01', fields: { fullName: 'Phạm Thị Mai Anh' } },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((await get(id, '2025-04-30')).record.fullName).toBe('Phạm Thị Mai');
    expect((await get(id, '2025-05-01')).record.fullName).toBe('Phạm Thị Mai Anh');
  });

  it('lists what is due in a subtree: probation reviews and incoming transfers', async () => {
    const cell = await buildUnit(t.ctx, {
      kind: 'cell',
      parentId: tree.committee,
      name: 'Chi bộ việc cần làm',
    });
    const due = await buildMember(t.ctx, { unitId: cell, fullName: 'Võ Văn Hạn', admitted: '2025-10-01' });
    const res = await t.inject({ method: 'GET', url: `/api/v1/work-list?unit=${cell}&horizonDays=366` });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Array<{ memberId: number; kind: string; due: string | null }>;
    expect(items.find((i) => i.memberId === due && i.kind === 'recognition')).toBeTruthy();
    expect(items.find((i) => i.memberId === due && i.kind === 'missing_fields')).toBeTruthy();
    // Dated deadlines first (by due day), then transfers waiting, then missing fields; a shorter
    // page is the start of the longer one.
    const incoming = await buildMember(t.ctx, { unitId: tree.cellA, fullName: 'Lý Văn Đến' });
    const slip = await t.inject({
      method: 'POST',
      url: `/api/v1/members/${incoming}/events`,
      headers: { 'if-match': `"${(await get(incoming)).version}"` },
      payload: {
        type: 'transfer_out',
        date: '2026-11-20',
        unitId: cell,
        details: { transferKind: 'official' },
      },
    });
    expect(slip.statusCode, slip.body).toBe(201);
    const list = async (limit: number) =>
      (
        await t.inject({
          method: 'GET',
          url: `/api/v1/work-list?unit=${cell}&horizonDays=366&limit=${limit}`,
        })
      ).json().items as Array<{ memberId: number; kind: string; due: string | null }>;
    const all = await list(200);
    const rank = (i: { kind: string; due: string | null }) =>
      i.due !== null ? 0 : i.kind === 'incoming_transfer' ? 1 : 2;
    expect(all.map(rank)).toEqual([...all.map(rank)].sort());
    expect(all.some((i) => i.memberId === incoming && i.kind === 'incoming_transfer')).toBe(true);
    for (const n of [1, 2, 3]) expect(await list(n)).toEqual(all.slice(0, n));
  });
});

describe('membership cards and exchange campaigns', () => {
  async function card(id: number, payload: Record<string, unknown>) {
    const version = (await get(id)).version;
    return t.inject({
      method: 'POST',
      url: `/api/v1/members/${id}/cards`,
      headers: { 'if-match': `"${version}"` },
      payload,
    });
  }

  it('issues a card only to an official member, keeps numbers unique among valid cards, and finds by any number', async () => {
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ thẻ' });
    const probationary = await buildMember(t.ctx, { unitId: cell, admitted: '2026-02-02' });
    const refused = await card(probationary, { action: 'issue', date: '2026-03-01', number: 'X1' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ params: { rule: 'card_not_official' } });

    const a = await buildMember(t.ctx, { unitId: cell, official: true, fullName: 'Mai Văn Thẻ' });
    const b = await buildMember(t.ctx, { unitId: cell, official: true });
    const number = uniqueCode('T');
    expect((await card(a, { action: 'issue', date: '2021-04-01', number })).statusCode).toBe(201);
    const clash = await card(b, { action: 'issue', date: '2021-04-01', number: number.toLowerCase() });
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'card_number_in_use', field: 'number' });
    const again = await card(a, { action: 'issue', date: '2022-01-01', number: uniqueCode('T') });
    expect(again.json()).toMatchObject({ params: { rule: 'card_already_live' } });

    // Lost, then re-issued: the history keeps old → new, and both numbers find the member.
    expect((await card(a, { action: 'lost', date: '2023-05-01' })).statusCode).toBe(201);
    const newNumber = uniqueCode('T');
    const reissued = await card(a, { action: 'reissue', date: '2023-06-01', number: newNumber });
    expect(reissued.statusCode, reissued.body).toBe(201);
    const cards = reissued.json().items as Array<{
      number: string;
      endReason: string | null;
      replacesCardId: number | null;
    }>;
    expect(cards.map((c) => c.endReason)).toEqual(['lost', null]);
    expect(cards[1]!.replacesCardId).not.toBeNull();
    for (const q of [number, newNumber]) {
      const found = await t.inject({ method: 'GET', url: `/api/v1/members?q=${encodeURIComponent(q)}` });
      expect((found.json().items as Array<{ id: number }>).map((m) => m.id)).toEqual([a]);
    }
  });

  it('measures an exchange campaign per unit as exchanged ÷ in scope, as of any date', async () => {
    const cellA = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ đổi A' });
    const cellB = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ đổi B' });
    const members = [
      await buildMember(t.ctx, { unitId: cellA, official: true }),
      await buildMember(t.ctx, { unitId: cellA, official: true }),
      await buildMember(t.ctx, { unitId: cellB, official: true }),
    ];
    for (const m of members) await card(m, { action: 'issue', date: '2022-01-10', number: uniqueCode('O') });
    // Official but without a card on the start day: not in scope (Directive 51-CT/TW).
    await buildMember(t.ctx, { unitId: cellB, official: true });
    const opened = await t.inject({
      method: 'POST',
      url: '/api/v1/card-campaigns',
      payload: {
        name: 'Đổi thẻ đảng viên 2025',
        startsOn: '2025-08-08',
        endsOn: '2025-09-02',
        unitId: tree.committee,
      },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const campaign = opened.json() as { id: number; inScope: number };
    expect(campaign.inScope).toBeGreaterThanOrEqual(3);
    const exchange = (m: number, date: string) =>
      card(m, { action: 'exchange', date, number: uniqueCode('N'), campaignId: campaign.id });
    expect((await exchange(members[0]!, '2025-08-15')).statusCode).toBe(201);
    expect((await exchange(members[2]!, '2025-08-20')).statusCode).toBe(201);
    const progress = async (asOf: string) => {
      const res = await t.inject({
        method: 'GET',
        url: `/api/v1/card-campaigns/${campaign.id}/progress?unit=${tree.committee}&asOf=${asOf}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { children: Array<{ unitId: number; inScope: number; exchanged: number }> };
      return Object.fromEntries(
        body.children
          .filter((c) => c.unitId === cellA || c.unitId === cellB)
          .map((c) => [c.unitId, [c.exchanged, c.inScope]]),
      );
    };
    expect(await progress('2025-08-10')).toEqual({ [cellA]: [0, 2], [cellB]: [0, 1] });
    expect(await progress('2025-08-16')).toEqual({ [cellA]: [1, 2], [cellB]: [0, 1] });
    expect(await progress('2025-09-01')).toEqual({ [cellA]: [1, 2], [cellB]: [1, 1] });
  });
});

describe('members in a split', () => {
  it('allocates members by list, by a rule on their residence, and the rest to the remainder part; the preview counts them', async () => {
    const cell = await buildUnit(t.ctx, {
      kind: 'grassroots_cell',
      parentId: tree.commune,
      name: 'Chi bộ thôn',
    });
    const listed = await buildMember(t.ctx, {
      unitId: cell,
      official: true,
      fullName: 'Người được chỉ định',
    });
    const byRule = await buildMember(t.ctx, { unitId: cell, official: true, fullName: 'Người ở Ấp 3' });
    const rest = await buildMember(t.ctx, { unitId: cell, official: true, fullName: 'Người còn lại' });
    const v = (await get(byRule)).version;
    const moved = await t.inject({
      method: 'PATCH',
      url: `/api/v1/members/${byRule}/record`,
      headers: { 'if-match': `"${v}"` },
      payload: { correction: true, fields: { residence: 'Ấp 3, xã Mỹ Hòa Hưng' } },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const operations = [
      {
        type: 'split',
        unitId: cell,
        parts: [
          { code: uniqueCode(), name: 'Chi bộ thôn 1', kind: 'grassroots_cell', memberIds: [listed] },
          {
            code: uniqueCode(),
            name: 'Chi bộ thôn 2',
            kind: 'grassroots_cell',
            memberRule: { field: 'residence', contains: 'ap 3' },
          },
          { code: uniqueCode(), name: 'Chi bộ thôn 3', kind: 'grassroots_cell', takesRemainder: true },
        ],
      },
    ];
    const preview = await t.inject({
      method: 'POST',
      url: '/api/v1/orders/preview',
      payload: { effectiveDate: '2026-09-01', operations },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const body = preview.json() as {
      memberMoves: Array<{ fromUnitId: number; count: number }>;
      smallCells: Array<{ officialMembers: number }>;
    };
    expect(body.memberMoves.map((m) => m.count).sort()).toEqual([1, 1, 1]);
    // Each part would hold one official member: fewer than the 3 a cell needs.
    expect(body.smallCells.map((c) => c.officialMembers)).toEqual([1, 1, 1]);

    const parts = await applyOps(t.ctx, '2026-09-01', operations as never);
    expect((await get(listed, '2026-09-01')).state?.unitId).toBe(parts[0]);
    expect((await get(byRule, '2026-09-01')).state?.unitId).toBe(parts[1]);
    expect((await get(rest, '2026-09-01')).state?.unitId).toBe(parts[2]);
  });
});

describe('duplicate records', () => {
  it('finds records alike by name and birth date, and merges them keeping both histories', async () => {
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ trùng' });
    const kept = await buildMember(t.ctx, {
      unitId: cell,
      fullName: 'Nguyễn Văn Hùng',
      birthDate: '1987-07-07',
      admitted: '2020-06-01',
      official: true,
    });
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/members',
      payload: {
        record: { fullName: 'NGUYEN VAN HUNG', birthDate: '1987-07-07' },
        event: { type: 'application', date: '2019-11-04', unitId: cell },
      },
    });
    const duplicate = (created.json() as { member: Member }).member.id;
    const found = await t.inject({ method: 'GET', url: `/api/v1/members/duplicates?unit=${cell}` });
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().items).toEqual([
      expect.objectContaining({
        a: expect.objectContaining({ id: kept }),
        b: expect.objectContaining({ id: duplicate }),
      }),
    ]);

    // Two admissions on one timeline cannot stand: merging two admitted records is refused.
    const other = await buildMember(t.ctx, {
      unitId: cell,
      fullName: 'Nguyễn Văn Hưng',
      birthDate: '1987-07-07',
    });
    const refused = await t.inject({
      method: 'POST',
      url: `/api/v1/members/${kept}/merge`,
      headers: { 'if-match': `"${(await get(kept)).version}"` },
      payload: { duplicateId: other, duplicateVersion: (await get(other)).version, reason: 'same person' },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'member_rule_broken',
      params: { rule: 'event_not_allowed' },
    });

    const merged = await t.inject({
      method: 'POST',
      url: `/api/v1/members/${kept}/merge`,
      headers: { 'if-match': `"${(await get(kept)).version}"` },
      payload: {
        duplicateId: duplicate,
        duplicateVersion: (await get(duplicate)).version,
        reason: 'same person',
      },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const events = (await t.inject({ method: 'GET', url: `/api/v1/members/${kept}/events` })).json()
      .items as Array<{
      type: string;
      mergedFromMemberId: number | null;
    }>;
    expect(events.map((e) => e.type)).toEqual(['application', 'admission', 'recognition']);
    expect(events[0]!.mergedFromMemberId).toBe(duplicate);
    expect((await t.inject({ method: 'GET', url: `/api/v1/members/${duplicate}` })).statusCode).toBe(404);
  });

  it('refuses a subtree too large to compare, naming the unit field, and says why in the language asked', async () => {
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ lớn' });
    for (const name of ['Lê Thị Mai', 'Phạm Văn Nam'])
      await buildMember(t.ctx, { unitId: cell, fullName: name, admitted: '2020-06-01', official: true });
    // Sizes are read from the unit's roll-up: make the cell keep one, then lower the limit below it.
    await t.ctx.db.transaction().execute((trx) => refreshRollupUnits(trx, t.ctx.today(), 2));
    const max = t.ctx.config.duplicatesMaxMembers;
    t.ctx.config.duplicatesMaxMembers = 1;
    try {
      const refused = await t.inject({
        method: 'GET',
        url: `/api/v1/members/duplicates?unit=${cell}`,
        headers: { 'accept-language': 'vi' },
      });
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({
        code: 'subtree_too_large',
        field: 'unit',
        params: { members: 2, max: 1 },
      });
      expect(refused.json().detail).toContain('tổ chức trực thuộc');
    } finally {
      t.ctx.config.duplicatesMaxMembers = max;
    }
    const allowed = await t.inject({ method: 'GET', url: `/api/v1/members/duplicates?unit=${cell}` });
    expect(allowed.statusCode).toBe(200);
  });
});

describe('search in every script', () => {
  it.each([
    ['Persian ی/ک written with Arabic letters', 'علی کریمی', 'علي كريمي'],
    ['Arabic harakat, tatweel and alef forms', 'أَحْمَد إبراهيم', 'احمد ابراهيم'],
    ['Turkish dotted and dotless i', 'İsmail Yıldız', 'ismail yildiz'],
    ['Hindi nukta', 'ज़ाकिर हुसैन', 'जाकिर हुसैन'],
    ['Vietnamese đ and tones', 'Đỗ Thị Ánh Tuyết', 'do thi anh tuyet'],
  ])('%s', async (_why, name, typed) => {
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: `Chi bộ ${typed}` });
    const id = await buildMember(t.ctx, { unitId: cell, fullName: name });
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/members?q=${encodeURIComponent(typed)}&unit=${cell}`,
    });
    expect((res.json().items as Array<{ id: number }>).map((m) => m.id)).toEqual([id]);
  });
});

describe('writes stay inside the writer’s reach', () => {
  async function as(user: { headers: Record<string, string> }, id: number, payload: Record<string, unknown>) {
    return t.app.inject({
      method: 'POST',
      url: `/api/v1/members/${id}/events`,
      headers: { ...user.headers, 'if-match': `"${(await get(id)).version}"` },
      payload,
    });
  }

  it('lands a transfer only where the slip says, and an internal transfer only inside the reach', async () => {
    const elsewhere = await buildUnit(t.ctx, { kind: 'province', parentId: tree.central, name: 'Tỉnh khác' });
    const farCommune = await buildUnit(t.ctx, { kind: 'commune', parentId: elsewhere, name: 'Xã xa' });
    const farCell = await buildUnit(t.ctx, {
      kind: 'grassroots_cell',
      parentId: farCommune,
      name: 'Chi bộ xa',
    });
    const from = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ gửi' });
    const officer = await signedInUser(t.ctx, [
      { role: 'records_officer', unitId: tree.committee, from: '2000-01-01' },
    ]);
    const member = await buildMember(t.ctx, { unitId: from, official: true });

    const internal = await as(officer, member, {
      type: 'transfer_out',
      date: '2026-04-01',
      unitId: farCell,
      details: { transferKind: 'internal' },
    });
    expect(internal.statusCode).toBe(404);

    const out = await as(officer, member, {
      type: 'transfer_out',
      date: '2026-04-01',
      unitId: tree.cellA,
      details: { transferKind: 'official' },
    });
    expect(out.statusCode, out.body).toBe(201);
    const wrongLanding = await as(officer, member, {
      type: 'transfer_in',
      date: '2026-04-10',
      unitId: farCell,
    });
    expect(wrongLanding.statusCode).toBe(400);
    expect(wrongLanding.json()).toMatchObject({ field: 'unitId' });
  });

  it('refuses back-dated events, corrections and card changes for a member who has since left the reach', async () => {
    const officer = await signedInUser(t.ctx, [
      { role: 'records_officer', unitId: tree.committee, from: '2000-01-01' },
    ]);
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ rời đi' });
    const member = await buildMember(t.ctx, { unitId: cell, official: true });
    // The member moves (internally, by an administrator) to a cell outside the officer's committee.
    const moved = await record(member, {
      type: 'transfer_out',
      date: '2026-02-02',
      unitId: tree.gCell,
      details: { transferKind: 'internal' },
    });
    expect(moved.statusCode, moved.body).toBe(201);
    const backDated = await as(officer, member, {
      type: 'exemption',
      date: '2025-06-02',
      details: { exemptionReason: 'health' },
    });
    expect([403, 404]).toContain(backDated.statusCode);
    const events = (await t.inject({ method: 'GET', url: `/api/v1/members/${member}/events` })).json()
      .items as Array<{
      id: number;
      type: string;
    }>;
    expect(events.map((e) => e.type)).not.toContain('exemption');

    // A correction's replacement is judged like any event: not into someone else's cell.
    const mine = await buildMember(t.ctx, { unitId: cell, admitted: '2023-05-02' });
    const admission = (
      (await t.inject({ method: 'GET', url: `/api/v1/members/${mine}/events` })).json().items as Array<{
        id: number;
      }>
    )[0]!;
    const replaced = await t.app.inject({
      method: 'POST',
      url: `/api/v1/members/${mine}/events/${admission.id}/correct`,
      headers: { ...officer.headers, 'if-match': `"${(await get(mine)).version}"` },
      payload: {
        reason: 'moved by a correction',
        replacement: {
          type: 'admission',
          date: '2023-05-02',
          unitId: tree.gCell,
          details: { ceremonyDate: '2023-05-02' },
        },
      },
    });
    expect(replaced.statusCode).toBe(403);
  });

  it('lets members of a cell merged by a planned order go on living, and moves late arrivals with the order', async () => {
    const a = await buildUnit(t.ctx, {
      kind: 'cell',
      parentId: tree.committee,
      name: 'Chi bộ sắp hợp nhất A',
    });
    const b = await buildUnit(t.ctx, {
      kind: 'cell',
      parentId: tree.committee,
      name: 'Chi bộ sắp hợp nhất B',
    });
    const early = await buildMember(t.ctx, { unitId: a, official: true });
    const [successor] = await applyOps(t.ctx, '2027-01-01', [
      {
        type: 'merge',
        unitIds: [a, b],
        into: { code: uniqueCode(), name: 'Chi bộ sau hợp nhất', kind: 'cell', parentId: tree.committee },
      },
    ]);
    const died = await record(early, { type: 'death', date: '2026-11-20' });
    expect(died.statusCode, died.body).toBe(201);
    const late = await buildMember(t.ctx, { unitId: b, admitted: '2026-11-24' });
    expect((await get(late, '2027-02-01')).state?.unitId).toBe(successor);
  });

  it('counts a merged unit before it existed from the units it was made from, for everyone', async () => {
    const a = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ cũ A' });
    const b = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ cũ B' });
    await buildMember(t.ctx, { unitId: a, official: true });
    await buildMember(t.ctx, { unitId: b, official: true });
    const [merged] = await applyOps(t.ctx, '2025-01-01', [
      {
        type: 'merge',
        unitIds: [a, b],
        into: { code: uniqueCode(), name: 'Chi bộ mới hợp nhất', kind: 'cell', parentId: tree.committee },
      },
    ]);
    await t.ctx.db.transaction().execute((trx) => refreshRollupUnits(trx, t.ctx.today(), 1));
    expect((await figures(merged!, '2024-06-01')).members).toBe(2);
    expect((await figures(merged!, '2025-06-01')).members).toBe(2);
  });
});
