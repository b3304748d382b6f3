import { useQuery } from '@tanstack/react-query';
import type { OrderState } from '../../../api/types';
import { getOrder, listOrders } from '../api/orders-api';

export const orderKeys = {
  all: ['orders'] as const,
  list: (state: OrderState | undefined) => ['orders', 'list', state ?? 'all'] as const,
  detail: (id: number) => ['orders', 'detail', id] as const,
};

export function useOrders(state: OrderState | undefined) {
  return useQuery({ queryKey: orderKeys.list(state), queryFn: ({ signal }) => listOrders(state, signal) });
}

export function useOrder(id: number | null) {
  return useQuery({
    queryKey: orderKeys.detail(id ?? 0),
    queryFn: ({ signal }) => getOrder(id as number, signal),
    enabled: id !== null,
  });
}
