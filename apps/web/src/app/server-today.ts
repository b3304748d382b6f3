import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import type { IsoDate } from '../api/types';
import { todayIso } from '../lib/dates';

/**
 * "Today" is the organization's, not the browser's: the server answers it in the time zone the
 * organization configured (ROLLBOOK_TIME_ZONE). Until it has answered, the browser's date stands in.
 */
export function useServerToday(): IsoDate {
  return useHealth().data?.today ?? todayIso();
}

/** The organization's time zone, in which the server counts days (audit filters, "today"). */
export function useOrganizationTimeZone(): string | undefined {
  return useHealth().data?.timeZone;
}

function useHealth() {
  return useQuery({
    queryKey: ['health'],
    queryFn: ({ signal }) => get<{ today: IsoDate; timeZone: string }>('/api/health', undefined, signal),
    staleTime: 5 * 60_000,
    refetchInterval: 15 * 60_000,
  });
}
