import type { IsoDate } from '@rollbook/domain';
import type { OrderRow } from './reorg.repository.js';
import { orderState } from './reorg.service.js';

/** The API shape of an order. */
export function presentOrder(order: OrderRow, today: IsoDate) {
  return {
    id: order.id,
    status: order.status,
    state: orderState(order, today),
    effectiveDate: order.effectiveDate,
    title: order.title,
    decision: {
      number: order.decision.number ?? null,
      date: order.decision.date ?? null,
      issuedBy: order.decision.issuedBy ?? null,
      note: order.decision.note ?? null,
    },
    operations: order.operations,
    reversesOrderId: order.reversesOrderId,
    reversedByOrderId: order.reversedByOrderId,
    createdUnitIds: order.result?.createdUnitIds ?? null,
    version: order.version,
    createdAt: order.createdAt.toISOString(),
    appliedAt: order.appliedAt ? order.appliedAt.toISOString() : null,
  };
}
