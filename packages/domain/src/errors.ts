/**
 * Every failure a user can meet has a stable code. Clients branch on the code, never on the text;
 * the text comes from the message catalog in the user's language.
 */
export const ERROR_CODES = [
  'validation_failed',
  'invalid_date',
  'not_found',
  'unit_not_found',
  'order_not_found',
  'unknown_kind',
  'kind_not_in_force',
  'wrong_parent_kind',
  'parent_required',
  'cycle',
  'code_in_use',
  'unit_not_live',
  'unit_still_live',
  'has_children',
  'merge_needs_two',
  'split_needs_two',
  'split_allocation',
  'duplicate_unit_in_operation',
  'later_change_conflict',
  'order_not_draft',
  'order_already_reversed',
  'order_not_applied',
  'integrity_conflict',
  'order_has_violations',
  'precondition_required',
  'version_conflict',
  'demo_needs_empty_database',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Values substituted into a message: unit codes, dates, kind names, order numbers. */
export type ErrorParams = Record<string, string | number>;

/** A failure a user should understand: a code, the field at fault, and what fills the message. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly params: ErrorParams;
  readonly details: unknown;

  constructor(
    code: ErrorCode,
    options: { field?: string; params?: ErrorParams; details?: unknown; message?: string } = {},
  ) {
    super(options.message ?? code);
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.params = options.params ?? {};
    this.details = options.details;
  }
}

/** A broken rule found while planning a change: the same shape as an error, but collected, not thrown. */
export interface RuleViolation {
  code: ErrorCode;
  field?: string;
  params: ErrorParams;
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
