import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import type { IsoDate } from '../api/types';
import { todayIso } from '../lib/dates';

/**
 * "Today" is the organization's, not the browser's: the server answers it in the time zone the
 * organization configured (ROLLBOOK_TIME_ZONE). Until it has answered, the browser's date stands in.
 */
export function useServerToday(): IsoDate {
  const query = useQuery({
    queryKey: ['health'],
    queryFn: ({ signal }) => get<{ today: IsoDate }>('/api/health', undefined, signal),
    staleTime: 5 * 60_000,
    refetchInterval: 15 * 60_000,
  });
  return query.data?.today ?? todayIso();
}
