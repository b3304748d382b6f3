/**
 * Calendar dates as ISO strings (YYYY-MM-DD). Effective dating works on whole days, so a plain
 * string is the honest type: no time zone can shift it.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when the string is a real calendar date written as YYYY-MM-DD. */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

/** Adds whole days to an ISO date. */
export function addDays(date: IsoDate, days: number): IsoDate {
  const dt = new Date(`${date}T00:00:00Z`);
  dt.setUTCDate(dt.getUTCDate() + days);
  return dt.toISOString().slice(0, 10);
}

/** Today's date in the given IANA time zone (the organization's calendar, not the server's clock zone). */
export function todayIn(timeZone: string, now: Date = new Date()): IsoDate {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** The instant (ISO, UTC) at which a calendar day begins in a time zone. */
export function startOfDayIn(date: IsoDate, timeZone: string): string {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  // How far the zone's wall clock is ahead of UTC at an instant.
  const offset = (instant: number) => {
    const part = (type: string) => Number(format.formatToParts(instant).find((p) => p.type === type)!.value);
    return (
      Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second')) -
      instant
    );
  };
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  // Twice: the offset at local midnight may differ from the offset at UTC midnight (a DST change).
  const first = midnightUtc - offset(midnightUtc);
  return new Date(midnightUtc - offset(first)).toISOString();
}

/** Compares two ISO dates; works because the format sorts lexically. */
export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
