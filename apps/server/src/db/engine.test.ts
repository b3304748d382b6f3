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

  it('opens sessions without Memoize (its cache was sized for millions of rows on a page of 51)', async () => {
    const rows = await sql<{ v: string }>`select current_setting('enable_memoize') as v`.execute(handle.db);
    expect(rows.rows[0]!.v).toBe('off');
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
});
