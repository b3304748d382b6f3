import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { IsoDate } from '../api/types';
import { isUsableDate } from '../lib/dates';
import { useServerToday } from './server-today';

export interface AsOf {
  /** The date every view shows the organization as of. */
  asOf: IsoDate;
  today: IsoDate;
  isToday: boolean;
  /** Sets the date in the address (today removes it, so links stay short). */
  setAsOf: (date: IsoDate | null) => void;
  /** A path that keeps the chosen date, for links between views. */
  withAsOf: (path: string, date?: IsoDate) => string;
}

/** The "as of" date lives in the address (?asOf=YYYY-MM-DD; absent means today) so links and reloads keep it. */
export function useAsOf(): AsOf {
  const [params, setParams] = useSearchParams();
  const today = useServerToday();
  const raw = params.get('asOf');
  const pinned = raw && isUsableDate(raw) ? raw : null;
  const asOf = pinned ?? today;

  const setAsOf = useCallback(
    (date: IsoDate | null) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (!date || date === today) next.delete('asOf');
          else next.set('asOf', date);
          return next;
        },
        { replace: true },
      );
    },
    [setParams, today],
  );

  const withAsOf = useCallback(
    (path: string, date?: IsoDate) => {
      const d = date ?? pinned;
      if (!d || d === today) return path;
      return `${path}${path.includes('?') ? '&' : '?'}asOf=${d}`;
    },
    [pinned, today],
  );

  return useMemo(
    () => ({ asOf, today, isToday: asOf === today, setAsOf, withAsOf }),
    [asOf, today, setAsOf, withAsOf],
  );
}
