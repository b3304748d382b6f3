import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../context.js';
import type { DatabaseHandle } from '../../db/engine.js';
import { applyOps, buildUnit, createTestContext, uniqueCode } from '../../test/test-context.js';

// rb_scope_paths (0003, rewritten in 0023): the roots of a scope on a day as tree paths. A unit
// standing that day is its own root; one that did not (made later by a merger) stands for every
// unit its lineage leads back to that stood then — whatever was merged into it later included —
// however many mergers back.
let ctx: AppContext;
let handle: DatabaseHandle;
const units: Record<string, number> = {};
const paths: Record<string, string> = {};

beforeAll(async () => {
  ({ ctx, handle } = await createTestContext());
  units.central = await buildUnit(ctx, { kind: 'central', parentId: null }, '2000-01-01');
  for (const name of ['a', 'b', 'c', 'd'])
    units[name] = await buildUnit(ctx, { kind: 'province', parentId: units.central }, '2000-01-01');
  const newProvince = (name: string) => ({
    parentId: units.central!,
    code: uniqueCode('P'),
    name,
    kind: 'province',
  });
  // A and B make N (2024); C is merged into N (2025); N and D make M (2026).
  units.n = (
    await applyOps(ctx, '2024-01-01', [
      { type: 'merge', unitIds: [units.a!, units.b!], into: newProvince('N') },
    ])
  )[0]!;
  await applyOps(ctx, '2025-01-01', [
    { type: 'merge', unitIds: [units.n!, units.c!], into: { unitId: units.n! } },
  ]);
  units.m = (
    await applyOps(ctx, '2026-01-01', [
      { type: 'merge', unitIds: [units.n!, units.d!], into: newProvince('M') },
    ])
  )[0]!;
  for (const [name, id] of Object.entries(units)) paths[name] = `${units.central}.${id}`;
  paths.central = `${units.central}`;
});
afterAll(async () => {
  await handle?.close();
});

async function scopePaths(names: string[], day: string): Promise<string[]> {
  const rows = await sql<{ paths: string[] }>`
    select coalesce(rb_scope_paths(${names.map((n) => units[n]!)}::bigint[], ${day}::date)::text[], '{}') as paths`.execute(
    ctx.db,
  );
  // A path found twice (two roots leading to one unit) counts once for `<@ any(…)`.
  return [...new Set(rows.rows[0]!.paths)].sort();
}

const expected = (names: string[]) => names.map((n) => paths[n]!).sort();

describe('rb_scope_paths', () => {
  it('gives a standing unit its own path', async () => {
    expect(await scopePaths(['n'], '2024-06-01')).toEqual(expected(['n']));
    expect(await scopePaths(['central'], '2024-06-01')).toEqual(expected(['central']));
  });

  it('gives a unit made by a merger, before it, the units it was made from and those merged into it later', async () => {
    expect(await scopePaths(['n'], '2023-06-01')).toEqual(expected(['a', 'b', 'c']));
  });

  it('follows the lineage back through several mergers', async () => {
    expect(await scopePaths(['m'], '2023-06-01')).toEqual(expected(['a', 'b', 'c', 'd']));
    expect(await scopePaths(['m'], '2025-06-01')).toEqual(expected(['n', 'd']));
  });

  it('leaves a survivor its own path: what was merged into it is under it, not a root', async () => {
    expect(await scopePaths(['n'], '2025-06-01')).toEqual(expected(['n']));
  });

  it('gives an ended unit no path after its end, and several roots their paths together', async () => {
    expect(await scopePaths(['c'], '2025-06-01')).toEqual([]);
    expect(await scopePaths(['c', 'd'], '2024-06-01')).toEqual(expected(['c', 'd']));
    expect(await scopePaths(['m', 'c'], '2023-06-01')).toEqual(expected(['a', 'b', 'c', 'd']));
  });
});
