import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { IsoDate, NewUnitInput } from '../../../api/types';
import {
  createUnit,
  getFigures,
  getFiguresChange,
  getUnit,
  getUnitHistory,
  getUnitLineage,
  listUnits,
  loadDemo,
} from '../api/units-api';

/** Query keys: everything about units starts with 'units', so one invalidation refreshes every view after a change. */
export const unitKeys = {
  all: ['units'] as const,
  children: (parentId: number | 'root', asOf: IsoDate) => ['units', 'children', parentId, asOf] as const,
  search: (q: string, asOf: IsoDate, under?: number) => ['units', 'search', q, asOf, under ?? null] as const,
  detail: (id: number, asOf: IsoDate) => ['units', 'detail', id, asOf] as const,
  history: (id: number) => ['units', 'history', id] as const,
  lineage: (id: number) => ['units', 'lineage', id] as const,
  figures: (id: number, asOf: IsoDate) => ['units', 'figures', id, asOf] as const,
  change: (id: number, from: IsoDate, to: IsoDate) => ['units', 'figures-change', id, from, to] as const,
};

const PAGE = 200;

/** The units directly under a parent (or the top units) as of a date. */
export function useChildren(parentId: number | 'root', asOf: IsoDate, enabled = true) {
  return useQuery({
    queryKey: unitKeys.children(parentId, asOf),
    queryFn: ({ signal }) => listUnits({ asOf, parentId, limit: PAGE }, signal),
    enabled,
    // Keep the tree on screen (and its open branches) while another date loads.
    placeholderData: keepPreviousData,
  });
}

export function useUnitSearch(q: string, asOf: IsoDate, under?: number) {
  const text = q.trim();
  return useQuery({
    queryKey: unitKeys.search(text, asOf, under),
    queryFn: ({ signal }) => listUnits({ asOf, q: text, under, limit: 20 }, signal),
    enabled: text.length > 0,
    placeholderData: keepPreviousData,
  });
}

export function useUnit(id: number | null | undefined, asOf: IsoDate) {
  return useQuery({
    queryKey: unitKeys.detail(id ?? 0, asOf),
    queryFn: ({ signal }) => getUnit(id as number, asOf, signal),
    enabled: typeof id === 'number' && id > 0,
  });
}

export function useUnitHistory(id: number) {
  return useQuery({ queryKey: unitKeys.history(id), queryFn: ({ signal }) => getUnitHistory(id, signal) });
}

export function useUnitLineage(id: number) {
  return useQuery({ queryKey: unitKeys.lineage(id), queryFn: ({ signal }) => getUnitLineage(id, signal) });
}

export function useFigures(id: number, asOf: IsoDate) {
  return useQuery({
    queryKey: unitKeys.figures(id, asOf),
    queryFn: ({ signal }) => getFigures(id, asOf, signal),
  });
}

export function useFiguresChange(id: number, from: IsoDate | null, to: IsoDate) {
  return useQuery({
    queryKey: unitKeys.change(id, from ?? '', to),
    queryFn: ({ signal }) => getFiguresChange(id, from as IsoDate, to, signal),
    enabled: !!from,
  });
}

export function useCreateUnit() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: NewUnitInput) => createUnit(input),
    onSuccess: () => client.invalidateQueries({ queryKey: unitKeys.all }),
  });
}

export function useLoadDemo() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => loadDemo(),
    onSuccess: () => client.invalidateQueries({ queryKey: unitKeys.all }),
  });
}
