import type { IsoDate } from '@rollbook/domain';
import { sql } from 'kysely';
import type { Db } from '../modules/units/units.repository.js';
import { rebuildTreeFrom } from '../modules/units/units.repository.js';
import {
  committeeCell,
  communeName,
  grassrootsCell,
  grassrootsCommittee,
  placeName,
  provinceName,
  provincePlace,
  provincialCommittee,
} from './names.js';
import { Prng } from './prng.js';

/**
 * The day every generated unit starts: the founding order's effective date. Before 1970, so that
 * the generated members (admitted from 1970 on) find their cell live on every event's day.
 */
export const FOUNDING_DATE: IsoDate = '1960-01-01';

/** Provinces before the 2025 reform; six pairs merge, leaving the 34 of today. */
export const PROVINCES_BEFORE_MERGER = 40;

/** Commune-level units per unit overall: ~3,300 communes in a ~60,000-unit national tree. */
const COMMUNE_SHARE = 3320 / 60000;

/** Share of grassroots cells named in another script (Arabic, Persian, Hindi, Turkish). */
const OTHER_SCRIPT_SHARE = 0.03;

export interface GeneratedUnit {
  code: string;
  name: string;
  kind: string;
  /** Index of the parent in `GeneratedTree.units`, or -1 for the root. Parents come first. */
  parent: number;
}

/** A national tree as index-linked rows, plus the handles the history and the benchmark need. */
export interface GeneratedTree {
  units: GeneratedUnit[];
  central: number;
  provinces: number[];
  /** Commune indices by province position. */
  communesByProvince: number[][];
  /** Grassroots committees with their cells, for merging cells. */
  committees: Array<{ committee: number; cells: number[] }>;
}

/**
 * Generates a national-scale tree of about `targetUnits` units, deterministically from the seed:
 * one central committee, 40 provinces, ~5.5 % commune-level units, and grassroots committees,
 * grassroots cells and cells filling the rest, so that the total is exactly `targetUnits`.
 */
export function generateTree(targetUnits: number, seed: number): GeneratedTree {
  const rng = new Prng(seed);
  const units: GeneratedUnit[] = [];
  const add = (unit: GeneratedUnit) => units.push(unit) - 1;
  const committees: GeneratedTree['committees'] = [];

  const central = add({ code: 'TW', name: 'Ban Chấp hành Trung ương Đảng', kind: 'central', parent: -1 });
  const communeCount = Math.max(PROVINCES_BEFORE_MERGER * 2, Math.round(targetUnits * COMMUNE_SHARE));
  const minimum = 1 + PROVINCES_BEFORE_MERGER * 4 + communeCount * 2;
  if (targetUnits < minimum) throw new Error(`BENCH_UNITS must be at least ${minimum} for this tree shape.`);

  // Provinces differ in size (Hà Nội has far more communes than Bắc Kạn): weights from 0.6 to 1.4.
  const weights = Array.from({ length: PROVINCES_BEFORE_MERGER }, () => 0.6 + rng.next() * 0.8);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const communesPerProvince = weights.map((w) => Math.max(2, Math.round((communeCount * w) / weightSum)));

  const committeeWithCells = (
    parent: number,
    code: string,
    spec: ReturnType<typeof grassrootsCommittee>,
    cells: number,
  ) => {
    const committee = add({ code, name: spec.name, kind: 'grassroots_committee', parent });
    const cellIds: number[] = [];
    for (let c = 1; c <= cells; c++) {
      cellIds.push(
        add({
          code: `${code}-${c}`,
          name: committeeCell(rng, spec.type, c),
          kind: 'cell',
          parent: committee,
        }),
      );
    }
    committees.push({ committee, cells: cellIds });
  };

  const provinces: number[] = [];
  const communesByProvince: number[][] = [];
  const totalCommunes = communesPerProvince.reduce((a, b) => a + b, 0);
  // Units left below commune level (each province and its own committee of two cells are four
  // units), spread over the communes as they are made so that the total comes out exact.
  let budget = targetUnits - 1 - PROVINCES_BEFORE_MERGER * 4 - totalCommunes;
  let communesLeft = totalCommunes;
  for (let p = 0; p < PROVINCES_BEFORE_MERGER; p++) {
    const pCode = `T${String(p + 1).padStart(2, '0')}`;
    const province = add({ code: pCode, name: provinceName(p), kind: 'province', parent: central });
    provinces.push(province);
    // One grassroots committee with two cells directly under each province (its hospital, university…).
    committeeWithCells(province, `${pCode}-D1`, provincialCommittee(rng, provincePlace(p)), 2);
    const communes: number[] = [];
    for (let c = 0; c < communesPerProvince[p]!; c++) {
      const place = placeName(rng);
      const cCode = `${pCode}-X${String(c + 1).padStart(3, '0')}`;
      const commune = add({ code: cCode, name: communeName(rng, place), kind: 'commune', parent: province });
      communes.push(commune);
      const share =
        communesLeft === 1 ? budget : Math.round((budget / communesLeft) * (0.6 + rng.next() * 0.8));
      let left = Math.max(1, Math.min(budget - (communesLeft - 1), share));
      budget -= left;
      communesLeft -= 1;
      let committeesMade = 0;
      let cellsMade = 0;
      while (left > 0) {
        if (left >= 3 && committeesMade < 4 && rng.chance(0.3)) {
          const cells = Math.min(left - 1, rng.int(2, 7));
          committeesMade += 1;
          committeeWithCells(commune, `${cCode}-D${committeesMade}`, grassrootsCommittee(rng, place), cells);
          left -= cells + 1;
        } else {
          cellsMade += 1;
          add({
            code: `${cCode}-C${cellsMade}`,
            name: grassrootsCell(rng, place, OTHER_SCRIPT_SHARE),
            kind: 'grassroots_cell',
            parent: commune,
          });
          left -= 1;
        }
      }
    }
    communesByProvince.push(communes);
  }
  return { units, central, provinces, communesByProvince, committees };
}

/** What loading the founding tree cost. */
export interface LoadTimings {
  insertMs: number;
  rebuildTreeMs: number;
  unitIds: number[];
  foundingOrderId: number;
}

/**
 * Writes the founding tree set-based — one order, the `unit` rows, one version each valid from
 * 2000-01-01 — then derives `unit_tree` with the product's own `rebuildTreeFrom`. Going through
 * `createAndApplyOrder` op by op would take hours at this scale; the history that follows does go
 * through it.
 */
export async function loadFoundingTree(db: Db, tree: GeneratedTree): Promise<LoadTimings> {
  const started = performance.now();
  const { unitIds, foundingOrderId } = await db.transaction().execute(async (trx) => {
    const order = await sql<{ id: number }>`
      insert into reorg_order (status, effective_date, title, operations, result, applied_at)
      values ('applied', ${FOUNDING_DATE}::date, 'Founding tree (generated for the benchmark)', '[]', '{}', now())
      returning id`.execute(trx);
    const orderId = order.rows[0]!.id;
    const created = await sql<{ id: number }>`
      insert into unit (created_at) select now() from generate_series(1, ${tree.units.length}::int) returning id`.execute(
      trx,
    );
    // Identity values come out ascending; sorting makes the index → id mapping not depend on the
    // order RETURNING happens to use.
    const ids = created.rows.map((r) => r.id).sort((a, b) => a - b);
    const chunkSize = 5000;
    for (let i = 0; i < tree.units.length; i += chunkSize) {
      const chunk = tree.units.slice(i, i + chunkSize).map((u, j) => ({
        unit_id: ids[i + j],
        code: u.code,
        name: u.name,
        kind: u.kind,
        parent_id: u.parent < 0 ? null : ids[u.parent],
      }));
      await sql`
        insert into unit_version (unit_id, valid, code, name, kind, parent_id, order_id)
        select r.unit_id, daterange(${FOUNDING_DATE}::date, null), r.code, r.name, r.kind, r.parent_id, ${orderId}
        from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb)
          as r(unit_id bigint, code text, name text, kind text, parent_id bigint)`.execute(trx);
    }
    await sql`insert into reorg_order_unit (order_id, unit_id) select ${orderId}, unnest(${ids}::bigint[])`.execute(
      trx,
    );
    return { unitIds: ids, foundingOrderId: orderId };
  });
  const inserted = performance.now();
  // Every id, not just the root: on an empty unit_tree the rebuild cannot find "everything under
  // the root" through existing paths, so it would derive the root alone.
  await db.transaction().execute((trx) => rebuildTreeFrom(trx, unitIds, FOUNDING_DATE));
  const rebuilt = performance.now();
  return { insertMs: inserted - started, rebuildTreeMs: rebuilt - inserted, unitIds, foundingOrderId };
}
