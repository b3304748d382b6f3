import { isIsoDate, type IsoDate } from '@rollbook/domain';

export { addDays, isIsoDate } from '@rollbook/domain';

/** Today on the user's own calendar (not UTC), as YYYY-MM-DD. */
export function todayIso(now: Date = new Date()): IsoDate {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A calendar date the way the UI language writes it. The date is read in UTC so no time zone shifts it. */
export function formatDate(date: IsoDate | null | undefined, language: string): string {
  if (!date) return '';
  if (!isIsoDate(date)) return date;
  let formatter = formatters.get(language);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' });
    formatters.set(language, formatter);
  }
  return formatter.format(new Date(`${date}T00:00:00Z`));
}

/** A timestamp (ISO 8601 with time) in the UI language, in a time zone (default: the browser's). */
export function formatDateTime(
  value: string | null | undefined,
  language: string,
  timeZone?: string,
): string {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return new Intl.DateTimeFormat(language, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone && { timeZone }),
  }).format(d);
}

/** Whole numbers in the UI language's digits and grouping. */
export function formatNumber(value: number, language: string): string {
  return new Intl.NumberFormat(language).format(value);
}

/** A date that accepts only plausible years, so typing "2" in a date field does not jump to year 2. */
export function isUsableDate(value: string): value is IsoDate {
  return isIsoDate(value) && Number(value.slice(0, 4)) >= 1900;
}
