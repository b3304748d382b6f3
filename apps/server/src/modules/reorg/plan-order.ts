import { EVERYWHERE } from '../access/actor.js';
import {
  allocateToSplitPart,
  type ErrorParams,
  type IsoDate,
  type KindRules,
  type NewUnit,
  reason,
  type ReorgOperation,
  type RuleViolation,
  type SplitAllocation,
} from '@rollbook/domain';
import {
  type Db,
  findChildVersionsAt,
  findCodeHoldersFrom,
  findLastVersionsBefore,
  findLatestVersion,
  findVersionsAt,
  findLaterChanges,
  type UnitFacts,
} from '../units/units.repository.js';

/**
 * A unit as the order would leave it on its effective date. New units get negative ids until they
 * are written.
 */
export interface SimUnit extends UnitFacts {
  live: boolean;
  /** Live on the effective date before the order. */
  liveBefore: boolean;
  /** Its facts before the order (null for new units). */
  before: UnitFacts | null;
  isNew: boolean;
  /** Which operation created it, for reporting created ids back. */
  createdByOperation?: number;
  /** The field of the operation that last changed it (operations.2, operations.1.into…), to blame. */
  lastField?: string;
}

export interface PlannedLineage {
  kind: 'merge' | 'split';
  predecessorId: number;
  successorId: number;
  allocation?: SplitAllocation;
}

/** One line of "what changes", in terms a clerk can check. */
export interface PlannedChange {
  operation: number;
  change: 'created' | 'renamed' | 'changed' | 'moved' | 'dissolved' | 'reinstated';
  unitId: number;
  code: string;
  name: string;
  kind: string;
  from?: {
    code?: string;
    name?: string;
    kind?: string;
    parentId?: number | null;
    parentName?: string | null;
  };
  to?: { code?: string; name?: string; kind?: string; parentId?: number | null; parentName?: string | null };
}

export interface OrderPlan {
  effectiveDate: IsoDate;
  violations: RuleViolation[];
  changes: PlannedChange[];
  /** Every unit the order touches, with its state after the order. */
  units: SimUnit[];
  lineage: PlannedLineage[];
}

/**
 * Simulates an order on its effective date against the stored tree, in memory, and lists every
 * rule it would break. The same plan is what `applyPlan` writes, so a preview shows exactly what
 * applying would do.
 */
export async function planOrder(
  db: Db,
  rules: KindRules,
  order: { effectiveDate: IsoDate; operations: ReorgOperation[] },
): Promise<OrderPlan> {
  const sim = new Simulation(db, rules, order.effectiveDate);
  for (const [index, op] of order.operations.entries()) {
    await sim.run(index, op);
  }
  await sim.finish();
  return sim.result();
}

class Simulation {
  private readonly units = new Map<number, SimUnit>();
  private readonly childrenLoaded = new Set<number | null>();
  private readonly touched = new Set<number>();
  private readonly violations: RuleViolation[] = [];
  private readonly changes: PlannedChange[] = [];
  private readonly lineage: PlannedLineage[] = [];
  private nextTempId = -1;
  /** New units named by their create operation's `ref`. */
  private readonly refs = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly rules: KindRules,
    private readonly date: IsoDate,
  ) {}

  private violate(code: RuleViolation['code'], field: string, params: ErrorParams = {}) {
    this.violations.push({ code, field, params: { date: this.date, ...params } });
  }

  /** Loads units as they stand on the date; unknown ids stay absent. */
  private async load(ids: readonly number[]): Promise<void> {
    const missing = ids.filter((id) => id > 0 && !this.units.has(id));
    if (missing.length === 0) return;
    for (const v of await findVersionsAt(this.db, missing, this.date)) {
      const facts: UnitFacts = {
        unitId: v.unitId,
        code: v.code,
        name: v.name,
        kind: v.kind,
        parentId: v.parentId,
        attributes: v.attributes,
      };
      this.units.set(v.unitId, {
        ...facts,
        live: true,
        liveBefore: true,
        before: { ...facts },
        isNew: false,
      });
    }
  }

  private label(id: number | null | undefined): string {
    if (id === null || id === undefined) return '—';
    const u = this.units.get(id);
    return u ? `${u.code} ${u.name}` : `#${id}`;
  }

  /** A unit that must be live on the date, or a violation naming the field. */
  private async liveUnit(id: number, field: string): Promise<SimUnit | undefined> {
    await this.load([id]);
    const unit = this.units.get(id);
    if (unit?.live) return unit;
    if (unit) {
      this.violate('unit_not_live', field, { unit: this.label(id) });
      return undefined;
    }
    const known = id > 0 ? await findLatestVersion(this.db, id) : undefined;
    if (known) this.violate('unit_not_live', field, { unit: `${known.code} ${known.name}` });
    else this.violate('unit_not_found', field, { unit: `#${id}` });
    return undefined;
  }

  private async children(parentId: number): Promise<SimUnit[]> {
    if (parentId > 0 && !this.childrenLoaded.has(parentId)) {
      this.childrenLoaded.add(parentId);
      const rows = await findChildVersionsAt(this.db, parentId, this.date, EVERYWHERE);
      await this.load(rows.map((r) => r.unitId));
    }
    return [...this.units.values()].filter((u) => u.live && u.parentId === parentId);
  }

  /** Ancestors of a unit as the simulation stands, nearest first. */
  private async ancestors(id: number): Promise<number[]> {
    const chain: number[] = [];
    let current = this.units.get(id)?.parentId ?? null;
    while (current !== null && chain.length < 100) {
      chain.push(current);
      await this.load([current]);
      current = this.units.get(current)?.parentId ?? null;
    }
    return chain;
  }

  private checkKind(kind: string, field: string): boolean {
    if (!this.rules.kind(kind)) {
      this.violate('unknown_kind', field, { kind });
      return false;
    }
    return true;
  }

  /** The statute's placement rules: root kinds at the top, every other kind under an allowed parent. */
  private checkPlacement(
    unit: { code: string; name: string; kind: string; parentId: number | null },
    field: string,
  ) {
    const who = `${unit.code} ${unit.name}`;
    // Kind codes go into the params; the edge names them in the reader's language.
    if (!this.rules.inForce(unit.kind, this.date)) {
      const kind = this.rules.kind(unit.kind);
      const from = kind?.validFrom;
      const to = kind?.validTo;
      const period = reason(from && to ? 'period_between' : from ? 'period_from' : 'period_until');
      this.violate('kind_not_in_force', field, { kind: unit.kind, period, from: from ?? '', to: to ?? '' });
      return;
    }
    if (unit.parentId === null) {
      if (!this.rules.isRoot(unit.kind))
        this.violate('parent_required', field, { kind: unit.kind, unit: who });
      return;
    }
    const parent = this.units.get(unit.parentId);
    if (parent && !this.rules.maySitUnder(unit.kind, parent.kind)) {
      this.violate('wrong_parent_kind', field, {
        kind: unit.kind,
        parentKind: parent.kind,
        unit: who,
        parent: this.label(parent.unitId),
      });
    }
  }

  private touch(unit: SimUnit, field: string) {
    this.touched.add(unit.unitId);
    unit.lastField = field;
  }

  private record(
    index: number,
    change: PlannedChange['change'],
    unit: SimUnit,
    extra: Partial<PlannedChange> = {},
  ) {
    this.changes.push({
      operation: index,
      change,
      unitId: unit.unitId,
      code: unit.code,
      name: unit.name,
      kind: unit.kind,
      ...extra,
    });
  }

  private async createUnit(
    index: number,
    field: string,
    spec: NewUnit,
    parentId: number | null,
  ): Promise<SimUnit | undefined> {
    if (!this.checkKind(spec.kind, `${field}.kind`)) return undefined;
    if (parentId !== null && !(await this.liveUnit(parentId, `${field}.parentId`))) return undefined;
    const unit: SimUnit = {
      unitId: this.nextTempId--,
      code: spec.code.trim(),
      name: spec.name.trim(),
      kind: spec.kind,
      parentId,
      attributes: spec.attributes ?? {},
      live: true,
      liveBefore: false,
      before: null,
      isNew: true,
      createdByOperation: index,
    };
    this.units.set(unit.unitId, unit);
    this.touch(unit, field);
    this.checkPlacement(unit, `${field}.kind`);
    this.record(index, 'created', unit, { to: { parentId, parentName: this.label(parentId) } });
    return unit;
  }

  /** Moves a unit under a new parent, refusing cycles and placements the statute forbids. */
  private async moveUnit(
    index: number,
    field: string,
    unit: SimUnit,
    parentId: number | null,
    report = true,
  ): Promise<void> {
    if (parentId !== null && !(await this.liveUnit(parentId, `${field}.parentId`))) return;
    if (
      parentId !== null &&
      (parentId === unit.unitId || (await this.ancestors(parentId)).includes(unit.unitId))
    ) {
      this.violate('cycle', `${field}.parentId`, {
        unit: this.label(unit.unitId),
        parent: this.label(parentId),
      });
      return;
    }
    const fromParent = unit.parentId;
    unit.parentId = parentId;
    this.touch(unit, field);
    this.checkPlacement(unit, `${field}.parentId`);
    if (report) {
      this.record(index, 'moved', unit, {
        from: { parentId: fromParent, parentName: this.label(fromParent) },
        to: { parentId, parentName: this.label(parentId) },
      });
    }
  }

  private dissolveUnit(index: number, field: string, unit: SimUnit) {
    unit.live = false;
    this.touch(unit, field);
    this.record(index, 'dissolved', unit);
  }

  async run(index: number, op: ReorgOperation): Promise<void> {
    const field = `operations.${index}`;
    switch (op.type) {
      case 'create': {
        let parentId = op.parentId;
        if (op.parentRef !== undefined) {
          const parent = this.refs.get(op.parentRef);
          if (parent === undefined) {
            this.violate('validation_failed', `${field}.parentRef`, {
              reason: reason('no_ref'),
              ref: op.parentRef,
            });
            return;
          }
          parentId = parent;
        }
        const unit = await this.createUnit(index, field, op, parentId);
        if (unit && op.ref !== undefined) {
          if (this.refs.has(op.ref)) {
            this.violate('validation_failed', `${field}.ref`, {
              reason: reason('dup_ref'),
              ref: op.ref,
            });
          }
          this.refs.set(op.ref, unit.unitId);
        }
        return;
      }
      case 'rename': {
        const unit = await this.liveUnit(op.unitId, `${field}.unitId`);
        if (!unit) return;
        const from = { code: unit.code, name: unit.name };
        if (op.name !== undefined) unit.name = op.name.trim();
        if (op.code !== undefined) unit.code = op.code.trim();
        this.touch(unit, field);
        this.record(index, 'renamed', unit, { from, to: { code: unit.code, name: unit.name } });
        return;
      }
      case 'change': {
        const unit = await this.liveUnit(op.unitId, `${field}.unitId`);
        if (!unit) return;
        const from = { kind: unit.kind };
        if (op.kind !== undefined && this.checkKind(op.kind, `${field}.kind`)) {
          unit.kind = op.kind;
          await this.load(unit.parentId === null ? [] : [unit.parentId]);
          this.checkPlacement(unit, `${field}.kind`);
          for (const child of await this.children(unit.unitId)) this.checkPlacement(child, `${field}.kind`);
        }
        if (op.attributes !== undefined) unit.attributes = op.attributes;
        this.touch(unit, field);
        this.record(index, 'changed', unit, { from, to: { kind: unit.kind } });
        return;
      }
      case 'move': {
        const unit = await this.liveUnit(op.unitId, `${field}.unitId`);
        if (unit) await this.moveUnit(index, field, unit, op.parentId);
        return;
      }
      case 'dissolve': {
        const unit = await this.liveUnit(op.unitId, `${field}.unitId`);
        if (unit) this.dissolveUnit(index, field, unit);
        return;
      }
      case 'reinstate': {
        await this.reinstate(index, field, op);
        return;
      }
      case 'merge': {
        await this.merge(index, field, op);
        return;
      }
      case 'split': {
        await this.split(index, field, op);
        return;
      }
      default: {
        // Orders from files (CLI) reach here unvalidated by the HTTP schema: never skip silently.
        const type = String((op as { type?: unknown }).type);
        this.violate('validation_failed', `${field}.type`, { reason: reason('unknown_operation'), type });
      }
    }
  }

  private async reinstate(index: number, field: string, op: Extract<ReorgOperation, { type: 'reinstate' }>) {
    await this.load([op.unitId]);
    const current = this.units.get(op.unitId);
    if (current?.live) {
      this.violate('unit_still_live', `${field}.unitId`, { unit: this.label(op.unitId) });
      return;
    }
    let unit = current;
    if (!unit) {
      const [last] = await findLastVersionsBefore(this.db, [op.unitId], this.date);
      if (!last) {
        this.violate('unit_not_found', `${field}.unitId`, { unit: `#${op.unitId}` });
        return;
      }
      unit = {
        unitId: last.unitId,
        code: last.code,
        name: last.name,
        kind: last.kind,
        parentId: last.parentId,
        attributes: last.attributes,
        live: false,
        liveBefore: false,
        before: null,
        isNew: false,
      };
      this.units.set(unit.unitId, unit);
    }
    unit.live = true;
    if (op.code !== undefined) unit.code = op.code.trim();
    if (op.name !== undefined) unit.name = op.name.trim();
    if (op.kind !== undefined && this.checkKind(op.kind, `${field}.kind`)) unit.kind = op.kind;
    unit.parentId = null;
    this.touch(unit, field);
    if (op.parentId !== null) await this.moveUnit(index, field, unit, op.parentId, false);
    else this.checkPlacement(unit, `${field}.parentId`);
    this.record(index, 'reinstated', unit, {
      to: { parentId: unit.parentId, parentName: this.label(unit.parentId) },
    });
  }

  private async merge(index: number, field: string, op: Extract<ReorgOperation, { type: 'merge' }>) {
    const sourceIds = [...new Set(op.unitIds)];
    if (sourceIds.length !== op.unitIds.length) {
      const dup = op.unitIds.find((id, i) => op.unitIds.indexOf(id) !== i);
      this.violate('duplicate_unit_in_operation', `${field}.unitIds`, { unit: `#${dup}` });
    }
    const sources: SimUnit[] = [];
    for (const [i, id] of sourceIds.entries()) {
      const unit = await this.liveUnit(id, `${field}.unitIds.${i}`);
      if (unit) sources.push(unit);
    }
    let survivor: SimUnit | undefined;
    if ('unitId' in op.into) {
      survivor = await this.liveUnit(op.into.unitId, `${field}.into.unitId`);
      const survivorId = op.into.unitId;
      const merged = sources.filter((s) => s.unitId !== survivorId);
      if (merged.length + 1 < 2) this.violate('merge_needs_two', `${field}.unitIds`);
      if (survivor) {
        const above = await this.ancestors(survivor.unitId);
        for (const s of merged) {
          if (above.includes(s.unitId))
            this.violate('cycle', `${field}.into.unitId`, {
              unit: this.label(s.unitId),
              parent: this.label(survivor.unitId),
            });
        }
      }
    } else {
      if (sources.length < 2) this.violate('merge_needs_two', `${field}.unitIds`);
      const into = op.into;
      survivor = await this.createUnit(index, `${field}.into`, into, into.parentId);
      if (survivor && into.parentId !== null) {
        const above = await this.ancestors(survivor.unitId);
        for (const s of sources) {
          if (above.includes(s.unitId))
            this.violate('cycle', `${field}.into.parentId`, {
              unit: this.label(survivor.unitId),
              parent: this.label(s.unitId),
            });
        }
      }
    }
    if (!survivor) return;
    for (const source of sources) {
      if (source.unitId === survivor.unitId) continue;
      for (const child of await this.children(source.unitId)) {
        await this.moveUnit(index, field, child, survivor.unitId);
      }
      // The merged unit's code is freed on the effective date, so the survivor may take it.
      this.dissolveUnit(index, field, source);
      this.lineage.push({ kind: 'merge', predecessorId: source.unitId, successorId: survivor.unitId });
    }
  }

  private async split(index: number, field: string, op: Extract<ReorgOperation, { type: 'split' }>) {
    const source = await this.liveUnit(op.unitId, `${field}.unitId`);
    if (!source) return;
    if (op.parts.length < 2) this.violate('split_needs_two', `${field}.parts`);
    const children = await this.children(source.unitId);
    const childIds = new Set(children.map((c) => c.unitId));
    const allocations: SplitAllocation[] = op.parts.map((p) => ({
      childIds: p.childIds ?? [],
      takesRemainder: p.takesRemainder ?? false,
      ...(p.memberIds && { memberIds: p.memberIds }),
      ...(p.memberRule && { memberRule: p.memberRule }),
    }));
    const who = this.label(source.unitId);
    if (allocations.filter((a) => a.takesRemainder).length > 1) {
      this.violate('split_allocation', `${field}.parts`, {
        unit: who,
        problem: reason('split_two_remainders'),
      });
    }
    const seen = new Map<number, number>();
    for (const [p, allocation] of allocations.entries()) {
      for (const id of allocation.childIds) {
        if (!childIds.has(id)) {
          this.violate('split_allocation', `${field}.parts.${p}.childIds`, {
            unit: who,
            problem: reason('split_not_child'),
            child: this.label(id),
          });
        } else if (seen.has(id)) {
          this.violate('split_allocation', `${field}.parts.${p}.childIds`, {
            unit: who,
            problem: reason('split_twice'),
            child: this.label(id),
          });
        }
        seen.set(id, p);
      }
    }
    for (const child of children) {
      if (allocateToSplitPart(allocations, child.unitId) < 0) {
        this.violate('split_allocation', `${field}.parts`, {
          unit: who,
          problem: reason('split_nowhere'),
          child: this.label(child.unitId),
        });
      }
    }
    const parts: Array<SimUnit | undefined> = [];
    for (const [p, part] of op.parts.entries()) {
      parts.push(
        await this.createUnit(
          index,
          `${field}.parts.${p}`,
          { ...part, kind: part.kind || source.kind },
          source.parentId,
        ),
      );
    }
    for (const child of children) {
      const target = parts[allocateToSplitPart(allocations, child.unitId)];
      if (target) await this.moveUnit(index, field, child, target.unitId);
    }
    this.dissolveUnit(index, field, source);
    for (const [p, part] of parts.entries()) {
      if (part)
        this.lineage.push({
          kind: 'split',
          predecessorId: source.unitId,
          successorId: part.unitId,
          allocation: allocations[p],
        });
    }
  }

  /** Rules that hold for the order as a whole: codes, children of dissolved units, later changes. */
  async finish(): Promise<void> {
    const touched = [...this.touched].map((id) => this.units.get(id)).filter((u): u is SimUnit => !!u);

    for (const unit of touched.filter((u) => !u.live)) {
      const left = await this.children(unit.unitId);
      if (left.length > 0) {
        this.violate('has_children', unit.lastField ?? 'operations', {
          unit: this.label(unit.unitId),
          count: left.length,
        });
      }
    }

    // A code belongs to one live unit per day: compare with the others in this order, and with
    // every stored unit holding it on or after the effective date that this order does not free.
    const liveCodes = new Map<string, SimUnit>();
    for (const unit of touched.filter((u) => u.live)) {
      const key = unit.code.toUpperCase();
      const other = liveCodes.get(key);
      if (other)
        this.violate('code_in_use', `${unit.lastField ?? 'operations'}.code`, {
          code: unit.code,
          holder: this.label(other.unitId),
        });
      liveCodes.set(key, unit);
    }
    const needsCheck = touched.filter(
      (u) => u.live && (u.isNew || !u.liveBefore || u.before?.code.toUpperCase() !== u.code.toUpperCase()),
    );
    const holders = await findCodeHoldersFrom(
      this.db,
      needsCheck.map((u) => u.code),
      this.date,
    );
    for (const holder of holders) {
      const claimant = needsCheck.find((u) => u.code.toUpperCase() === holder.code.toUpperCase());
      if (!claimant || holder.unitId === claimant.unitId) continue;
      const sim = this.units.get(holder.unitId);
      const freedHere =
        sim &&
        this.touched.has(holder.unitId) &&
        (!sim.live || sim.code.toUpperCase() !== holder.code.toUpperCase());
      if (freedHere && holder.from === this.date) continue;
      this.violate('code_in_use', `${claimant.lastField ?? 'operations'}.code`, {
        code: claimant.code,
        holder: `${holder.code} ${holder.name}`,
        date: holder.from,
      });
    }

    // An order may not cut across a later change of the same unit: that later change was decided
    // knowing the state this order would now alter.
    const stored = touched.filter((u) => !u.isNew).map((u) => u.unitId);
    for (const later of await findLaterChanges(this.db, stored, this.date)) {
      if (this.violations.some((v) => v.code === 'later_change_conflict' && v.params.unitId === later.unitId))
        continue;
      this.violations.push({
        code: 'later_change_conflict',
        field: 'effectiveDate',
        params: {
          unit: this.label(later.unitId),
          unitId: later.unitId,
          laterDate: later.from,
          laterOrder: `#${later.orderId}`,
        },
      });
    }
  }

  result(): OrderPlan {
    const units = [...this.touched].map((id) => this.units.get(id)).filter((u): u is SimUnit => !!u);
    return {
      effectiveDate: this.date,
      violations: this.violations,
      changes: this.changes,
      units,
      lineage: this.lineage,
    };
  }
}
