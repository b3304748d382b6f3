import { localOperator } from '../modules/access/actor.js';
import type { IsoDate, ReorgOperation } from '@rollbook/domain';
import type { AppContext } from '../context.js';
import {
  buildRollupsOfNewUnits,
  createAndApplyOrder,
  createAndApplyOrderIn,
} from '../modules/reorg/reorg.service.js';
import { type GeneratedTree, PROVINCES_BEFORE_MERGER } from './generate-tree.js';
import { provinceName } from './names.js';
import { Prng } from './prng.js';

/** The day of the 2025 reform (Regulation 294-QĐ/TW): 63 provinces became 34, districts went away. */
export const MERGER_DATE: IsoDate = '2025-07-01';

/**
 * The province pairs that merge, by position in PROVINCES (An Giang + Kiên Giang, Bạc Liêu + Cà Mau,
 * Bến Tre + Vĩnh Long, Bình Định + Gia Lai, Bình Phước + Đồng Nai, Đắk Lắk + Phú Yên): the first
 * three merge into an existing province, the last three into a newly created one, as both shapes
 * occur in real orders and the second rewrites twice the subtree.
 */
const MERGED_PAIRS: ReadonlyArray<readonly [survivor: number, merged: number]> = [
  [5, 6],
  [11, 10],
  [13, 12],
  [15, 14],
  [18, 17],
  [19, 20],
];

export interface OrderTiming {
  /** What kind of order: 'cell merge', 'commune moves', 'province merge (into existing)', … */
  kind: string;
  title: string;
  effectiveDate: IsoDate;
  operations: number;
  ms: number;
}

/**
 * Applies a realistic history through the product's write path (`createAndApplyOrder`, with every
 * rule check), timing each order: cells merged during 2023, ~5 % of communes moved to another
 * province on 2024-01-01, six province pairs merged on 2025-07-01.
 */
export async function applyHistory(
  ctx: AppContext,
  tree: GeneratedTree,
  unitIds: number[],
  seed: number,
): Promise<OrderTiming[]> {
  const rng = new Prng(seed);
  const id = (index: number) => unitIds[index]!;
  const timings: OrderTiming[] = [];
  const apply = async (kind: string, title: string, effectiveDate: IsoDate, operations: ReorgOperation[]) => {
    const started = performance.now();
    const order = await createAndApplyOrder(ctx, localOperator('bench'), {
      effectiveDate,
      title,
      operations,
      decision: { number: `${timings.length + 1}-QĐ/BENCH` },
    });
    timings.push({
      kind,
      title,
      effectiveDate,
      operations: operations.length,
      ms: performance.now() - started,
    });
    return order;
  };

  // 2023: cells too small to meet their quorum merge into a neighbouring cell of the same committee.
  const cellMerges = Math.max(10, Math.round(tree.units.length / 2000));
  const withTwoCells = rng.shuffle(tree.committees.filter((c) => c.cells.length >= 2)).slice(0, cellMerges);
  for (const [i, { cells }] of withTwoCells.entries()) {
    const [a, b] = [cells[0]!, cells[1]!];
    const date = `2023-${String((i % 12) + 1).padStart(2, '0')}-01`;
    await apply('cell merge', `Merge cell ${tree.units[b]!.code} into ${tree.units[a]!.code}`, date, [
      { type: 'merge', unitIds: [id(a), id(b)], into: { unitId: id(a) } },
    ]);
  }

  // 2024: ~5 % of communes change province along a redrawn border, one order per source province.
  const movesByProvince = new Map<number, number[]>();
  for (const [p, communes] of tree.communesByProvince.entries()) {
    for (const commune of communes) {
      if (rng.chance(0.05)) movesByProvince.set(p, [...(movesByProvince.get(p) ?? []), commune]);
    }
  }
  for (const [p, communes] of movesByProvince) {
    const target = (p + 1) % PROVINCES_BEFORE_MERGER;
    await apply(
      'commune moves',
      `Move ${communes.length} communes from ${tree.units[tree.provinces[p]!]!.code} to ${tree.units[tree.provinces[target]!]!.code}`,
      '2024-01-01',
      communes.map((c) => ({ type: 'move', unitId: id(c), parentId: id(tree.provinces[target]!) })),
    );
  }

  // 2025-07-01: six pairs of provinces merge.
  for (const [i, [survivor, merged]] of MERGED_PAIRS.entries()) {
    const [s, m] = [tree.provinces[survivor]!, tree.provinces[merged]!];
    const title = `Merge ${tree.units[m]!.code} and ${tree.units[s]!.code}`;
    if (i < 3) {
      await apply('province merge (into existing)', title, MERGER_DATE, [
        { type: 'merge', unitIds: [id(s), id(m)], into: { unitId: id(s) } },
      ]);
    } else {
      await apply('province merge (into new)', title, MERGER_DATE, [
        {
          type: 'merge',
          unitIds: [id(s), id(m)],
          into: {
            parentId: id(tree.central),
            code: `${tree.units[s]!.code}N`,
            name: provinceName(survivor),
            kind: 'province',
          },
        },
      ]);
    }
  }
  return timings;
}

/**
 * Province pairs merged again once members exist: positions not used by the 2025 reform. The first
 * two whose provinces both stand today are merged; the later ones serve a run on a data set an
 * earlier run already reorganized (BENCH_REUSE).
 */
const MEMBER_ERA_PAIRS: ReadonlyArray<readonly [survivor: number, merged: number]> = [
  [21, 22],
  [23, 24],
  [25, 26],
  [27, 28],
  [29, 30],
  [31, 32],
];

/**
 * Reorganizations applied after the member register is loaded, dated `day` (today): cells merged
 * into a neighbour of the same committee (their members follow through `reorganization` events,
 * each member re-derived), and two province pairs merged, one into the survivor, one into a new
 * province (the cells survive, so members stay put and only the tree above them changes).
 */
export async function applyMergersWithMembers(
  ctx: AppContext,
  tree: GeneratedTree,
  unitIds: number[],
  day: IsoDate,
  liveToday: ReadonlySet<number>,
  seed: number,
): Promise<OrderTiming[]> {
  const rng = new Prng(seed ^ 0x3e7);
  const id = (index: number) => unitIds[index]!;
  const timings: OrderTiming[] = [];
  // What createAndApplyOrder does, in two timed steps: the order (the merger target), then the
  // roll-ups of a new unit large enough to keep them, built after the order has committed.
  const apply = async (kind: string, title: string, operations: ReorgOperation[]) => {
    let started = performance.now();
    const order = await ctx.db.transaction().execute((trx) =>
      createAndApplyOrderIn(trx, ctx, localOperator('bench'), {
        effectiveDate: day,
        title,
        operations,
        decision: { number: `${timings.length + 1}-QĐ/BENCH-M` },
      }),
    );
    timings.push({
      kind,
      title,
      effectiveDate: day,
      operations: operations.length,
      ms: performance.now() - started,
    });
    started = performance.now();
    const chosen = await buildRollupsOfNewUnits(ctx, order);
    if (chosen.length)
      timings.push({
        kind: 'roll-ups of a new province, after its order',
        title: `${title}: roll-ups of unit ${chosen.join(', ')}`,
        effectiveDate: day,
        operations: 0,
        ms: performance.now() - started,
      });
  };
  const pairs = rng
    .shuffle(tree.committees.filter((c) => c.cells.length >= 2))
    .filter(({ cells }) => liveToday.has(id(cells[0]!)) && liveToday.has(id(cells[1]!)))
    .slice(0, 5);
  for (const { cells } of pairs) {
    const [a, b] = [cells[0]!, cells[1]!];
    await apply('cell merge with members', `Merge cell ${tree.units[b]!.code} into ${tree.units[a]!.code}`, [
      { type: 'merge', unitIds: [id(a), id(b)], into: { unitId: id(a) } },
    ]);
  }
  const standing = MEMBER_ERA_PAIRS.filter(
    ([survivor, merged]) =>
      liveToday.has(id(tree.provinces[survivor]!)) && liveToday.has(id(tree.provinces[merged]!)),
  ).slice(0, 2);
  for (const [i, [survivor, merged]] of standing.entries()) {
    const [s, m] = [tree.provinces[survivor]!, tree.provinces[merged]!];
    const title = `Merge ${tree.units[m]!.code} and ${tree.units[s]!.code} (with members)`;
    if (i === 0) {
      await apply('province merge with members (into existing)', title, [
        { type: 'merge', unitIds: [id(s), id(m)], into: { unitId: id(s) } },
      ]);
    } else {
      await apply('province merge with members (into new)', title, [
        {
          type: 'merge',
          unitIds: [id(s), id(m)],
          into: {
            parentId: id(tree.central),
            code: `${tree.units[s]!.code}M`,
            name: `${provinceName(survivor)} (hợp nhất)`,
            kind: 'province',
          },
        },
      ]);
    }
  }
  return timings;
}
