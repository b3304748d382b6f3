import type { IsoDate } from '@rollbook/domain';

/** A validity period: from (inclusive) to (exclusive, null = open-ended). */
export interface Period {
  from: IsoDate;
  to: IsoDate | null;
}

/** Parses PostgreSQL's canonical daterange text, e.g. `[2020-01-01,2025-07-01)` or `[2020-01-01,)`. */
export function parseDaterange(text: string): Period {
  const m = /^\[([^,]*),([^)\]]*)\)$/.exec(text);
  if (!m || !m[1]) throw new Error(`Unexpected daterange “${text}”`);
  return { from: m[1], to: m[2] ? m[2] : null };
}
