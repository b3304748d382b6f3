import { addDays, AppError, type IsoDate, type KindRules } from '@rollbook/domain';
import type { Scope } from '../access/actor.js';
import { isUnitVisible, keepInScope, visibleUnits } from '../access/scope.js';
import { findOrdersByIds, type OrderRow } from '../reorg/reorg.repository.js';
import {
  countByKindAt,
  countChildrenByKindAt,
  countChildrenAt,
  type Db,
  findChildVersionsAt,
  findPathAt,
  findUnitHistory,
  findVersionsAt,
  searchUnitsAt,
  type UnitSearch,
  type UnitVersionRow,
  findLineageEdges,
  findOrderEndingUnit,
  findOrdersTouchingSubtrees,
  findPredecessorsLiveOn,
  findUnitSpans,
  unitExists,
} from './units.repository.js';

/** Units by kind, with their total. */
export interface FiguresSnapshot {
  total: number;
  byKind: Array<{ kind: string; count: number }>;
}

export function toSnapshot(byKind: Record<string, number>): FiguresSnapshot {
  const entries = Object.entries(byKind).map(([kind, count]) => ({ kind, count }));
  return { total: entries.reduce((n, e) => n + e.count, 0), byKind: entries };
}

/** A unit as one day sees it. */
export interface UnitView {
  id: number;
  code: string;
  name: string;
  kind: string;
  parentId: number | null;
  attributes: Record<string, unknown>;
  validFrom: IsoDate;
  validTo: IsoDate | null;
  childCount: number;
}

export function toUnitView(v: UnitVersionRow, childCount = 0): UnitView {
  return {
    id: v.unitId,
    code: v.code,
    name: v.name,
    kind: v.kind,
    parentId: v.parentId,
    attributes: v.attributes,
    validFrom: v.valid.from,
    validTo: v.valid.to,
    childCount,
  };
}

async function withChildCounts(db: Db, versions: UnitVersionRow[], date: IsoDate): Promise<UnitView[]> {
  const counts = await countChildrenAt(
    db,
    versions.map((v) => v.unitId),
    date,
  );
  return versions.map((v) => toUnitView(v, counts.get(v.unitId) ?? 0));
}

/** The units directly under a parent (or the top of the scope) on a date. */
export async function findChildren(
  db: Db,
  parentId: number | null,
  date: IsoDate,
  scope: Scope,
): Promise<UnitView[]> {
  if (parentId !== null) await assertUnitVisible(db, parentId, date, scope);
  return withChildCounts(db, await findChildVersionsAt(db, parentId, date, scope), date);
}

/**
 * A unit that does not exist and one outside the reader's scope get the same answer, so the
 * answer never tells that something is there (house style: access in one place).
 */
export async function assertUnitVisible(db: Db, unitId: number, date: IsoDate, scope: Scope): Promise<void> {
  const visible = scope.all ? await unitExists(db, unitId) : await isUnitVisible(db, scope, unitId, date);
  if (!visible) throw new AppError('unit_not_found', { params: { unit: `#${unitId}` } });
}

/** Units whose name or code contains the text, ignoring case and diacritics, on a date. */
export async function searchUnits(db: Db, args: UnitSearch): Promise<UnitView[]> {
  if (args.underUnitId !== undefined) await assertUnitVisible(db, args.underUnitId, args.date, args.scope);
  return withChildCounts(db, await searchUnitsAt(db, args), args.date);
}

export interface UnitDetail {
  unit: UnitView | null;
  liveOnDate: boolean;
  lastKnown: UnitView;
  existence: { from: IsoDate; to: IsoDate | null };
  ancestors: Array<{ id: number; code: string; name: string; kind: string }>;
  childCount: number;
}

/** A unit on a date, with where it stood in the tree; a unit not live that day shows its last known state. */
export async function getUnit(db: Db, unitId: number, date: IsoDate, scope: Scope): Promise<UnitDetail> {
  await assertUnitVisible(db, unitId, date, scope);
  const history = await findUnitHistory(db, unitId);
  if (history.length === 0) throw new AppError('unit_not_found', { params: { unit: `#${unitId}` } });
  const onDate = history.find((v) => v.valid.from <= date && (v.valid.to === null || date < v.valid.to));
  // A scoped reader sees the unit as it stood then, not how it stands today somewhere else.
  const last = scope.all ? history[history.length - 1]! : (onDate ?? nearestVersion(history, date));
  const path = onDate ? ((await findPathAt(db, unitId, date)) ?? []) : [];
  // The way up is shown only as far as the reader's scope reaches.
  const ancestorIds = await keepInScope(db, scope, path.slice(0, -1), date);
  const ancestorVersions = new Map((await findVersionsAt(db, ancestorIds, date)).map((v) => [v.unitId, v]));
  const childCount = onDate ? ((await countChildrenAt(db, [unitId], date)).get(unitId) ?? 0) : 0;
  return {
    unit: onDate ? toUnitView(onDate, childCount) : null,
    liveOnDate: !!onDate,
    lastKnown: toUnitView(last),
    existence: { from: history[0]!.valid.from, to: history[history.length - 1]!.valid.to },
    ancestors: ancestorIds.flatMap((id) => {
      const v = ancestorVersions.get(id);
      return v ? [{ id, code: v.code, name: v.name, kind: v.kind }] : [];
    }),
    childCount,
  };
}

/** The version closest to a day on which the unit was not live: the last before it, or the first after. */
function nearestVersion(history: UnitVersionRow[], date: IsoDate): UnitVersionRow {
  const before = history.filter((v) => v.valid.from <= date);
  return before[before.length - 1] ?? history[0]!;
}

/** Versions of a unit during which it stood, at least on its first or last day, inside the scope. */
async function versionsInScope(db: Db, unitId: number, versions: UnitVersionRow[], scope: Scope) {
  if (scope.all) return versions;
  const kept: UnitVersionRow[] = [];
  for (const v of versions) {
    const days = [v.valid.from, ...(v.valid.to ? [addDays(v.valid.to, -1)] : [])];
    for (const day of days) {
      if ((await keepInScope(db, scope, [unitId], day)).length) {
        kept.push(v);
        break;
      }
    }
  }
  return kept;
}

export interface OrderSummary {
  id: number;
  effectiveDate: IsoDate;
  title: string;
  decisionNumber: string | null;
  decisionDate: IsoDate | null;
  issuedBy: string | null;
}

async function orderSummaries(db: Db, ids: number[]): Promise<Map<number, OrderSummary>> {
  return new Map((await findOrdersByIds(db, ids)).map((o) => [o.id, summarizeOrder(o)]));
}

export function summarizeOrder(o: OrderRow): OrderSummary {
  return {
    id: o.id,
    effectiveDate: o.effectiveDate,
    title: o.title,
    decisionNumber: o.decision.number,
    decisionDate: o.decision.date,
    issuedBy: o.decision.issuedBy,
  };
}

export interface HistoryEntry {
  validFrom: IsoDate;
  validTo: IsoDate | null;
  code: string;
  name: string;
  kind: string;
  parentId: number | null;
  parentName: string | null;
  attributes: Record<string, unknown>;
  order: OrderSummary | null;
  changes: Array<'created' | 'reinstated' | 'code' | 'name' | 'kind' | 'parent' | 'attributes'>;
  recordedAt: string;
  supersededAt: string | null;
}

/** A unit's timeline: each version, what changed from the one before, and the order that did it. */
export async function getUnitHistory(
  db: Db,
  unitId: number,
  options: { includeSuperseded?: boolean; scope: Scope; date: IsoDate },
): Promise<{ versions: HistoryEntry[]; end: { date: IsoDate; order: OrderSummary | null } | null }> {
  await assertUnitVisible(db, unitId, options.date, options.scope);
  const all = await findUnitHistory(db, unitId, options.includeSuperseded ?? false);
  if (all.length === 0) throw new AppError('unit_not_found', { params: { unit: `#${unitId}` } });
  // A scoped reader sees the part of the story that happened inside their scope.
  const versions = await versionsInScope(db, unitId, all, options.scope);
  const current = versions.filter((v) => v.supersededAt === null);
  // The unit's end is told only if the reader saw its last version (a unit that moved out of the
  // scope did not end there).
  const trulyLast = all.filter((v) => v.supersededAt === null).at(-1);
  // Parents are named as they were on the first day of each version.
  const parentNames = new Map<string, string>();
  for (const v of versions) {
    if (v.parentId === null) continue;
    const [p] = await findVersionsAt(db, [v.parentId], v.valid.from);
    const parentVisible = (await keepInScope(db, options.scope, [v.parentId], v.valid.from)).length > 0;
    if (p && parentVisible) parentNames.set(`${v.parentId}@${v.valid.from}`, `${p.code} ${p.name}`);
  }
  const last = current[current.length - 1];
  const endOrderId = last?.valid.to ? await findOrderEndingUnit(db, unitId, last.valid.to) : undefined;
  const orders = await orderSummaries(db, [
    ...versions.map((v) => v.orderId),
    ...(endOrderId ? [endOrderId] : []),
  ]);
  let previous: UnitVersionRow | undefined;
  const entries: HistoryEntry[] = versions.map((v) => {
    // Superseded versions are the record's corrections; only current ones tell the unit's story.
    const prior = previous;
    const changes: HistoryEntry['changes'] = [];
    if (v.supersededAt !== null) {
      // no change label: this version was later replaced
    } else if (!prior) changes.push('created');
    else {
      if (prior.valid.to !== v.valid.from) changes.push('reinstated');
      if (prior.code !== v.code) changes.push('code');
      if (prior.name !== v.name) changes.push('name');
      if (prior.kind !== v.kind) changes.push('kind');
      if (prior.parentId !== v.parentId) changes.push('parent');
      if (JSON.stringify(prior.attributes) !== JSON.stringify(v.attributes)) changes.push('attributes');
    }
    if (v.supersededAt === null) previous = v;
    return {
      validFrom: v.valid.from,
      validTo: v.valid.to,
      code: v.code,
      name: v.name,
      kind: v.kind,
      parentId: v.parentId,
      parentName: v.parentId ? (parentNames.get(`${v.parentId}@${v.valid.from}`) ?? null) : null,
      attributes: v.attributes,
      order: orders.get(v.orderId) ?? null,
      changes,
      recordedAt: v.recordedAt.toISOString(),
      supersededAt: v.supersededAt ? v.supersededAt.toISOString() : null,
    };
  });
  return {
    versions: entries,
    end:
      last?.valid.to && last === trulyLast
        ? { date: last.valid.to, order: endOrderId ? (orders.get(endOrderId) ?? null) : null }
        : null,
  };
}

export interface Lineage {
  nodes: Array<{ id: number; code: string; name: string; kind: string; from: IsoDate; to: IsoDate | null }>;
  edges: Array<{
    kind: 'merge' | 'split';
    predecessorId: number;
    successorId: number;
    effectiveDate: IsoDate;
    orderId: number;
  }>;
}

/** Every unit a unit came from and went into, through merges and splits, transitively. */
export async function getLineage(db: Db, unitId: number, scope: Scope, date: IsoDate): Promise<Lineage> {
  await assertUnitVisible(db, unitId, date, scope);
  const allEdges = await findLineageEdges(db, unitId);
  const linked = [...new Set(allEdges.flatMap((e) => [e.predecessor_id, e.successor_id]))];
  // Units the reader could not open themselves are left out, with the edges that lead to them.
  const visible = await visibleUnits(db, scope, linked, date);
  visible.add(unitId);
  const edges = allEdges.filter((e) => visible.has(e.predecessor_id) && visible.has(e.successor_id));
  const ids = [...visible];
  const spans = await findUnitSpans(db, ids);
  return {
    nodes: spans.map((s) => ({
      id: s.unit_id,
      code: s.code,
      name: s.name,
      kind: s.kind,
      from: s.from,
      to: s.to,
    })),
    edges: edges.map((e) => ({
      kind: e.kind,
      predecessorId: e.predecessor_id,
      successorId: e.successor_id,
      effectiveDate: e.effective_date,
      orderId: e.order_id,
    })),
  };
}

export interface Figures extends FiguresSnapshot {
  unitId: number;
  asOf: IsoDate;
  /** The units counted: the unit itself, or — on a day before it existed — the units it came from. */
  basis: number[];
  /** Units directly under it ("107 subordinate committees"). */
  direct: FiguresSnapshot;
  /** The rule pack's groups of kinds ("931 grassroots organizations"). */
  groups: Array<{ group: string; count: number }>;
}

/**
 * Units in a subtree by kind on a date ("107 subordinate committees; 931 grassroots organizations").
 * On a day before the unit existed, its predecessors stand in for it, so a merged province can be
 * compared with the provinces it was made from.
 */
export async function getFigures(
  db: Db,
  unitId: number,
  date: IsoDate,
  scope: Scope,
  rules?: KindRules,
): Promise<Figures> {
  await assertUnitVisible(db, unitId, date, scope);
  // A subtree inside the scope is inside it whole; only predecessors standing in need checking.
  const found = await basisOn(db, unitId, date);
  const basis = found.length === 1 && found[0] === unitId ? found : await keepInScope(db, scope, found, date);
  const byKind = await countByKindAt(db, basis, date);
  const groups = (rules?.groups() ?? []).map((g) => ({
    group: g.code,
    count: g.kinds.reduce((n, k) => n + (byKind[k] ?? 0), 0),
  }));
  return {
    unitId,
    asOf: date,
    basis,
    ...toSnapshot(byKind),
    direct: toSnapshot(await countChildrenByKindAt(db, basis, date)),
    groups,
  };
}

async function basisOn(db: Db, unitId: number, date: IsoDate): Promise<number[]> {
  const live = await findVersionsAt(db, [unitId], date);
  if (live.length) return [unitId];
  return findPredecessorsLiveOn(db, unitId, date);
}

/** How a subtree changed between two dates, by kind, and the orders that changed it. */
export async function compareFigures(
  db: Db,
  unitId: number,
  range: { from: IsoDate; to: IsoDate },
  scope: Scope,
  rules?: KindRules,
) {
  const { from, to } = range;
  const [a, b] = [
    await getFigures(db, unitId, from, scope, rules),
    await getFigures(db, unitId, to, scope, rules),
  ];
  const kinds = [...new Set([...a.byKind, ...b.byKind].map((k) => k.kind))];
  const count = (f: Figures, kind: string) => f.byKind.find((k) => k.kind === kind)?.count ?? 0;
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  // Orders dated in (lo, hi] that touched a unit inside the subtree, as it stood on either side.
  const roots = [...new Set([...a.basis, ...b.basis])];
  const orders = await orderSummaries(db, await findOrdersTouchingSubtrees(db, roots, lo, hi));
  return {
    from: a,
    to: b,
    delta: kinds.map((kind) => ({
      kind,
      from: count(a, kind),
      to: count(b, kind),
      change: count(b, kind) - count(a, kind),
    })),
    orders: [...orders.values()].sort((x, y) =>
      x.effectiveDate < y.effectiveDate ? -1 : x.effectiveDate > y.effectiveDate ? 1 : x.id - y.id,
    ),
  };
}
