import { AppError, type ReorgOperation } from '@rollbook/domain';
import type { Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/types.js';
import { type Actor, requireEverywhere } from '../access/actor.js';
import { createAndApplyOrderIn } from '../reorg/reorg.service.js';
import { DEMO_DECISIONS, DEMO_START, DEMO_TREE, type DemoTree } from './demo-organization.js';

export interface DemoResult {
  units: number;
  orders: number;
  rootId: number;
}

/**
 * Loads the demo organization and replays its history as real orders, all in one transaction:
 * the founding tree (2020), a split of a hospital cell (2023), the merger of two school cells (2024),
 * the merger of two provinces (2025-07-01) and a planned rename (2027).
 */
export async function loadDemo(ctx: AppContext, actor: Actor): Promise<DemoResult> {
  requireEverywhere(actor, 'system.manage');
  return ctx.db.transaction().execute(async (trx) => {
    const any = await trx.selectFrom('unit').select('id').limit(1).executeTakeFirst();
    if (any) throw new AppError('demo_needs_empty_database');

    // Founding: one order creates the whole tree; each unit names its parent by the parent's code.
    const creates: ReorgOperation[] = [];
    const walk = (node: DemoTree, parentCode: string | null) => {
      creates.push({
        type: 'create',
        code: node.code,
        name: node.name,
        kind: node.kind,
        parentId: null,
        ref: node.code,
        ...(parentCode !== null && { parentRef: parentCode }),
      });
      for (const child of node.children ?? []) walk(child, node.code);
    };
    walk(DEMO_TREE, null);
    const founding = await apply(
      trx,
      ctx,
      actor,
      DEMO_START,
      'Thành lập (dữ liệu mẫu)',
      DEMO_DECISIONS.founding,
      creates,
    );
    const ids = new Map(
      creates.map((op, i) => [
        (op as { code: string }).code,
        founding.result!.createdUnitIds![String(i)]![0]!,
      ]),
    );
    const id = (code: string) => ids.get(code)!;

    await apply(trx, ctx, actor, '2023-03-01', 'Tách Chi bộ Khối Nội', DEMO_DECISIONS.hospitalSplit, [
      {
        type: 'split',
        unitId: id('AG-CD-BV-NOI'),
        parts: [
          { code: 'AG-CD-BV-NOI1', name: 'Chi bộ Nội tổng hợp', kind: 'cell' },
          {
            code: 'AG-CD-BV-NOI2',
            name: 'Chi bộ Nội tim mạch – Lão khoa',
            kind: 'cell',
            takesRemainder: true,
          },
        ],
      },
    ]);
    await apply(
      trx,
      ctx,
      actor,
      '2024-09-01',
      'Hợp nhất hai chi bộ trường tiểu học',
      DEMO_DECISIONS.schoolCells,
      [
        {
          type: 'merge',
          unitIds: [id('AG-MHH-THA'), id('AG-MHH-THB')],
          into: {
            parentId: id('AG-MHH'),
            code: 'AG-MHH-TH',
            name: 'Chi bộ Trường Tiểu học Mỹ Hòa Hưng',
            kind: 'grassroots_cell',
          },
        },
      ],
    );
    await apply(
      trx,
      ctx,
      actor,
      '2025-07-01',
      'Hợp nhất Đảng bộ tỉnh An Giang và Đảng bộ tỉnh Kiên Giang',
      DEMO_DECISIONS.provinces,
      [
        {
          type: 'merge',
          unitIds: [id('AG'), id('KG')],
          into: { parentId: id('TW'), code: 'AG', name: 'Đảng bộ tỉnh An Giang', kind: 'province' },
        },
      ],
    );
    await apply(trx, ctx, actor, '2027-01-01', 'Đổi tên Chi bộ Trạm Y tế', DEMO_DECISIONS.planned, [
      { type: 'rename', unitId: id('AG-MHH-YT'), name: 'Chi bộ Trung tâm Y tế xã Mỹ Hòa Hưng' },
    ]);
    const units = await trx
      .selectFrom('unit')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const orders = await trx
      .selectFrom('reorg_order')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { units: Number(units.n), orders: Number(orders.n), rootId: id('TW') };
  });
}

function apply(
  trx: Transaction<Database>,
  ctx: AppContext,
  actor: Actor,
  effectiveDate: string,
  title: string,
  decision: (typeof DEMO_DECISIONS)[keyof typeof DEMO_DECISIONS],
  operations: ReorgOperation[],
) {
  return createAndApplyOrderIn(trx, ctx, actor, { effectiveDate, title, decision, operations });
}
