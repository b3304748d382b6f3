import { AppError, type ReorgOperation } from '@rollbook/domain';
import type { Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/types.js';
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
export async function loadDemo(ctx: AppContext): Promise<DemoResult> {
  return ctx.db.transaction().execute(async (trx) => {
    const any = await trx.selectFrom('unit').select('id').limit(1).executeTakeFirst();
    if (any) throw new AppError('demo_needs_empty_database');

    // Founding: one order creates the whole tree, level by level, so parents exist before children.
    const ids = new Map<string, number>();
    let orders = 0;
    const levels: Array<Array<{ node: DemoTree; parentCode: string | null }>> = [
      [{ node: DEMO_TREE, parentCode: null }],
    ];
    while (levels[levels.length - 1]!.length) {
      levels.push(
        levels[levels.length - 1]!.flatMap(({ node }) =>
          (node.children ?? []).map((child) => ({ node: child, parentCode: node.code })),
        ),
      );
    }
    for (const level of levels.filter((l) => l.length)) {
      const order = await apply(
        trx,
        ctx,
        DEMO_START,
        'Thành lập (dữ liệu mẫu)',
        DEMO_DECISIONS.founding,
        level.map(({ node, parentCode }) => ({
          type: 'create' as const,
          code: node.code,
          name: node.name,
          kind: node.kind,
          parentId: parentCode === null ? null : ids.get(parentCode)!,
        })),
      );
      orders++;
      level.forEach(({ node }, i) => ids.set(node.code, order.result!.createdUnitIds![String(i)]![0]!));
    }
    const id = (code: string) => ids.get(code)!;

    await apply(trx, ctx, '2023-03-01', 'Tách Chi bộ Khối Nội', DEMO_DECISIONS.hospitalSplit, [
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
    await apply(trx, ctx, '2024-09-01', 'Hợp nhất hai chi bộ trường tiểu học', DEMO_DECISIONS.schoolCells, [
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
    ]);
    await apply(
      trx,
      ctx,
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
    await apply(trx, ctx, '2027-01-01', 'Đổi tên Chi bộ Trạm Y tế', DEMO_DECISIONS.planned, [
      { type: 'rename', unitId: id('AG-MHH-YT'), name: 'Chi bộ Trung tâm Y tế xã Mỹ Hòa Hưng' },
    ]);
    orders += 4;
    const units = await trx
      .selectFrom('unit')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { units: Number(units.n), orders, rootId: id('TW') };
  });
}

function apply(
  trx: Transaction<Database>,
  ctx: AppContext,
  effectiveDate: string,
  title: string,
  decision: (typeof DEMO_DECISIONS)[keyof typeof DEMO_DECISIONS],
  operations: ReorgOperation[],
) {
  return createAndApplyOrderIn(trx, ctx, { effectiveDate, title, decision, operations });
}
