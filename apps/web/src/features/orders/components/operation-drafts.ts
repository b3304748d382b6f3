import { REORG_OPERATION_TYPES } from '@rollbook/domain';
import type { ReorgOperation, SplitPart } from '../../../api/types';

export type OperationType = ReorgOperation['type'];

export const OPERATION_TYPES: readonly OperationType[] = REORG_OPERATION_TYPES;

/**
 * A blank operation of each type. Unit ids of 0 mean "not chosen yet"; the server names the missing
 * field when such an operation is previewed or saved.
 */
export function blankOperation(type: OperationType): ReorgOperation {
  switch (type) {
    case 'create':
      return { type, parentId: null, code: '', name: '', kind: '' };
    case 'rename':
      return { type, unitId: 0, name: '' };
    case 'change':
      return { type, unitId: 0 };
    case 'move':
      return { type, unitId: 0, parentId: 0 };
    case 'merge':
      return { type, unitIds: [0, 0], into: { parentId: null, code: '', name: '', kind: '' } };
    case 'split':
      return { type, unitId: 0, parts: [blankPart(true), blankPart(false)] };
    case 'dissolve':
      return { type, unitId: 0 };
    case 'reinstate':
      return { type, unitId: 0, parentId: null };
  }
}

export function blankPart(takesRemainder: boolean): SplitPart {
  return { code: '', name: '', kind: '', childIds: [], takesRemainder };
}

const emptyToUndefined = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

/** The operation as sent to the server: trimmed text, optional fields left out when blank. */
export function cleanOperation(op: ReorgOperation): ReorgOperation {
  switch (op.type) {
    case 'create':
      return { ...op, code: op.code.trim(), name: op.name.trim() };
    case 'rename':
      return {
        type: op.type,
        unitId: op.unitId,
        name: emptyToUndefined(op.name),
        code: emptyToUndefined(op.code),
      };
    case 'change':
      return { type: op.type, unitId: op.unitId, kind: emptyToUndefined(op.kind), attributes: op.attributes };
    case 'merge':
      return {
        ...op,
        unitIds: op.unitIds.filter((id) => id > 0),
        into:
          'unitId' in op.into
            ? op.into
            : { ...op.into, code: op.into.code.trim(), name: op.into.name.trim() },
      };
    case 'split':
      return {
        ...op,
        parts: op.parts.map(({ memberIds, memberRule, ...p }) => ({
          ...p,
          code: p.code.trim(),
          name: p.name.trim(),
          takesRemainder: !!p.takesRemainder,
          // Optional: left out when not given, so an order without them reads as before.
          ...(memberIds?.length && { memberIds }),
          ...(memberRule?.contains.trim() && {
            memberRule: { field: memberRule.field, contains: memberRule.contains.trim() },
          }),
        })),
      };
    case 'reinstate':
      return {
        type: op.type,
        unitId: op.unitId,
        parentId: op.parentId,
        code: emptyToUndefined(op.code),
        name: emptyToUndefined(op.name),
        kind: emptyToUndefined(op.kind),
      };
    default:
      return op;
  }
}

/** The member ids in what the user typed: "12, 15 31" → [12, 15, 31]. */
export function parseMemberIds(text: string): number[] {
  return [...new Set((text.match(/\d+/g) ?? []).map(Number).filter((n) => n > 0))];
}
