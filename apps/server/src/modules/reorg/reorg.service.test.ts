import { AppError } from '@rollbook/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../context.js';
import type { DatabaseHandle } from '../../db/engine.js';
import {
  applyOps,
  buildSmallTree,
  buildUnit,
  createTestContext,
  uniqueCode,
  TEST_OPERATOR as OP,
} from '../../test/test-context.js';
import { countByKindAt, findFirstTreeGap } from '../units/units.repository.js';
import { EVERYWHERE } from '../access/actor.js';
import { findChildren, getFigures, getLineage, getUnit, getUnitHistory } from '../units/units.service.js';
import {
  applyOrder,
  createAndApplyOrder,
  createOrder,
  draftReversal,
  previewOrder,
} from './reorg.service.js';

let ctx: AppContext;
let handle: DatabaseHandle;
beforeAll(async () => {
  ({ ctx, handle } = await createTestContext());
});
afterAll(() => handle?.close());

const childNames = async (parentId: number, date: string) =>
  (await findChildren(ctx.db, parentId, date, EVERYWHERE)).map((u) => u.name).sort();

async function expectRefused(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

describe('reorganization orders', () => {
  it('merges two cells into a new one with a past date; the tree before and after differ', async () => {
    const t = await buildSmallTree(ctx);
    await applyOps(ctx, '2024-09-01', [
      {
        type: 'merge',
        unitIds: [t.cellA, t.cellB],
        into: { parentId: t.committee, code: uniqueCode('M'), name: 'Chi bộ Giáo viên', kind: 'cell' },
      },
    ]);
    expect(await childNames(t.committee, '2024-08-31')).toEqual(['Chi bộ Giáo viên 1', 'Chi bộ Giáo viên 2']);
    expect(await childNames(t.committee, '2024-09-01')).toEqual(['Chi bộ Giáo viên']);
    const figuresBefore = await getFigures(ctx.db, t.province, '2024-08-31', EVERYWHERE, ctx.rules);
    const figuresAfter = await getFigures(ctx.db, t.province, '2024-09-01', EVERYWHERE, ctx.rules);
    // "grassroots organizations" = grassroots committees + grassroots cells (the rule pack's group)
    expect(figuresAfter.groups).toEqual([{ group: 'grassroots_organizations', count: 2 }]);
    expect(figuresAfter.direct).toMatchObject({ total: 1, byKind: [{ kind: 'commune', count: 1 }] });
    expect(figuresBefore.byKind.find((k) => k.kind === 'cell')?.count).toBe(2);
    expect(figuresAfter.byKind.find((k) => k.kind === 'cell')?.count).toBe(1);
    const lineage = await getLineage(ctx.db, t.cellA, EVERYWHERE, ctx.today());
    expect(lineage.edges).toHaveLength(2);
    expect(lineage.edges.every((e) => e.kind === 'merge' && e.effectiveDate === '2024-09-01')).toBe(true);
    const gone = await getUnit(ctx.db, t.cellA, '2025-01-01', EVERYWHERE);
    expect(gone.liveOnDate).toBe(false);
    expect(gone.existence).toEqual({ from: '2000-01-01', to: '2024-09-01' });
  });

  it('moves a whole subtree: descendants follow on the date, not before', async () => {
    const t = await buildSmallTree(ctx);
    const other = await buildUnit(ctx, {
      kind: 'province',
      parentId: t.central,
      name: 'Đảng bộ tỉnh Kiên Giang',
    });
    await applyOps(ctx, '2025-07-01', [{ type: 'move', unitId: t.commune, parentId: other }]);
    expect((await getFigures(ctx.db, other, '2025-06-30', EVERYWHERE)).total).toBe(0);
    expect((await getFigures(ctx.db, other, '2025-07-01', EVERYWHERE)).total).toBe(5);
    expect((await getFigures(ctx.db, t.province, '2025-07-01', EVERYWHERE)).total).toBe(0);
    const cell = await getUnit(ctx.db, t.cellA, '2025-07-01', EVERYWHERE);
    expect(cell.ancestors.map((a) => a.id)).toEqual([t.central, other, t.commune, t.committee]);
  });

  it('splits a committee, allocating its cells, and records the allocation in the lineage', async () => {
    const t = await buildSmallTree(ctx);
    const [partA, partB] = await applyOps(ctx, '2023-01-01', [
      {
        type: 'split',
        unitId: t.committee,
        parts: [
          { code: uniqueCode('S'), name: 'Phần A', kind: 'grassroots_committee', childIds: [t.cellA] },
          { code: uniqueCode('S'), name: 'Phần B', kind: 'grassroots_committee', takesRemainder: true },
        ],
      },
    ]);
    expect(await childNames(partA!, '2023-01-01')).toEqual(['Chi bộ Giáo viên 1']);
    expect(await childNames(partB!, '2023-01-01')).toEqual(['Chi bộ Giáo viên 2']);
    expect(
      (await getLineage(ctx.db, t.committee, EVERYWHERE, ctx.today())).edges.map((e) => e.successorId).sort(),
    ).toEqual([partA, partB].sort());
  });

  it('builds a whole subtree in one order, new units under new units by ref', async () => {
    const t = await buildSmallTree(ctx);
    const [committee, cell] = await applyOps(ctx, '2021-01-01', [
      {
        type: 'create',
        parentId: t.commune,
        ref: 'school',
        code: uniqueCode('N'),
        name: 'Đảng bộ Trường THCS',
        kind: 'grassroots_committee',
      },
      {
        type: 'create',
        parentId: null,
        parentRef: 'school',
        code: uniqueCode('N'),
        name: 'Chi bộ Giáo viên',
        kind: 'cell',
      },
    ]);
    expect((await getUnit(ctx.db, cell!, '2021-01-01', EVERYWHERE)).ancestors.map((a) => a.id)).toEqual([
      t.central,
      t.province,
      t.commune,
      committee,
    ]);
    const unknown = await previewOrder(ctx, OP, {
      effectiveDate: '2021-01-01',
      operations: [
        { type: 'create', parentId: null, parentRef: 'nowhere', code: uniqueCode(), name: 'X', kind: 'cell' },
      ],
    });
    expect(unknown.violations).toMatchObject([
      { code: 'validation_failed', field: 'operations.0.parentRef' },
    ]);
  });

  it('keeps a future-dated order out of today and in the tree of its date', async () => {
    const t = await buildSmallTree(ctx);
    await applyOps(ctx, '2099-01-01', [{ type: 'rename', unitId: t.gCell, name: 'Chi bộ Trung tâm Y tế' }]);
    expect((await getUnit(ctx.db, t.gCell, ctx.today(), EVERYWHERE)).unit?.name).toBe('Chi bộ Trạm Y tế');
    expect((await getUnit(ctx.db, t.gCell, '2099-01-01', EVERYWHERE)).unit?.name).toBe(
      'Chi bộ Trung tâm Y tế',
    );
  });

  it('refuses an order that cuts across a later planned one, naming it', async () => {
    const t = await buildSmallTree(ctx);
    await applyOps(ctx, '2099-01-01', [{ type: 'rename', unitId: t.cellA, name: 'Later name' }]);
    const error = await expectRefused(
      applyOps(ctx, '2030-01-01', [{ type: 'dissolve', unitId: t.cellA }]),
      'later_change_conflict',
    );
    expect(error.params.laterDate).toBe('2099-01-01');
  });

  it('refuses a back-dated change to a unit whose end is already planned', async () => {
    const t = await buildSmallTree(ctx);
    await applyOps(ctx, '2027-07-01', [{ type: 'merge', unitIds: [t.cellA], into: { unitId: t.cellB } }]);
    const error = await expectRefused(
      applyOps(ctx, '2027-04-01', [{ type: 'rename', unitId: t.cellA, name: 'Renamed before its merger' }]),
      'later_change_conflict',
    );
    expect(error.params.laterDate).toBe('2027-07-01');
    expect((await getUnit(ctx.db, t.cellA, '2028-01-01', EVERYWHERE)).liveOnDate).toBe(false);
  });

  it('refuses a back-dated order that would leave a later planned placement without a parent or in a loop', async () => {
    const t = await buildSmallTree(ctx);
    const other = await buildUnit(ctx, {
      kind: 'grassroots_committee',
      parentId: t.commune,
      name: 'Đảng bộ Công an xã',
    });
    // Planned: cell A moves under the other committee in 2028.
    await applyOps(ctx, '2028-01-01', [{ type: 'move', unitId: t.cellA, parentId: other }]);
    // Back-dated: dissolving that committee in 2027 would leave cell A's 2028 parent dead.
    const gone = await expectRefused(
      applyOps(ctx, '2027-01-01', [{ type: 'dissolve', unitId: other }]),
      'later_change_conflict',
    );
    expect(gone.params.laterDate).toBe('2028-01-01');
    expect((await getUnit(ctx.db, t.cellA, '2028-06-01', EVERYWHERE)).ancestors.map((a) => a.id)).toContain(
      other,
    );
  });

  it('reverses the last of two orders on one day, and refuses to reverse the first before it', async () => {
    const t = await buildSmallTree(ctx);
    const first = await createAndApplyOrder(ctx, OP, {
      effectiveDate: '2022-02-01',
      operations: [
        {
          type: 'create',
          parentId: t.commune,
          code: uniqueCode('Q'),
          name: 'Chi bộ Khóm 1',
          kind: 'grassroots_cell',
        },
      ],
    });
    const unitId = first.result!.createdUnitIds!['0']![0]!;
    const second = await createAndApplyOrder(ctx, OP, {
      effectiveDate: '2022-02-01',
      operations: [{ type: 'rename', unitId, name: 'Chi bộ Khóm Một' }],
    });
    await expectRefused(draftReversal(ctx, OP, first.id), 'later_change_conflict');
    const reversal = await draftReversal(ctx, OP, second.id);
    expect(reversal.operations).toEqual([
      { type: 'rename', unitId, code: expect.any(String), name: 'Chi bộ Khóm 1' },
    ]);
    await applyOrder(ctx, OP, reversal.id, reversal.version);
    expect((await getUnit(ctx.db, unitId, '2022-02-01', EVERYWHERE)).unit?.name).toBe('Chi bộ Khóm 1');
    // Both undone now, in order: the unit's creation can be reversed too.
    const undoFirst = await draftReversal(ctx, OP, first.id);
    expect(undoFirst.operations).toEqual([{ type: 'dissolve', unitId }]);
  });

  it('reverses a merger later than its date: the merger stays history, the units come back', async () => {
    const t = await buildSmallTree(ctx);
    const merger = await createAndApplyOrder(ctx, OP, {
      effectiveDate: '2024-09-01',
      operations: [{ type: 'merge', unitIds: [t.cellA], into: { unitId: t.cellB } }],
    });
    const reversal = await draftReversal(ctx, OP, merger.id, '2025-01-01');
    await applyOrder(ctx, OP, reversal.id, reversal.version);
    expect(await childNames(t.committee, '2024-12-31')).toEqual(['Chi bộ Giáo viên 2']);
    expect(await childNames(t.committee, '2025-01-01')).toEqual(['Chi bộ Giáo viên 1', 'Chi bộ Giáo viên 2']);
    expect((await getLineage(ctx.db, t.cellA, EVERYWHERE, ctx.today())).edges).toHaveLength(1);
    const history = await getUnitHistory(ctx.db, t.cellA, { scope: EVERYWHERE, date: ctx.today() });
    expect(history.versions.map((v) => [v.validFrom, v.validTo])).toEqual([
      ['2000-01-01', '2024-09-01'],
      ['2025-01-01', null],
    ]);
    await expectRefused(applyOrder(ctx, OP, reversal.id, reversal.version + 1), 'order_not_draft');
    await expectRefused(
      draftReversal(
        ctx,
        OP,
        (await createOrder(ctx, OP, { effectiveDate: '2025-01-01', operations: [] })).id,
      ),
      'order_not_applied',
    );
  });

  it('previews without writing: changes, figures before and after, and broken rules', async () => {
    const t = await buildSmallTree(ctx);
    const preview = await previewOrder(ctx, OP, {
      effectiveDate: '2024-01-01',
      operations: [{ type: 'merge', unitIds: [t.cellA], into: { unitId: t.cellB } }],
    });
    expect(preview.violations).toEqual([]);
    expect(preview.changes.map((c) => c.change)).toEqual(['dissolved']);
    expect(preview.figures?.unitId).toBe(t.committee);
    expect(preview.figures?.before.total).toBe(2);
    expect(preview.figures?.after?.total).toBe(1);
    expect(await childNames(t.committee, '2024-01-01')).toHaveLength(2);

    const bad = await previewOrder(ctx, OP, {
      effectiveDate: '2024-01-01',
      operations: [
        { type: 'move', unitId: t.province, parentId: t.cellA },
        { type: 'create', parentId: t.gCell, code: 'X', name: 'Cell under a grassroots cell', kind: 'cell' },
      ],
    });
    expect(bad.violations.map((v) => v.code)).toEqual(['cycle', 'wrong_parent_kind']);
    expect(bad.figures?.after).toBeNull();
  });

  it('refuses a reused live code, an unknown kind, a dissolved parent and a unit with children', async () => {
    const t = await buildSmallTree(ctx);
    const code = uniqueCode('C');
    await buildUnit(ctx, { kind: 'cell', parentId: t.committee, code });
    await expectRefused(
      applyOps(ctx, '2010-01-01', [
        { type: 'create', parentId: t.committee, code, name: 'Dup', kind: 'cell' },
      ]),
      'code_in_use',
    );
    await expectRefused(
      applyOps(ctx, '2010-01-01', [
        { type: 'create', parentId: t.committee, code: uniqueCode(), name: 'N', kind: 'nope' },
      ]),
      'unknown_kind',
    );
    await expectRefused(
      applyOps(ctx, '2010-01-01', [{ type: 'dissolve', unitId: t.committee }]),
      'has_children',
    );
    await expectRefused(
      applyOps(ctx, '1999-01-01', [{ type: 'rename', unitId: t.cellA, name: 'Too early' }]),
      'unit_not_live',
    );
    await expectRefused(
      applyOps(ctx, '2010-01-01', [
        { type: 'create', parentId: null, code: uniqueCode(), name: 'Orphan', kind: 'cell' },
      ]),
      'parent_required',
    );
    await expectRefused(
      applyOps(ctx, '2026-01-01', [
        { type: 'create', parentId: t.province, code: uniqueCode(), name: 'Huyện', kind: 'district' },
      ]),
      'kind_not_in_force',
    );
    // Nothing of the refused orders was written.
    expect(await childNames(t.committee, '2026-11-25')).toHaveLength(3);
  });

  it('lets a merged unit hand its code to the new unit on the same day', async () => {
    const t = await buildSmallTree(ctx);
    const code = uniqueCode('K');
    const a = await buildUnit(ctx, { kind: 'cell', parentId: t.committee, code });
    const [merged] = await applyOps(ctx, '2020-01-01', [
      {
        type: 'merge',
        unitIds: [a, t.cellA],
        into: { parentId: t.committee, code, name: 'Merged', kind: 'cell' },
      },
    ]);
    expect((await getUnit(ctx.db, merged!, '2020-01-01', EVERYWHERE)).unit?.code).toBe(code);
  });

  it('reverses an applied order with a new order; on the same date the history reads as before', async () => {
    const t = await buildSmallTree(ctx);
    const draft = await createOrder(ctx, OP, {
      effectiveDate: '2024-09-01',
      operations: [
        {
          type: 'merge',
          unitIds: [t.cellA, t.cellB],
          into: { parentId: t.committee, code: uniqueCode('R'), name: 'Merged', kind: 'cell' },
        },
      ],
    });
    const applied = await applyOrder(ctx, OP, draft.id, draft.version);
    const reversal = await draftReversal(ctx, OP, applied.id);
    expect(reversal.operations.map((o) => o.type)).toEqual(['reinstate', 'reinstate', 'dissolve']);
    const done = await applyOrder(ctx, OP, reversal.id, reversal.version);
    expect(done.reversesOrderId).toBe(applied.id);
    expect(await childNames(t.committee, '2024-09-01')).toEqual(['Chi bộ Giáo viên 1', 'Chi bộ Giáo viên 2']);
    const history = await getUnitHistory(ctx.db, t.cellA, { scope: EVERYWHERE, date: ctx.today() });
    expect(history.versions).toHaveLength(1);
    expect(history.versions[0]).toMatchObject({ validFrom: '2000-01-01', validTo: null });
    expect((await getLineage(ctx.db, t.cellA, EVERYWHERE, ctx.today())).edges).toHaveLength(0);
    const withCorrections = await getUnitHistory(ctx.db, t.cellA, {
      includeSuperseded: true,
      scope: EVERYWHERE,
      date: ctx.today(),
    });
    expect(withCorrections.versions.filter((v) => v.supersededAt).length).toBeGreaterThan(0);
    await expectRefused(draftReversal(ctx, OP, applied.id), 'order_already_reversed');
  });

  it('refuses a stale version and edits of an applied order', async () => {
    const t = await buildSmallTree(ctx);
    const draft = await createOrder(ctx, OP, {
      effectiveDate: '2024-01-01',
      operations: [{ type: 'rename', unitId: t.gCell, name: 'New' }],
    });
    await expectRefused(applyOrder(ctx, OP, draft.id, draft.version + 1), 'version_conflict');
    await applyOrder(ctx, OP, draft.id, draft.version);
    await expectRefused(applyOrder(ctx, OP, draft.id, draft.version + 1), 'order_not_draft');
  });

  it('serializes concurrent orders: two claiming one code cannot both land', async () => {
    const t = await buildSmallTree(ctx);
    const code = uniqueCode('Z');
    const claim = () =>
      applyOps(ctx, '2024-05-01', [
        { type: 'create', parentId: t.commune, code, name: 'Chi bộ Ấp Mới', kind: 'grassroots_cell' },
      ]);
    const results = await Promise.allSettled([claim(), claim()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as AppError).code).toBe('code_in_use');
  });

  it('keeps the pre-aggregated roll-up equal to counting the tree, after every kind of order', async () => {
    // Runs last: the database now holds merges, splits, moves, reversals and planned orders.
    const dates = [
      '1999-12-31',
      '2000-01-01',
      '2020-01-01',
      '2023-01-01',
      '2024-09-01',
      '2025-07-01',
      '2026-11-25',
      '2099-01-01',
    ];
    const units = await sql<{ id: number }>`select id from unit order by id`.execute(ctx.db);
    // Every live version of every unit has its place in the derived tree, on every day.
    expect(
      await findFirstTreeGap(
        ctx.db,
        units.rows.map((u) => u.id),
        '1900-01-01',
      ),
    ).toBeUndefined();
    for (const date of dates) {
      const naive = await sql<{ root: number; kind: string; n: number }>`
        select r.unit_id as root, t.kind, count(*)::int as n
        from unit_tree r join unit_tree t on t.path <@ r.path and t.unit_id <> r.unit_id and t.valid @> ${date}::date
        where r.valid @> ${date}::date group by r.unit_id, t.kind`.execute(ctx.db);
      for (const { id } of units.rows) {
        const expected = Object.fromEntries(
          naive.rows.filter((r) => r.root === id).map((r) => [r.kind, r.n]),
        );
        expect(await countByKindAt(ctx.db, [id], date), `unit ${id} on ${date}`).toEqual(expected);
      }
    }
  });
});
