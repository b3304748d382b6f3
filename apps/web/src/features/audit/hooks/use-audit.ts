import { keepPreviousData, useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { AuditFilter } from '../../../api/types';
import { isUsableDate } from '../../../lib/dates';
import { listAuditEvents, verifyChain } from '../api/audit-api';

export const auditKeys = {
  all: ['audit'] as const,
  events: (filter: AuditFilter) => ['audit', 'events', filter] as const,
};

const NUMBER_KEYS = ['unitId', 'actorId'] as const;
const TEXT_KEYS = ['entityType', 'entityId', 'action'] as const;
const DATE_KEYS = ['from', 'to'] as const;

/**
 * The audit filter lives in the address, like the "as of" date, so a link to a filtered trail
 * shows the same events to whoever opens it (within their own scope).
 */
export function useAuditFilter(): [AuditFilter, (patch: Partial<AuditFilter>) => void, () => void] {
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => {
    const f: AuditFilter = {};
    for (const key of NUMBER_KEYS) {
      const n = Number(params.get(key));
      if (Number.isInteger(n) && n > 0) f[key] = n;
    }
    for (const key of TEXT_KEYS) {
      const v = params.get(key)?.trim();
      if (v) f[key] = v;
    }
    for (const key of DATE_KEYS) {
      const v = params.get(key);
      if (v && isUsableDate(v)) f[key] = v;
    }
    return f;
  }, [params]);

  const update = useCallback(
    (patch: Partial<AuditFilter>) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [key, value] of Object.entries(patch)) {
            if (value === undefined || value === null || value === '') next.delete(key);
            else next.set(key, String(value));
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  const clear = useCallback(
    () =>
      setParams(
        (prev) => {
          const next = new URLSearchParams();
          const asOf = prev.get('asOf');
          if (asOf) next.set('asOf', asOf);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  return [filter, update, clear];
}

/** Events matching the filter, newest first, a page at a time. */
export function useAuditEvents(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: auditKeys.events(filter),
    queryFn: ({ pageParam, signal }) => listAuditEvents(filter, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useVerifyChain() {
  return useMutation({ mutationFn: () => verifyChain() });
}
