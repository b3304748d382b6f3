import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/test-app.js';
import { buildMember, buildSmallTree, buildUnit } from '../../test/test-context.js';
import { TEST_OPERATOR } from '../../test/test-context.js';
import { refreshRollupUnits } from './member-rollup.js';
import { workList } from './members.figures.js';
import { EVERYWHERE } from '../access/actor.js';
import { findMembers, type MemberQuery, memberVersion } from './members.repository.js';
import { cardAction } from './cards.service.js';
import { changeRecord, isLargeSubtree, listMembers, recordEvent } from './members.service.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
});
afterAll(async () => t?.close());

/** Every page of a search (or of the list, with no text), following the cursors, as full names. */
async function pages(q: string, limit: number, unit?: number, asOf?: string): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/v1/members?limit=${limit}${q ? `&q=${encodeURIComponent(q)}` : ''}${unit ? `&unit=${unit}` : ''}${asOf ? `&asOf=${asOf}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await t.inject({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    seen.push(...(res.json().items as Array<{ fullName: string }>).map((m) => m.fullName));
    cursor = res.json().nextCursor;
  } while (cursor);
  return seen;
}

describe('a search in Arabic script in the whole organization', () => {
  it('takes names containing the text after their start from the non-ASCII names in order, past more of them than one walk reads, with and without the text', async () => {
    const cell = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ Ba Tư' });
    const names = ['کریمی حسن', 'ا کریمی', 'بهرام کریمی', 'علی کریمی', 'علی رضایی', 'Karimi Ali'];
    for (const fullName of names) await buildMember(t.ctx, { unitId: cell, fullName });
    // Between the first match and the others, more Arabic-script names than the walk reads at once
    // (CONTAINING_WALK): first 6,000 containing the text, of members who left (so not listed), then
    // 9,000 without it. The walk reads on past the first kind and turns to the trigram index in the
    // second; the rest of the tier must still be found, in order. Complete records, so that they
    // are nothing else's business (the work list's missing fields).
    const fill = async (count: number, name: string, status: string) => {
      await sql`
        with m as (insert into member (version) select 1 from generate_series(1, ${count}) returning id),
        r as (
          insert into member_record (member_id, valid, full_name, sex, birth_date, birth_place, home_town,
            residence, education, recorded_by)
          select id, daterange(null, null), ${name}::text || ' ' || id, 'male', '1990-01-01', 'x', 'x', 'x', 'x', 'test'
          from m returning member_id
        )
        insert into member_span (member_id, valid, status, unit_id)
        select member_id, daterange('2020-01-01', null), ${status}, ${cell} from r`.execute(t.ctx.db);
    };
    await fill(6000, 'اا کریمی', 'left');
    await fill(9000, 'ابا', 'official');
    // As after any load: the planner must know the tables grew (PGlite runs no autovacuum).
    await sql`analyze member, member_record, member_span`.execute(t.ctx.db);

    // Typed with Arabic ك and ي: the starting name first, then the others in name order.
    const expected = ['کریمی حسن', 'ا کریمی', 'بهرام کریمی', 'علی کریمی'];
    expect(await pages('كريمي', 50)).toEqual(expected);
    // Page by page, the cursor crossing the tiers and the walk's end.
    expect(await pages('كريمي', 1)).toEqual(expected);
    expect(await pages('كريمي', 2)).toEqual(expected);
    // The cell is small: its members are found first and sorted, and answer the same.
    expect(await pages('كريمي', 3, cell)).toEqual(expected);
  });
});

describe('the work list', () => {
  it('lists the members whose record of the day lacks a field, by folded name, from the subtree’s units as from the register', async () => {
    const province = await buildUnit(t.ctx, { kind: 'province', parentId: tree.central, name: 'Tỉnh Hồ sơ' });
    const commune = await buildUnit(t.ctx, { kind: 'commune', parentId: province, name: 'Xã Hồ sơ' });
    const cell = await buildUnit(t.ctx, { kind: 'grassroots_cell', parentId: commune, name: 'Chi bộ Hồ sơ' });
    // Records with a name, a sex and a birth date only: birthplace, home town, residence and
    // education are missing. One is completed from 2025.
    const [vu, an, completed] = [
      await buildMember(t.ctx, { unitId: cell, fullName: 'Vũ Thị Thiếu', admitted: '2015-04-01' }),
      await buildMember(t.ctx, { unitId: cell, fullName: 'An Văn Thiếu', admitted: '2015-04-01' }),
      await buildMember(t.ctx, { unitId: cell, fullName: 'Hồ Văn Đủ', admitted: '2015-04-01' }),
    ];
    // Listed as the member list orders names, folded: “do van thieu” between “an” and “ho”, where
    // code points put Đ after V.
    const dz = await buildMember(t.ctx, { unitId: cell, fullName: 'Đỗ Văn Thiếu', admitted: '2015-04-01' });
    await changeRecord(t.ctx, TEST_OPERATOR, completed, (await memberVersion(t.ctx.db, completed))!, {
      effectiveFrom: '2025-01-01',
      fields: { birthPlace: 'Huế', homeTown: 'Huế', residence: 'Huế', education: 'bachelor' },
    });
    // Outside the province, as overdue and as incomplete: listed for the whole organization only.
    const outside = await buildMember(t.ctx, {
      unitId: tree.cellA,
      fullName: 'Ngoài Văn Tỉnh',
      admitted: '2015-04-01',
    });
    const lacking = async (asOf: string, unit?: number) => {
      const res = await t.inject({
        method: 'GET',
        url: `/api/v1/work-list?asOf=${asOf}&horizonDays=0&limit=1000${unit ? `&unit=${unit}` : ''}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      const items = res.json().items as Array<{ memberId: number; kind: string; missing: string[] | null }>;
      // A subtree's deadlines are found from its members' periods when it is small, from the
      // nation's deadlines due when it is large: the same items either way.
      const asLarge = await workList(t.ctx, TEST_OPERATOR, {
        asOf,
        horizonDays: 0,
        limit: 1000,
        smallSubtreeUnits: 0,
        ...(unit !== undefined && { unitId: unit }),
      });
      expect(asLarge, `${asOf} read as a large subtree`).toEqual(items);
      const mine = items.filter((i) => [vu, an, completed].includes(i.memberId));
      expect(
        [...new Set(items.filter((i) => i.memberId === outside).map((i) => i.kind))].sort(),
        asOf,
      ).toEqual(unit === undefined && asOf > '2016-04-01' ? ['missing_fields', 'recognition'] : []);
      // Never recognized: each one's probation review is overdue since 2016, first in the list.
      expect(mine.filter((i) => i.kind === 'recognition').map((i) => i.memberId)).toEqual(
        asOf < '2016-04-01' ? [] : [an, completed, vu],
      );
      return items
        .filter((i) => i.kind === 'missing_fields' && [vu, an, completed, dz].includes(i.memberId))
        .map((i) => [i.memberId, i.missing]);
    };
    const missing = ['birthPlace', 'homeTown', 'residence', 'education'];
    const today = [
      [an, missing],
      [dz, missing],
      [vu, missing],
    ];
    // A province's units are listed and their entries read; the whole organization's records are
    // walked by name: the same members, in the same order.
    expect(await lacking('2026-06-01', province)).toEqual(today);
    expect(await lacking('2026-06-01', cell)).toEqual(today);
    expect(await lacking('2026-06-01')).toEqual(today);
    const before = [
      [an, missing],
      [dz, missing],
      [completed, missing],
      [vu, missing],
    ];
    expect(await lacking('2024-06-01', province)).toEqual(before);
    expect(await lacking('2024-06-01')).toEqual(before);
    expect(await lacking('2014-06-01', province)).toEqual([]);
  });

  it('lists a transfer waiting for the subtree on the days it was in transit, past or present, and not after it landed', async () => {
    const to = await buildUnit(t.ctx, { kind: 'cell', parentId: tree.committee, name: 'Chi bộ nhận' });
    const id = await buildMember(t.ctx, { unitId: tree.cellA, fullName: 'Đinh Văn Chuyển', official: true });
    const write = async (payload: Record<string, unknown>) => {
      const version = (await memberVersion(t.ctx.db, id))!;
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/members/${id}/events`,
        headers: { 'if-match': `"${version}"` },
        payload,
      });
      expect(res.statusCode, res.body).toBe(201);
    };
    await write({
      type: 'transfer_out',
      date: '2025-03-03',
      unitId: to,
      details: { transferKind: 'official' },
    });
    await write({ type: 'transfer_in', date: '2025-03-20' });
    const waiting = async (unit: number, asOf: string) => {
      const res = await t.inject({
        method: 'GET',
        url: `/api/v1/work-list?unit=${unit}&asOf=${asOf}&horizonDays=0`,
      });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as Array<{ memberId: number; kind: string; since: string | null }>).filter(
        (i) => i.memberId === id && i.kind === 'incoming_transfer',
      );
    };
    expect(await waiting(to, '2025-03-10')).toEqual([
      expect.objectContaining({ memberId: id, kind: 'incoming_transfer', since: '2025-03-03' }),
    ]);
    // The subtree above the receiving cell waits for it too; the sending cell does not.
    expect(await waiting(tree.province, '2025-03-10')).toHaveLength(1);
    expect(await waiting(tree.cellA, '2025-03-10')).toEqual([]);
    expect(await waiting(to, '2025-03-02')).toEqual([]);
    expect(await waiting(to, '2025-03-20')).toEqual([]);
  });
});

describe('a page of members in name order', () => {
  it('takes each member under the name and in the unit they had on the day, page by page, in a subtree and everywhere', async () => {
    const province = await buildUnit(t.ctx, {
      kind: 'province',
      parentId: tree.central,
      name: 'Tỉnh Danh sách',
    });
    const commune = await buildUnit(t.ctx, { kind: 'commune', parentId: province, name: 'Xã Danh sách' });
    const [x, y] = [
      await buildUnit(t.ctx, { kind: 'grassroots_cell', parentId: commune, name: 'Chi bộ X' }),
      await buildUnit(t.ctx, { kind: 'grassroots_cell', parentId: commune, name: 'Chi bộ Y' }),
    ];
    const elsewhere = await buildUnit(t.ctx, {
      kind: 'grassroots_cell',
      parentId: tree.commune,
      name: 'Chi bộ Z',
    });
    const member = (unitId: number, fullName: string, admitted: string) =>
      buildMember(t.ctx, { unitId, fullName, admitted, official: true });
    await member(x, 'Trần Văn Bình', '2015-04-01');
    await member(x, 'Nguyễn Thị Lan', '2016-04-01');
    const hoa = await member(x, 'Nguyễn Thị Hoa', '2017-04-01');
    await member(y, 'Nguyễn Thị Mai', '2022-04-01');
    await member(elsewhere, 'Nguyễn Thị An', '2018-04-01');
    // Known by another name from 2024: the list sorts and finds her by the name of the day.
    await changeRecord(t.ctx, TEST_OPERATOR, hoa, (await memberVersion(t.ctx.db, hoa))!, {
      effectiveFrom: '2024-01-01',
      fields: { fullName: 'Lê Thị Hoa' },
    });
    const today = ['Lê Thị Hoa', 'Nguyễn Thị Lan', 'Nguyễn Thị Mai', 'Trần Văn Bình'];
    const before = ['Nguyễn Thị Hoa', 'Nguyễn Thị Lan', 'Trần Văn Bình'];
    const check = async () => {
      for (const limit of [1, 3, 50]) {
        expect(await pages('', limit, province)).toEqual(today);
        expect(await pages('', limit, province, '2020-06-01')).toEqual(before);
        expect(await pages('nguyen thi', limit, province)).toEqual(['Nguyễn Thị Lan', 'Nguyễn Thị Mai']);
        expect(await pages('nguyen thi', limit, province, '2020-06-01')).toEqual([
          'Nguyễn Thị Hoa',
          'Nguyễn Thị Lan',
        ]);
        expect(await pages('', limit, y, '2020-06-01')).toEqual([]);
        // Everywhere: the other province's member too, and no one else of that name.
        expect(await pages('nguyen thi', limit)).toEqual([
          'Nguyễn Thị An',
          'Nguyễn Thị Lan',
          'Nguyễn Thị Mai',
        ]);
      }
    };
    // A subtree of many units is tested unit by unit against the tree instead of a list of its
    // units: the same members, for the subtree, for a reader's scope and for both.
    const names = async (q: Omit<MemberQuery, 'statuses' | 'limit'>) =>
      (await findMembers(t.ctx.db, { statuses: ['probationary', 'official'], limit: 50, ...q })).map(
        (m) => m.fullName,
      );
    const within = { all: false, roots: [commune] } as const;
    for (const listedUnitsMax of [undefined, 0]) {
      const q = { date: t.ctx.today(), ...(listedUnitsMax !== undefined && { listedUnitsMax }) };
      expect(await names({ ...q, scope: EVERYWHERE, underUnitId: province })).toEqual(today);
      expect(await names({ ...q, scope: within })).toEqual(today);
      expect(await names({ ...q, scope: within, underUnitId: x })).toEqual([
        'Lê Thị Hoa',
        'Nguyễn Thị Lan',
        'Trần Văn Bình',
      ]);
      expect(await names({ ...q, scope: within, underUnitId: elsewhere })).toEqual([]);
      expect(await names({ ...q, scope: within, name: 'nguyen thi', walkNames: true })).toEqual([
        'Nguyễn Thị Lan',
        'Nguyễn Thị Mai',
      ]);
    }
    // A subtree walks the names in order when it keeps roll-ups or has many units (a province made
    // by a merger into a new unit keeps none until they are chosen again): both answer as sorting.
    const units = 4; // the province, its commune and two cells
    expect(await isLargeSubtree(t.ctx.db, province, t.ctx.today(), units)).toBe(true);
    expect(await isLargeSubtree(t.ctx.db, province, t.ctx.today(), units + 1)).toBe(false);
    expect(await isLargeSubtree(t.ctx.db, x, t.ctx.today(), units)).toBe(false);
    const walked = async (query: string, asOf: string) =>
      (
        await listMembers(t.ctx, TEST_OPERATOR, {
          asOf,
          unitId: province,
          query,
          limit: 2,
          largeSubtreeUnits: units,
        })
      ).map((m) => m.fullName);
    expect(await walked('nguyen thi', t.ctx.today())).toEqual(['Nguyễn Thị Lan', 'Nguyễn Thị Mai']);
    expect(await walked('nguyen thi', '2020-06-01')).toEqual(['Nguyễn Thị Hoa', 'Nguyễn Thị Lan']);
    // A small subtree's search finds its matches first and sorts them; a large one (keeping
    // roll-ups) walks the names in order: both answer the same.
    await check();
    await t.ctx.db.transaction().execute((trx) => refreshRollupUnits(trx, t.ctx.today(), 1));
    expect(await isLargeSubtree(t.ctx.db, province, t.ctx.today(), 100)).toBe(true);
    await check();
  });
});

describe('a list row read from the periods', () => {
  it('shows what the span, the record and the member row say — after a card, a new name, an exemption, a transfer and an exit', async () => {
    const commune = await buildUnit(t.ctx, { kind: 'commune', parentId: tree.province, name: 'Xã Hàng' });
    const [from, to] = [
      await buildUnit(t.ctx, { kind: 'grassroots_cell', parentId: commune, name: 'Chi bộ Hàng 1' }),
      await buildUnit(t.ctx, { kind: 'grassroots_cell', parentId: commune, name: 'Chi bộ Hàng 2' }),
    ];
    const member = (fullName: string) =>
      buildMember(t.ctx, { unitId: from, fullName, admitted: '2019-04-01', official: true });
    const record = async (id: number, input: Parameters<typeof recordEvent>[4]) =>
      recordEvent(t.ctx, TEST_OPERATOR, id, (await memberVersion(t.ctx.db, id))!, input);
    const carded = await member('Phạm Văn Thẻ');
    const renamed = await member('Võ Thị Tên');
    const exempted = await member('Đỗ Văn Miễn');
    const moving = await member('Hồ Thị Chuyển');
    const gone = await member('Lý Văn Đi');
    // A card changes the member's version and neither their spans nor their record.
    await cardAction(t.ctx, TEST_OPERATOR, carded, (await memberVersion(t.ctx.db, carded))!, {
      action: 'issue',
      date: '2021-04-01',
      number: 'HANG-0001',
    });
    await changeRecord(t.ctx, TEST_OPERATOR, renamed, (await memberVersion(t.ctx.db, renamed))!, {
      effectiveFrom: '2023-01-01',
      fields: { fullName: 'Võ Thị Tân', birthDate: '1988-02-29' },
    });
    await record(exempted, { type: 'exemption', date: '2024-02-01', details: { exemptionReason: 'health' } });
    await record(moving, {
      type: 'transfer_out',
      date: '2024-03-01',
      unitId: to,
      details: { transferKind: 'official', slipNumber: 'GT-HANG' },
    });
    await record(gone, { type: 'death', date: '2024-05-01' });
    const statuses = ['probationary', 'official', 'left'];
    for (const date of ['2022-06-01', '2024-04-01', t.ctx.today()]) {
      const q = { date, scope: EVERYWHERE, underUnitId: commune, statuses, limit: 50 };
      // The periods (no filter) against spans, records and members joined (a second scope asked).
      const fromPeriods = await findMembers(t.ctx.db, q);
      const joined = await findMembers(t.ctx.db, { ...q, alsoWithin: EVERYWHERE });
      expect(fromPeriods.length, date).toBeGreaterThan(0);
      expect(fromPeriods, date).toEqual(joined);
    }
    const today = await findMembers(t.ctx.db, {
      date: t.ctx.today(),
      scope: EVERYWHERE,
      underUnitId: commune,
      statuses,
      limit: 50,
    });
    const row = (id: number) => today.find((r) => r.id === id);
    expect(row(carded)?.version).toBe(await memberVersion(t.ctx.db, carded));
    expect(row(renamed)).toMatchObject({ fullName: 'Võ Thị Tân', birthDate: '1988-02-29' });
    expect(row(exempted)?.exempted).toBe(true);
    expect(row(moving)).toMatchObject({ status: 'official', transferToUnitId: to });
    expect(row(gone)).toMatchObject({ status: 'left', exitReason: 'deceased' });
  });
});
