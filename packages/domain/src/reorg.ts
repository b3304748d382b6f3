import type { IsoDate } from './dates.js';

/** Free-form facts about a unit (address, phone, kind of workplace…), effective-dated with the rest. */
export type UnitAttributes = Record<string, string | number | boolean | null>;

/** A unit that an operation brings into being. */
export interface NewUnit {
  code: string;
  name: string;
  kind: string;
  attributes?: UnitAttributes;
}

/**
 * The operations a reorganization order may hold. All take effect on the order's effective date,
 * in the order written, and either all apply or none does.
 */
export type ReorgOperation =
  | ({
      type: 'create';
      /** The parent: a stored unit, or null at the top (ignored when parentRef is given). */
      parentId: number | null;
      /** A name for this new unit, so later operations of the same order can put units under it. */
      ref?: string;
      /** The `ref` of a unit an earlier operation of this order creates, to sit under it. */
      parentRef?: string;
    } & NewUnit)
  | { type: 'rename'; unitId: number; name?: string; code?: string }
  | { type: 'change'; unitId: number; kind?: string; attributes?: UnitAttributes }
  | { type: 'move'; unitId: number; /** null: to the top of the tree. */ parentId: number | null }
  | {
      type: 'merge';
      /** Units that cease to exist; their children move to the survivor. */
      unitIds: number[];
      /** The surviving unit: an existing one, or a new one created under `parentId`. */
      into: { unitId: number } | ({ parentId: number | null } & NewUnit);
    }
  | {
      type: 'split';
      /** The unit that ceases to exist. */
      unitId: number;
      /** Two or more new units, each listing the child units it receives. */
      parts: SplitPart[];
    }
  | { type: 'dissolve'; unitId: number }
  | {
      type: 'reinstate';
      unitId: number;
      parentId: number | null;
      code?: string;
      name?: string;
      kind?: string;
    };

export type ReorgOperationType = ReorgOperation['type'];

export const REORG_OPERATION_TYPES: readonly ReorgOperationType[] = [
  'create',
  'rename',
  'change',
  'move',
  'merge',
  'split',
  'dissolve',
  'reinstate',
];

/**
 * One part of a split. The allocation is explicit (`childIds`) with one part taking the remainder;
 * later capabilities (members, positions) follow the same rule: what is listed goes to its part,
 * everything else goes to the remainder part.
 */
export interface SplitPart extends NewUnit {
  /** Units now under the split unit that move to this part. */
  childIds?: number[];
  /** This part receives everything not listed elsewhere. Exactly one part may say so. */
  takesRemainder?: boolean;
  /** Members of the split unit that move to this part. */
  memberIds?: number[];
  /** Members whose record matches move to this part (after the listed ones): "residence contains Ấp 3". */
  memberRule?: MemberAllocationRule;
}

/** A rule that sends members to a split part by an attribute of their record. */
export interface MemberAllocationRule {
  field: 'residence' | 'homeTown' | 'birthPlace' | 'profession';
  /** Matched ignoring case and diacritics. */
  contains: string;
}

/** A split's allocation as stored with the lineage, so later capabilities can follow it. */
export interface SplitAllocation {
  childIds: number[];
  takesRemainder: boolean;
  memberIds?: number[];
  memberRule?: MemberAllocationRule;
}

/**
 * Decides which part of a split receives an item that belonged to the split unit.
 * Returns the index of the part, or -1 when no part takes it (the split is then refused).
 */
export function allocateToSplitPart(parts: readonly SplitAllocation[], itemId: number): number {
  const explicit = parts.findIndex((p) => p.childIds.includes(itemId));
  if (explicit >= 0) return explicit;
  return parts.findIndex((p) => p.takesRemainder);
}

/**
 * Which part of a split receives a member: a part that lists them, else the first part whose rule
 * their record matches, else the remainder part; -1 when none does (the split is then refused).
 * `matches` says whether the member's record satisfies a rule.
 */
export function allocateMemberToSplitPart(
  parts: readonly SplitAllocation[],
  memberId: number,
  matches: (rule: MemberAllocationRule) => boolean,
): number {
  const listed = parts.findIndex((p) => p.memberIds?.includes(memberId));
  if (listed >= 0) return listed;
  const byRule = parts.findIndex((p) => p.memberRule && matches(p.memberRule));
  if (byRule >= 0) return byRule;
  return parts.findIndex((p) => p.takesRemainder);
}

/** The decision that orders a reorganization. */
export interface DecisionReference {
  number?: string | null;
  date?: IsoDate | null;
  issuedBy?: string | null;
  note?: string | null;
}

/**
 * The stored units an operation names (the units it changes and the parents it places under);
 * `null` stands for "the top of the tree". Whoever writes the order must reach all of them.
 */
export function unitsNamedBy(op: ReorgOperation): Array<number | null> {
  switch (op.type) {
    case 'create':
      return op.parentRef ? [] : [op.parentId];
    case 'rename':
    case 'change':
    case 'dissolve':
      return [op.unitId];
    case 'move':
      return [op.unitId, op.parentId];
    case 'merge':
      return [...op.unitIds, 'unitId' in op.into ? op.into.unitId : op.into.parentId];
    case 'split':
      return [op.unitId];
    case 'reinstate':
      return [op.unitId, op.parentId];
  }
}
