import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../test/test-database.js';
import type { DatabaseHandle } from './engine.js';
import { migrationLevel } from './migrate.js';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

describe('database engine', () => {
  it('runs the migrations and reports the level', async () => {
    expect(await migrationLevel(handle.db)).toBe('0001_unit_tree');
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
});
