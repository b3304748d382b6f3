import { get, request } from '../../../api/client';
import type {
  IsoDate,
  Order,
  OrderInput,
  OrderState,
  Page,
  Preview,
  ReorgOperation,
} from '../../../api/types';

const BASE = '/api/v1/orders';

/** The ETag a write must send back: the version the user last saw. */
export function etagOf(order: Order): string {
  return `"${order.version}"`;
}

export function listOrders(state: OrderState | undefined, signal?: AbortSignal): Promise<Page<Order>> {
  return get<Page<Order>>(BASE, { state, limit: 200 }, signal);
}

export function getOrder(id: number, signal?: AbortSignal): Promise<Order> {
  return get<Order>(`${BASE}/${id}`, undefined, signal);
}

export async function createOrder(input: OrderInput): Promise<Order> {
  return (await request<Order>(BASE, { method: 'POST', body: input })).data;
}

export async function updateOrder(order: Order, input: Partial<OrderInput>): Promise<Order> {
  return (
    await request<Order>(`${BASE}/${order.id}`, { method: 'PATCH', body: input, ifMatch: etagOf(order) })
  ).data;
}

export async function deleteOrder(order: Order): Promise<void> {
  await request<unknown>(`${BASE}/${order.id}`, { method: 'DELETE', ifMatch: etagOf(order) });
}

export async function previewOrder(input: {
  effectiveDate: IsoDate;
  operations: ReorgOperation[];
}): Promise<Preview> {
  return (await request<Preview>(`${BASE}/preview`, { method: 'POST', body: input })).data;
}

export async function applyOrder(order: Order): Promise<Order> {
  return (
    await request<Order>(`${BASE}/${order.id}/apply`, { method: 'POST', body: {}, ifMatch: etagOf(order) })
  ).data;
}

export async function reverseOrder(order: Order, effectiveDate?: IsoDate): Promise<Order> {
  return (
    await request<Order>(`${BASE}/${order.id}/reversal`, {
      method: 'POST',
      body: effectiveDate ? { effectiveDate } : {},
    })
  ).data;
}
