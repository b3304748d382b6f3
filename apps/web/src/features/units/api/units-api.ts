import { get, request } from '../../../api/client';
import type {
  Figures,
  FiguresChange,
  IsoDate,
  Lineage,
  NewUnitInput,
  Order,
  Page,
  Unit,
  UnitDetail,
  UnitHistory,
} from '../../../api/types';

export interface UnitListQuery {
  asOf: IsoDate;
  parentId?: number | 'root';
  q?: string;
  kind?: string;
  under?: number;
  cursor?: string;
  limit?: number;
}

export function listUnits(query: UnitListQuery, signal?: AbortSignal): Promise<Page<Unit>> {
  return get<Page<Unit>>('/api/v1/units', { ...query }, signal);
}

export function getUnit(id: number, asOf: IsoDate, signal?: AbortSignal): Promise<UnitDetail> {
  return get<UnitDetail>(`/api/v1/units/${id}`, { asOf }, signal);
}

export function getUnitHistory(id: number, signal?: AbortSignal): Promise<UnitHistory> {
  return get<UnitHistory>(`/api/v1/units/${id}/history`, undefined, signal);
}

export function getUnitLineage(id: number, signal?: AbortSignal): Promise<Lineage> {
  return get<Lineage>(`/api/v1/units/${id}/lineage`, undefined, signal);
}

export function getFigures(id: number, asOf: IsoDate, signal?: AbortSignal): Promise<Figures> {
  return get<Figures>(`/api/v1/units/${id}/figures`, { asOf }, signal);
}

export function getFiguresChange(
  id: number,
  from: IsoDate,
  to: IsoDate,
  signal?: AbortSignal,
): Promise<FiguresChange> {
  return get<FiguresChange>(`/api/v1/units/${id}/figures/change`, { from, to }, signal);
}

export async function createUnit(input: NewUnitInput): Promise<{ unit: Unit; order: Order }> {
  return (await request<{ unit: Unit; order: Order }>('/api/v1/units', { method: 'POST', body: input })).data;
}

export async function loadDemo(): Promise<unknown> {
  return (await request<unknown>('/api/v1/demo', { method: 'POST', body: {} })).data;
}
