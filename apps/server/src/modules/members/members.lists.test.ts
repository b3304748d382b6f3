import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/test-app.js';
import { buildMember, buildSmallTree, buildUnit } from '../../test/test-context.js';
import { memberVersion } from './members.repository.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tree: Awaited<ReturnType<typeof buildSmallTree>>;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildSmallTree(t.ctx);
});
afterAll(async () => t?.close());

/** Every page of a search, following the cursors, as full names. */
async function pages(q: string, limit: number, unit?: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/v1/members?q=${encodeURIComponent(q)}&limit=${limit}${unit ? `&unit=${unit}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
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
