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

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (negative before it). Parsed by hand: this sits under every replay's inner loop. */
function dayNumber(date: IsoDate): number {
  const y = Number(date.slice(0, 4));
  const ms = Date.UTC(y, Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  // Date.UTC reads years 0–99 as 1900–1999.
  return (y < 100 ? new Date(ms).setUTCFullYear(y) : ms) / DAY_MS;
}

function fromDayNumber(day: number): IsoDate {
  const dt = new Date(day * DAY_MS);
  const m = dt.getUTCMonth() + 1;
  const d = dt.getUTCDate();
  return `${String(dt.getUTCFullYear()).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** Adds whole days to an ISO date. */
export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date) + days);
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

/**
 * Adds calendar months; a day that does not exist in the target month falls back to its last day
 * (31 Jan + 1 month = 28/29 Feb), the way statutes count "12 months from".
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Whole months from one date to another (the day of the month decides the last one), never negative. */
export function completeMonthsBetween(from: IsoDate, to: IsoDate): number {
  const [y1, m1, d1] = from.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = to.split('-').map(Number) as [number, number, number];
  const months = (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0);
  return Math.max(0, months);
}

/**
 * Age counted by month, as the statute counts it for admission (research/domain-rules.md §1.1):
 * the months from the birth month to the month of the day asked, whatever the day of the month.
 */
export function ageInMonthsByMonth(birthDate: IsoDate, on: IsoDate): number {
  const [y1, m1] = birthDate.split('-').map(Number) as [number, number];
  const [y2, m2] = on.split('-').map(Number) as [number, number];
  return (y2 - y1) * 12 + (m2 - m1);
}

/** Days from one date to another (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The date that is `days` working days after `date`, counting Monday to Friday. Public holidays
 * are not known to the rule pack yet, so a deadline may come a few days early around a holiday.
 */
export function addWorkingDays(date: IsoDate, days: number): IsoDate {
  let day = dayNumber(date);
  let left = days;
  while (left > 0) {
    day += 1;
    // 1970-01-01 was a Thursday: weekday 0 = Sunday … 6 = Saturday.
    const weekday = (((day + 4) % 7) + 7) % 7;
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return fromDayNumber(day);
}
