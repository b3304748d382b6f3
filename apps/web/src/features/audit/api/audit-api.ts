import { buildUrl, get } from '../../../api/client';
import type { AuditEvent, AuditFilter, ChainCheck, Page } from '../../../api/types';

const BASE = '/api/v1/audit';

function queryOf(filter: AuditFilter): Record<string, string | number | undefined> {
  return { ...filter };
}

export function listAuditEvents(
  filter: AuditFilter,
  cursor: string | undefined,
  signal?: AbortSignal,
): Promise<Page<AuditEvent>> {
  return get<Page<AuditEvent>>(BASE, { ...queryOf(filter), cursor, limit: 50 }, signal);
}

/** The CSV of the same events: a plain link does, since the session cookie rides along on a GET. */
export function exportUrl(filter: AuditFilter): string {
  return buildUrl(`${BASE}/export.csv`, queryOf(filter));
}

/** Checks the whole chain (organization-wide readers only). */
export function verifyChain(signal?: AbortSignal): Promise<ChainCheck> {
  return get<ChainCheck>(`${BASE}/verify`, undefined, signal);
}
