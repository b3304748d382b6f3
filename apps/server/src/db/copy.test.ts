import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../test/test-database.js';
import { inlineParameters } from './copy.js';
import type { DatabaseHandle } from './engine.js';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

/** Everything a COPY wrote, decoded once (a chunk may end inside a character). */
async function copied(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

describe('COPY … TO, on both engines', () => {
  it('writes parameters in as literals that read as the parameters did', async () => {
    // Quotes, backslashes, array punctuation and a null, and a "$1" in a literal and a comment
    // that must stay as it is.
    const texts = ['it’s', "O'Brien", 'a\\b', 'x,"y"}', 'Nguyễn Văn An', '{z}'];
    const query = sql<{ a: string; b: string[]; c: number; d: string | null; e: string; f: string }>`
      select ${texts[1]}::text as a, ${texts}::text[] as b, ${42}::int as c, ${null}::text as d,
        '$1 stays' as e, -- a comment's $2 stays too
        ${'2026-12-05'}::date::text as f`.compile(handle.db);
    const inlined = inlineParameters(query);
    expect(inlined).not.toMatch(/\$[3-9]/);
    expect(inlined).toContain("'$1 stays'");
    const asParameters = (await handle.db.executeQuery(query)).rows[0];
    const asLiterals = (await sql.raw(inlined).execute(handle.db)).rows[0];
    expect(asLiterals).toEqual(asParameters);
    expect(asLiterals).toEqual({ a: "O'Brien", b: texts, c: 42, d: null, e: '$1 stays', f: '2026-12-05' });
    // A value pg would send in a form of its own is refused, not guessed.
    for (const odd of [new Date('2026-12-05T00:00:00Z'), Buffer.from('x'), [[1, 2]], { a: 1 }])
      expect(() => inlineParameters(sql`select ${odd}`.compile(handle.db))).toThrow(/COPY parameter/);
  });

  it('answers rows as CSV: quoted where needed, null as an empty field, every line ended', async () => {
    const query = sql`select * from (values (1, 'plain', null::text), (2, 'a, "quoted"
line', 'Đặng')) v (n, t, u) order by n`.compile(handle.db);
    expect(await copied(handle.copyOut(query))).toBe('1,plain,\n2,"a, ""quoted""\nline",Đặng\n');
    // No rows: no bytes.
    expect(await copied(handle.copyOut(sql`select 1 where false`.compile(handle.db)))).toBe('');
  });

  it('applies planner settings to its statement alone', async () => {
    const setting = sql`select current_setting('enable_nestloop')`.compile(handle.db);
    expect(await copied(handle.copyOut(setting, { settings: { enable_nestloop: 'off' } }))).toBe('off\n');
    // Not left behind in the session (PGlite has one) or on the connection (a server's pool).
    for (let i = 0; i < 3; i += 1) expect(await copied(handle.copyOut(setting))).toBe('on\n');
    const after = await sql<{ v: string }>`select current_setting('enable_nestloop') as v`.execute(handle.db);
    expect(after.rows[0]!.v).toBe('on');
    await expect(
      handle.copyOut(setting, { settings: { 'enable_nestloop; drop': 'off' } }).next(),
    ).rejects.toThrow(/not a setting/);
  });

  it('lets go of its connection when the reader stops early, again and again', async () => {
    // Large enough for a server to send it in several chunks.
    const many = sql`select g, repeat('x', 200) from generate_series(1, 20000) g`.compile(handle.db);
    for (let i = 0; i < 12; i += 1) {
      for await (const chunk of handle.copyOut(many)) {
        expect(chunk.length).toBeGreaterThan(0);
        break;
      }
    }
    const lines = (await copied(handle.copyOut(many))).split('\n');
    expect(lines).toHaveLength(20001);
    const still = await sql<{ n: number }>`select 1 as n`.execute(handle.db);
    expect(still.rows[0]!.n).toBe(1);
  });

  it('reports a failing query as an error, and the next one runs', async () => {
    await expect(copied(handle.copyOut(sql`select 1 / 0`.compile(handle.db)))).rejects.toThrow(
      /division by zero/,
    );
    expect(await copied(handle.copyOut(sql`select 'after'`.compile(handle.db)))).toBe('after\n');
  });
});
