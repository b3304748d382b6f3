import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../test/test-database.js';
import type { DatabaseHandle } from './engine.js';
import { latestMigration, migrationLevel } from './migrate.js';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

describe('database engine', () => {
  it('runs the migrations and reports the level', async () => {
    expect(await migrationLevel(handle.db)).toBe(await latestMigration());
  });

  it('opens sessions without Memoize (its cache was sized for millions of rows on a page of 51) and without JIT', async () => {
    const rows = await sql<{ memoize: string; jit: string }>`
      select current_setting('enable_memoize') as memoize, current_setting('jit') as jit`.execute(handle.db);
    expect(rows.rows[0]).toEqual({ memoize: 'off', jit: 'off' });
  });

  it('folds names for search the way each script needs', async () => {
    const fold = async (s: string) =>
      (await sql<{ f: string }>`select rb_fold(${s}) as f`.execute(handle.db)).rows[0]?.f;
    expect(await fold('Nguyễn Đức Thắng')).toBe('nguyen duc thang');
    expect(await fold('İSTANBUL Iğdır')).toBe('istanbul igdir');
    expect(await fold('مُحَمَّد')).toBe('محمد');
    expect(await fold('علي كريم')).toBe(await fold('علی کریم'));
    expect(await fold('می‌خواهم')).toBe('میخواهم');
  });

  it('refuses overlapping validity and a code live twice on the same day, whatever the application does', async () => {
    const order = await sql<{
      id: number;
    }>`insert into reorg_order (effective_date) values ('2020-01-01') returning id`.execute(handle.db);
    const unit = await sql<{ id: number }>`insert into unit default values returning id`.execute(handle.db);
    const [o, u] = [order.rows[0]!.id, unit.rows[0]!.id];
    await sql`insert into unit_version (unit_id, valid, code, name, kind, order_id) values (${u}, '[2020-01-01,)', 'OVL', 'A', 'central', ${o})`.execute(
      handle.db,
    );
    await expect(
      sql`insert into unit_version (unit_id, valid, code, name, kind, order_id) values (${u}, '[2021-01-01,)', 'OVL2', 'A', 'central', ${o})`.execute(
        handle.db,
      ),
    ).rejects.toThrow(/unit_version_one_state_per_day/);
    const other = await sql<{ id: number }>`insert into unit default values returning id`.execute(handle.db);
    await expect(
      sql`insert into unit_version (unit_id, valid, code, name, kind, order_id) values (${other.rows[0]!.id}, '[2025-01-01,)', 'ovl', 'B', 'central', ${o})`.execute(
        handle.db,
      ),
    ).rejects.toThrow(/unit_version_code_live_once/);
  });

  it('COPYs rows inside a transaction: all of them land with the commit, none after a rollback or a bad row', async () => {
    await sql`create table copy_probe (n int not null, t text, j jsonb)`.execute(handle.db);
    const count = async () =>
      (await sql<{ c: number }>`select count(*)::int as c from copy_probe`.execute(handle.db)).rows[0]!.c;
    const rows = Array.from({ length: 5000 }, (_, i) => [
      i,
      i % 2 ? null : `“quoted”, "x" ${i}\nnext`,
      { i },
    ]);
    await expect(
      handle.bulk((s) =>
        s.db.transaction().execute(async (trx) => {
          await s.copy('copy_probe', ['n', 't', 'j'], rows);
          expect(
            (await sql<{ c: number }>`select count(*)::int as c from copy_probe`.execute(trx)).rows[0]!.c,
          ).toBe(5000);
          throw new Error('changed my mind');
        }),
      ),
    ).rejects.toThrow('changed my mind');
    expect(await count()).toBe(0);
    await expect(
      handle.bulk((s) =>
        s.db.transaction().execute(() => s.copy('copy_probe', ['n'], [[1], ['not a number']])),
      ),
    ).rejects.toThrow(/integer/);
    expect(await count()).toBe(0);
    await handle.bulk((s) => s.db.transaction().execute(() => s.copy('copy_probe', ['n', 't', 'j'], rows)));
    expect(await count()).toBe(5000);
    const back = await sql<{
      t: string | null;
      j: { i: number };
    }>`select t, j from copy_probe where n in (2, 3) order by n`.execute(handle.db);
    expect(back.rows).toEqual([
      { t: '“quoted”, "x" 2\nnext', j: { i: 2 } },
      { t: null, j: { i: 3 } },
    ]);
    // The pool goes on serving afterwards.
    expect(await count()).toBe(5000);
  });
});
