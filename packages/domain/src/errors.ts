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
  'unauthenticated',
  'sign_in_failed',
  'forbidden',
  'csrf_token_invalid',
  'session_required',
  'too_many_requests',
  'setup_already_done',
  'user_not_found',
  'role_not_found',
  'grant_not_found',
  'token_not_found',
  'audit_event_not_found',
  'username_taken',
  'role_code_taken',
  'role_in_use',
  'builtin_role',
  'weak_password',
  'current_password_wrong',
  'organization_wide_only',
  'last_administrator',
  'single_sign_on_failed',
  'single_sign_on_not_configured',
  'member_rule_broken',
  'member_not_found',
  'member_event_not_found',
  'event_already_corrected',
  'national_id_in_use',
  'unit_has_members',
  'subtree_too_large',
  'card_number_in_use',
  'campaign_not_found',
  'import_not_found',
  'import_file_unreadable',
  'import_not_ready',
  'import_has_problems',
  'import_template_not_found',
  'import_template_name_taken',
  'pdf_unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * What kind of failure a code is. The HTTP status and the CLI exit code both follow from it, so a
 * new code is classified once (the compiler insists) and both edges agree.
 */
export type ErrorCategory =
  | 'invalid' // the input is malformed
  | 'not_found' // the thing asked for does not exist (or is out of reach)
  | 'rule_broken' // well-formed, but a rule of the statute or the tree says no
  | 'conflict' // it clashes with the state of the record (already applied, a later order…)
  | 'precondition_required' // a write without the version it was based on
  | 'stale' // a write based on a version someone else has replaced
  | 'unauthenticated' // nobody is signed in, or the sign-in failed
  | 'forbidden' // signed in, but the role does not allow it
  | 'rate_limited' // too many attempts in a short time
  | 'unavailable' // a part the server needs (a PDF printer) is missing or down: try later
  | 'internal';

export function errorCategory(code: ErrorCode): ErrorCategory {
  switch (code) {
    case 'validation_failed':
    case 'invalid_date':
    case 'import_file_unreadable':
      return 'invalid';
    case 'not_found':
    case 'unit_not_found':
    case 'order_not_found':
    case 'user_not_found':
    case 'role_not_found':
    case 'grant_not_found':
    case 'token_not_found':
    case 'audit_event_not_found':
    case 'member_not_found':
    case 'member_event_not_found':
    case 'campaign_not_found':
    case 'import_not_found':
    case 'import_template_not_found':
      return 'not_found';
    case 'weak_password':
    case 'current_password_wrong':
      return 'invalid';
    case 'unauthenticated':
    case 'sign_in_failed':
    case 'single_sign_on_failed':
      return 'unauthenticated';
    case 'forbidden':
    case 'csrf_token_invalid':
    case 'session_required':
    case 'organization_wide_only':
      return 'forbidden';
    case 'too_many_requests':
      return 'rate_limited';
    case 'unknown_kind':
    case 'kind_not_in_force':
    case 'wrong_parent_kind':
    case 'parent_required':
    case 'cycle':
    case 'code_in_use':
    case 'unit_not_live':
    case 'unit_still_live':
    case 'has_children':
    case 'merge_needs_two':
    case 'split_needs_two':
    case 'split_allocation':
    case 'duplicate_unit_in_operation':
    case 'order_has_violations':
    case 'member_rule_broken':
    case 'unit_has_members':
    case 'subtree_too_large':
    case 'import_has_problems':
      return 'rule_broken';
    case 'later_change_conflict':
    case 'order_not_draft':
    case 'order_already_reversed':
    case 'order_not_applied':
    case 'integrity_conflict':
    case 'demo_needs_empty_database':
    case 'setup_already_done':
    case 'username_taken':
    case 'role_code_taken':
    case 'role_in_use':
    case 'builtin_role':
    case 'last_administrator':
    case 'single_sign_on_not_configured':
    case 'event_already_corrected':
    case 'national_id_in_use':
    case 'card_number_in_use':
    case 'import_not_ready':
    case 'import_template_name_taken':
      return 'conflict';
    case 'precondition_required':
      return 'precondition_required';
    case 'version_conflict':
      return 'stale';
    case 'pdf_unavailable':
      return 'unavailable';
    case 'internal_error':
      return 'internal';
    default:
      return assertNever(code);
  }
}

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
