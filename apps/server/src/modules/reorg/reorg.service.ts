import {
  addDays,
  type ApiLanguage,
  AppError,
  formatText,
  reason,
  type IsoDate,
  type ReorgOperation,
  type RuleViolation,
  type UnitAttributes,
  unitsNamedBy,
  type Permission,
} from '@rollbook/domain';
import type { Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/types.js';
import {
  countByKindAt,
  type Db,
  findVersionsSupersededBy,
  findPathAt,
  findVersionsAt,
} from '../units/units.repository.js';
import { assertUnitVisible, type FiguresSnapshot, toSnapshot } from '../units/units.service.js';
import { type EndedGrant, endGrantsOnEndedUnits } from '../access/access.repository.js';
import { type Actor, requireScope, type Scope } from '../access/actor.js';
import { keepInScope, visibleUnits } from '../access/scope.js';
import { recordAudit } from '../audit/audit.service.js';
import { membersUnder, refreshRollupUnits } from '../members/member-rollup.js';
import { followWithRollups } from '../members/member-rollup-reorg.js';
import {
  followReorganization,
  type MemberMove,
  smallMemberUnits,
  summarizeMoves,
} from '../members/members.service.js';
import { applyPlan } from './apply-plan.js';
import { type OrderPlan, type PlannedChange, planOrder } from './plan-order.js';
import {
  deleteDraft,
  findOrderById,
  findLaterOrderTouching,
  findOrderUnitIds,
  findOrders as findOrderRows,
  insertOrder,
  lockTree,
  markApplied,
  markReversed,
  type OrderInput,
  type OrderRow,
  updateDraft,
} from './reorg.repository.js';

export type OrderState = 'draft' | 'planned' | 'in-effect';

/** Applied orders dated after today are planned: the tree as of their date shows them, today's does not. */
export function orderState(order: OrderRow, today: IsoDate): OrderState {
  if (order.status === 'draft') return 'draft';
  return order.effectiveDate > today ? 'planned' : 'in-effect';
}

export interface OrderPreview {
  violations: RuleViolation[];
  changes: PlannedChange[];
  figures: {
    unitId: number;
    unitName: string;
    before: FiguresSnapshot;
    after: FiguresSnapshot | null;
  } | null;
  /** Grants on units the order ends: they end with the unit on its effective date. */
  endingGrants: EndedGrant[];
  /** Members who follow their unit (merge) or are allocated to a part (split). */
  memberMoves: MemberMove[];
  /** Member units the order touches left with fewer official members than a cell needs. */
  smallCells: Array<{ unitId: number; code: string; officialMembers: number }>;
}

class RollbackPreview extends Error {
  constructor(readonly preview: OrderPreview) {
    super('preview');
  }
}

/** An order the actor may see with a permission; one out of reach answers like a missing one. */
export async function getOrder(
  db: Db,
  actor: Actor,
  id: number,
  permission: Permission = 'orders.read',
  forUpdate = false,
): Promise<OrderRow> {
  const scope = requireScope(actor, permission);
  const order = await findOrderById(db, id, forUpdate, { scope, userId: actor.userId });
  if (!order) throw new AppError('order_not_found', { params: { order: `#${id}` } });
  return order;
}

export async function findOrders(
  ctx: AppContext,
  actor: Actor,
  args: { state?: OrderState; beforeId?: number; limit: number; unitId?: number },
): Promise<OrderRow[]> {
  const scope = requireScope(actor, 'orders.read');
  if (args.unitId !== undefined) await assertUnitVisible(ctx.db, args.unitId, ctx.today(), scope);
  return findOrderRows(ctx.db, {
    ...args,
    today: ctx.today(),
    touchingUnitId: args.unitId,
    scope,
    userId: actor.userId,
  });
}

/**
 * Refuses an order that names a unit outside the actor's reach for a permission, as it stands on
 * the order's date (a unit out of reach is reported exactly like a missing one); placing a unit at
 * the top of the tree needs an organization-wide grant.
 */
export async function assertOrderInScope(
  db: Db,
  actor: Actor,
  permission: Permission,
  order: { effectiveDate: IsoDate; operations: ReorgOperation[] },
): Promise<Scope> {
  const scope = requireScope(actor, permission);
  if (scope.all) return scope;
  const named = new Map<number, number>(); // unit → the first operation naming it
  const topLevel = (i: number): never => {
    throw new AppError('forbidden', { field: `operations.${i}`, params: { permission } });
  };
  for (const [i, op] of order.operations.entries()) {
    for (const unitId of unitsNamedBy(op)) {
      if (unitId === null) topLevel(i);
      else if (unitId > 0 && !named.has(unitId)) named.set(unitId, i);
    }
  }
  // Ending or splitting a unit changes its parent's subtree too: the parent must be in reach.
  const ended = order.operations.flatMap((op, i) =>
    op.type === 'dissolve' || op.type === 'split'
      ? [{ unitId: op.unitId, i }]
      : op.type === 'merge'
        ? op.unitIds.map((unitId) => ({ unitId, i }))
        : [],
  );
  const parents = new Map(
    (
      await findVersionsAt(
        db,
        ended.map((e) => e.unitId),
        order.effectiveDate,
      )
    ).map((v) => [v.unitId, v.parentId]),
  );
  for (const { unitId, i } of ended) {
    if (!parents.has(unitId)) continue; // not live that day: the plan reports it
    const parentId = parents.get(unitId)!;
    if (parentId === null) topLevel(i);
    else if (!named.has(parentId)) named.set(parentId, i);
  }
  const visible = await visibleUnits(db, scope, [...named.keys()], order.effectiveDate);
  for (const [unitId, i] of named) {
    if (!visible.has(unitId)) {
      throw new AppError('unit_not_found', { field: `operations.${i}`, params: { unit: `#${unitId}` } });
    }
  }
  return scope;
}

function orderRecord(order: OrderRow | OrderInput) {
  return {
    effectiveDate: order.effectiveDate,
    title: order.title ?? '',
    decision: order.decision ?? {},
    operations: order.operations,
  };
}

function namedUnits(operations: ReorgOperation[]): number[] {
  return operations.flatMap(unitsNamedBy).filter((id): id is number => id !== null && id > 0);
}

export async function createOrder(ctx: AppContext, actor: Actor, input: OrderInput): Promise<OrderRow> {
  return ctx.db.transaction().execute(async (trx) => {
    await assertOrderInScope(trx, actor, 'orders.write', input);
    const order = await insertOrder(trx, { ...input, createdBy: actor.userId });
    await recordAudit(trx, actor, {
      action: 'order.create',
      entity: { type: 'order', id: order.id },
      unitIds: namedUnits(order.operations),
      decision: order.decision,
      after: orderRecord(order),
    });
    return order;
  });
}

export async function updateOrder(
  ctx: AppContext,
  actor: Actor,
  id: number,
  expectedVersion: number,
  patch: Partial<OrderInput>,
): Promise<OrderRow> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await getOrder(trx, actor, id, 'orders.write');
    // What the draft said and what it will say must both be within reach.
    await assertOrderInScope(trx, actor, 'orders.write', before);
    await assertOrderInScope(trx, actor, 'orders.write', {
      effectiveDate: patch.effectiveDate ?? before.effectiveDate,
      operations: patch.operations ?? before.operations,
    });
    const updated = await updateDraft(trx, id, expectedVersion, patch);
    if (!updated) throw await whyNotWritable(trx, id);
    await recordAudit(trx, actor, {
      action: 'order.update',
      entity: { type: 'order', id },
      unitIds: namedUnits([...before.operations, ...updated.operations]),
      decision: updated.decision,
      before: orderRecord(before),
      after: orderRecord(updated),
    });
    return updated;
  });
}

export async function deleteOrder(
  ctx: AppContext,
  actor: Actor,
  id: number,
  expectedVersion: number,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const before = await getOrder(trx, actor, id, 'orders.write');
    await assertOrderInScope(trx, actor, 'orders.write', before);
    if (!(await deleteDraft(trx, id, expectedVersion))) throw await whyNotWritable(trx, id);
    await recordAudit(trx, actor, {
      action: 'order.delete',
      entity: { type: 'order', id },
      unitIds: namedUnits(before.operations),
      before: orderRecord(before),
    });
  });
}

/** The error for a write that matched no row: missing, no longer a draft, or a stale version. */
async function whyNotWritable(db: Db, id: number): Promise<AppError> {
  const order = await findOrderById(db, id);
  if (!order) return new AppError('order_not_found', { params: { order: `#${id}` } });
  if (order.status !== 'draft') return new AppError('order_not_draft', { params: { order: `#${id}` } });
  return new AppError('version_conflict', { field: 'If-Match', params: { current: order.version } });
}

/**
 * Shows what an order would do on its effective date — the changes, the rules it breaks, the figures
 * of the part of the tree it touches before and after — by applying it in a transaction that is
 * then rolled back. Nothing is written.
 */
export async function previewOrder(
  ctx: AppContext,
  actor: Actor,
  order: { effectiveDate: IsoDate; operations: ReorgOperation[] },
): Promise<OrderPreview> {
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await lockTree(trx);
      const reach = await assertOrderInScope(trx, actor, 'orders.write', order);
      const plan = await planOrder(trx, ctx.rules, order);
      const scope = await withinReach(trx, reach, plan, await scopeOf(trx, plan));
      const before = scope ? toSnapshot(await countByKindAt(trx, [scope.unitId], order.effectiveDate)) : null;
      let after: FiguresSnapshot | null = null;
      let endingGrants: EndedGrant[] = [];
      let memberMoves: MemberMove[] = [];
      let smallCells: OrderPreview['smallCells'] = [];
      if (plan.violations.length === 0) {
        const draft = await insertOrder(trx, { ...order, title: 'preview' });
        const applied = await applyPlan(trx, plan, draft.id, ctx.rules);
        plan.violations.push(...applied.violations);
        endingGrants = await endGrantsOnEndedUnits(trx, draft.id, order.effectiveDate);
        if (applied.violations.length === 0) {
          const touched = await findOrderUnitIds(trx, draft.id);
          try {
            memberMoves = summarizeMoves(
              await followReorganization(trx, ctx, actor, { ...draft, decision: null }, touched),
            );
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            plan.violations.push({ code: error.code, params: error.params });
          }
          smallCells = await smallMemberUnits(trx, ctx, touched, order.effectiveDate);
        }
        if (scope && applied.violations.length === 0) {
          after = toSnapshot(await countByKindAt(trx, [scope.unitId], order.effectiveDate));
        }
      }
      throw new RollbackPreview({
        violations: plan.violations,
        changes: plan.changes,
        figures: scope && before ? { ...scope, before, after } : null,
        endingGrants,
        memberMoves,
        smallCells,
      });
    });
  } catch (error) {
    if (error instanceof RollbackPreview) return error.preview;
    throw error;
  }
  throw new Error('unreachable');
}

/**
 * The unit whose figures a preview shows, kept inside the previewer's reach: when the lowest
 * common unit lies above it (a commune officer renaming their own commune), the scope root that
 * holds every touched unit stands in; when none does, no figures are shown.
 */
async function withinReach(
  db: Db,
  reach: Scope,
  plan: OrderPlan,
  anchor: { unitId: number; unitName: string } | null,
): Promise<{ unitId: number; unitName: string } | null> {
  if (reach.all || !anchor) return anchor;
  if ((await visibleUnits(db, reach, [anchor.unitId], plan.effectiveDate)).has(anchor.unitId)) return anchor;
  const touched = plan.units.filter((u) => !u.isNew).map((u) => u.unitId);
  for (const root of reach.roots) {
    const inside = await keepInScope(db, { all: false, roots: [root] }, touched, plan.effectiveDate);
    if (inside.length !== touched.length) continue;
    const [version] = await findVersionsAt(db, [root], plan.effectiveDate);
    if (version) return { unitId: root, unitName: `${version.code} ${version.name}` };
  }
  return null;
}

/** The lowest unit above everything the order touches: where its figures change. */
async function scopeOf(db: Db, plan: OrderPlan): Promise<{ unitId: number; unitName: string } | null> {
  const anchors = new Set<number>();
  for (const unit of plan.units) {
    if (unit.before?.parentId) anchors.add(unit.before.parentId);
    if (unit.parentId && unit.parentId > 0) anchors.add(unit.parentId);
    if (!unit.isNew && unit.before?.parentId === null) anchors.add(unit.unitId);
  }
  let common: number[] | undefined;
  for (const id of anchors) {
    const path = await findPathAt(db, id, plan.effectiveDate);
    if (!path) continue;
    if (!common) common = path;
    else {
      let i = 0;
      while (i < common.length && i < path.length && common[i] === path[i]) i++;
      common = common.slice(0, i);
    }
  }
  const unitId = common?.[common.length - 1];
  if (unitId === undefined) return null;
  const [version] = await findVersionsAt(db, [unitId], plan.effectiveDate);
  return { unitId, unitName: version ? `${version.code} ${version.name}` : `#${unitId}` };
}

/** Throws the first broken rule as the error, with all of them attached for the caller to list. */
function refuse(violations: RuleViolation[]): never {
  const first = violations[0]!;
  // An order naming a missing unit is a stored order that breaks a rule, not a missing resource or
  // a malformed request: answer 422 and list what is wrong.
  if (['unit_not_found', 'validation_failed'].includes(first.code)) {
    throw new AppError('order_has_violations', {
      params: { count: violations.length },
      details: { violations },
    });
  }
  throw new AppError(first.code, { field: first.field, params: first.params, details: { violations } });
}

/**
 * Applies a draft order: checks every rule against the tree on its effective date and writes it
 * all, or nothing. If-Match must name the draft's current version.
 */
export async function applyOrder(
  ctx: AppContext,
  actor: Actor,
  id: number,
  expectedVersion: number,
  rollups: NewUnitRollups = 'wait',
): Promise<OrderRow> {
  const applied = await ctx.db.transaction().execute(async (trx) => {
    await lockTree(trx);
    const order = await getOrder(trx, actor, id, 'orders.apply', true);
    await assertOrderInScope(trx, actor, 'orders.apply', order);
    if (order.status !== 'draft') throw new AppError('order_not_draft', { params: { order: `#${id}` } });
    if (order.version !== expectedVersion) {
      throw new AppError('version_conflict', { field: 'If-Match', params: { current: order.version } });
    }
    return applyLocked(ctx, trx, actor, order);
  });
  await buildRollupsOfNewUnits(ctx, applied, rollups);
  return applied;
}

/**
 * Whether an order's caller waits for the roll-ups of the units it made: the CLI (which closes the
 * database when done) and tests wait; the web answers once the order has committed.
 */
export type NewUnitRollups = 'wait' | 'background';

/**
 * After an order has committed: a unit it made that holds enough members (a merger's new
 * province) keeps roll-ups from now on, rather than from the next start, so that its figures are
 * read and not counted (ADR 0006, "Building a few units"): only its own members are read, in a
 * transaction of its own. The order stands whatever happens here; the next start tries again.
 * Answers the units chosen (with 'background', those being built).
 */
export async function buildRollupsOfNewUnits(
  ctx: AppContext,
  order: OrderRow,
  mode: NewUnitRollups = 'wait',
): Promise<number[]> {
  const created = Object.values(order.result?.createdUnitIds ?? {}).flat();
  try {
    // Most orders make no unit, or small ones: known at once, and nothing is left running.
    const large = (await membersUnder(ctx.db, ctx.today(), created)).filter(
      (u) => u.members >= ctx.config.rollupMinMembers,
    );
    if (large.length === 0) return [];
    const started = performance.now();
    const build = ctx.db
      .transaction()
      .execute((trx) => refreshRollupUnits(trx, ctx.today(), ctx.config.rollupMinMembers, { only: large }))
      .then(({ chosen }) => {
        if (chosen.length)
          console.info(
            `order #${order.id}: member roll-ups built for units ${chosen.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
          );
        return chosen;
      })
      .catch((error: unknown) => {
        console.error(`order #${order.id}: building the member roll-ups of its new units failed`, error);
        return [] as number[];
      });
    if (mode === 'wait') return await build;
    void build;
    return large.map((u) => u.unitId);
  } catch (error) {
    console.error(`order #${order.id}: sizing its new units for member roll-ups failed`, error);
    return [];
  }
}

async function applyLocked(
  ctx: AppContext,
  trx: Transaction<Database>,
  actor: Actor,
  order: OrderRow,
): Promise<OrderRow> {
  const plan = await planOrder(trx, ctx.rules, order);
  if (plan.violations.length) refuse(plan.violations);
  // Member figures of large subtrees follow the tree and the members who move (ADR 0006): whole
  // series for units that carry their subtree along, members one by one elsewhere.
  const reshaped = plan.units.filter((u) => !u.isNew).map((u) => u.unitId);
  const applied = await followWithRollups(
    trx,
    reshaped,
    order.effectiveDate,
    () => applyPlan(trx, plan, order.id, ctx.rules),
    async () => {
      const { ids, violations } = await applyPlan(trx, plan, order.id, ctx.rules);
      if (violations.length) refuse(violations);
      const createdUnitIds: Record<string, number[]> = {};
      for (const unit of plan.units) {
        if (unit.createdByOperation === undefined) continue;
        (createdUnitIds[unit.createdByOperation] ??= []).push(ids.get(unit.unitId)!);
      }
      if (order.reversesOrderId) {
        const reversed = await findOrderById(trx, order.reversesOrderId);
        if (reversed?.reversedByOrderId) {
          throw new AppError('order_already_reversed', {
            params: { order: `#${reversed.id}`, reversal: `#${reversed.reversedByOrderId}` },
          });
        }
        await markReversed(
          trx,
          order.reversesOrderId,
          order.id,
          reversed?.effectiveDate === order.effectiveDate,
        );
      }
      const applied = await markApplied(trx, order.id, { createdUnitIds });
      const touched = await findOrderUnitIds(trx, order.id);
      await recordAudit(trx, actor, {
        action: 'order.apply',
        entity: { type: 'order', id: order.id },
        unitIds: touched,
        decision: order.decision,
        after: { ...orderRecord(order), createdUnitIds },
      });
      // Members follow a unit that ends into its successor (BRIEF capability 2), as dated events.
      await followReorganization(trx, ctx, actor, order, touched);
      return applied;
    },
  );
  // A unit that ends takes its grants with it (BRIEF capability 9); the preview listed them.
  for (const grant of await endGrantsOnEndedUnits(trx, order.id, order.effectiveDate)) {
    await recordAudit(trx, actor, {
      action: 'grant.end',
      entity: { type: 'grant', id: grant.grantId },
      unitIds: [grant.unitId],
      decision: order.decision,
      after: { ...grant, to: order.effectiveDate, orderId: order.id },
    });
  }
  return applied;
}

/** Creates and applies an order in one transaction (quick edits, the CLI's --apply). */
export async function createAndApplyOrder(
  ctx: AppContext,
  actor: Actor,
  input: OrderInput,
  rollups: NewUnitRollups = 'wait',
): Promise<OrderRow> {
  const applied = await ctx.db.transaction().execute((trx) => createAndApplyOrderIn(trx, ctx, actor, input));
  await buildRollupsOfNewUnits(ctx, applied, rollups);
  return applied;
}

/** The same inside a caller's transaction, so several orders can land together (demo data, imports). */
export async function createAndApplyOrderIn(
  trx: Transaction<Database>,
  ctx: AppContext,
  actor: Actor,
  input: OrderInput,
): Promise<OrderRow> {
  await lockTree(trx);
  // Checked under the tree lock: no reorganization can move a unit out of reach in between.
  await assertOrderInScope(trx, actor, 'orders.write', input);
  await assertOrderInScope(trx, actor, 'orders.apply', input);
  const order = await insertOrder(trx, { ...input, createdBy: actor.userId });
  return applyLocked(ctx, trx, actor, order);
}

/**
 * Drafts the order that undoes an applied one: units it dissolved come back, units it moved or
 * renamed return to how they stood the day before, units it created are dissolved. History is
 * never deleted; the draft is previewed and applied like any other order.
 */
export async function draftReversal(
  ctx: AppContext,
  actor: Actor,
  id: number,
  effectiveDate?: IsoDate,
  lang: ApiLanguage = 'en',
): Promise<OrderRow> {
  return ctx.db.transaction().execute(async (trx) => {
    const order = await getOrder(trx, actor, id, 'orders.write', true);
    await assertOrderInScope(trx, actor, 'orders.write', order);
    if (order.status !== 'applied') throw new AppError('order_not_applied', { params: { order: `#${id}` } });
    if (order.reversedByOrderId) {
      throw new AppError('order_already_reversed', {
        params: { order: `#${id}`, reversal: `#${order.reversedByOrderId}` },
      });
    }
    const date = effectiveDate ?? order.effectiveDate;
    if (date < order.effectiveDate) {
      throw new AppError('validation_failed', {
        field: 'effectiveDate',
        params: { reason: reason('on_or_after'), after: order.effectiveDate },
      });
    }
    const unitIds = await findOrderUnitIds(trx, id);
    // A later order built on this one — dated later, or on the same day but applied after it — must
    // be undone first: undoing this one would silently undo part of that one too.
    const later = await findLaterOrderTouching(trx, order, unitIds);
    if (later) {
      const [version] = await findVersionsAt(trx, [later.unitId], later.effectiveDate);
      throw new AppError('later_change_conflict', {
        field: 'effectiveDate',
        params: {
          unit: version ? `${version.code} ${version.name}` : `#${later.unitId}`,
          laterDate: later.effectiveDate,
          laterOrder: `#${later.orderId}`,
        },
      });
    }
    // The state before this order is exactly what it superseded on its date; what stands now is its result.
    const before = new Map(
      (await findVersionsSupersededBy(trx, id, order.effectiveDate)).map((v) => [v.unitId, v]),
    );
    const after = new Map(
      (await findVersionsAt(trx, unitIds, order.effectiveDate)).map((v) => [v.unitId, v]),
    );
    const depthBefore = async (unitId: number) =>
      (await findPathAt(trx, unitId, addDays(order.effectiveDate, -1)))?.length ?? 0;

    const reinstate: Array<{ op: ReorgOperation; depth: number }> = [];
    const moves: Array<{ op: ReorgOperation; depth: number }> = [];
    const restore: ReorgOperation[] = [];
    const dissolve: Array<{ op: ReorgOperation; depth: number }> = [];
    for (const unitId of unitIds) {
      const was = before.get(unitId);
      const now = after.get(unitId);
      if (was && !now) {
        reinstate.push({
          op: {
            type: 'reinstate',
            unitId,
            parentId: was.parentId,
            code: was.code,
            name: was.name,
            kind: was.kind,
          },
          depth: await depthBefore(unitId),
        });
      } else if (!was && now) {
        dissolve.push({
          op: { type: 'dissolve', unitId },
          depth: (await findPathAt(trx, unitId, order.effectiveDate))?.length ?? 0,
        });
      } else if (was && now) {
        if (was.parentId !== now.parentId) {
          moves.push({
            op: { type: 'move', unitId, parentId: was.parentId },
            depth: await depthBefore(unitId),
          });
        }
        if (was.code !== now.code || was.name !== now.name) {
          restore.push({ type: 'rename', unitId, code: was.code, name: was.name });
        }
        if (was.kind !== now.kind || JSON.stringify(was.attributes) !== JSON.stringify(now.attributes)) {
          restore.push({
            type: 'change',
            unitId,
            kind: was.kind,
            attributes: was.attributes as UnitAttributes,
          });
        }
      }
    }
    // Parents come back before their children, and move back before them; new units go children first.
    const byDepth = (a: { depth: number }, b: { depth: number }) => a.depth - b.depth;
    const operations = [
      ...reinstate.sort(byDepth).map((r) => r.op),
      ...moves.sort(byDepth).map((m) => m.op),
      ...restore,
      ...dissolve.sort((a, b) => b.depth - a.depth).map((d) => d.op),
    ];
    await assertOrderInScope(trx, actor, 'orders.write', { effectiveDate: date, operations });
    const reversal = await insertOrder(trx, {
      effectiveDate: date,
      title: formatText('reversal_title', lang, { order: id, title: order.title ? ` (${order.title})` : '' }),
      decision: {},
      operations,
      reversesOrderId: id,
      createdBy: actor.userId,
    });
    await recordAudit(trx, actor, {
      action: 'order.create',
      entity: { type: 'order', id: reversal.id },
      unitIds: unitIds,
      after: { ...orderRecord(reversal), reversesOrderId: id },
    });
    return reversal;
  });
}
