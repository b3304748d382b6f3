import { AppError, type IsoDate } from '@rollbook/domain';
import type { AppContext } from '../context.js';
import { EVERYWHERE } from '../modules/access/actor.js';
import { getUnit, searchUnits } from '../modules/units/units.service.js';

/** A unit as a command names it back to the person who typed it. */
export interface UnitRef {
  id: number;
  code: string;
  name: string;
}

/**
 * A unit given on the command line as its id or as its code. A code is looked up on the day the
 * command is about, because codes are reused: the province `AG` of 2024 is not the `AG` formed by
 * the 2025 merger. Digits alone are an id.
 */
export async function resolveUnit(
  ctx: AppContext,
  value: string,
  day: IsoDate,
  field: string,
): Promise<UnitRef> {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const detail = await getUnit(ctx.db, Number(text), day, EVERYWHERE);
    const unit = detail.unit ?? detail.lastKnown;
    return { id: unit.id, code: unit.code, name: unit.name };
  }
  // The name search also matches codes; only an exact code (any case) names the unit.
  const found = text
    ? (await searchUnits(ctx.db, { query: text, date: day, limit: 1000, scope: EVERYWHERE })).find(
        (u) => u.code.toUpperCase() === text.toUpperCase(),
      )
    : undefined;
  if (!found) throw new AppError('unit_not_found', { field, params: { unit: `${text} (${day})` } });
  return { id: found.id, code: found.code, name: found.name };
}
