import { AppError, assertNever, type ErrorCode, formatMessage, negotiateLanguage } from '@rollbook/domain';
import { fromDatabaseError, localizeViolation } from '../http/errors.js';
import type { AppContext } from '../context.js';

/** Exit codes scripts can branch on. */
export const EXIT = { ok: 0, failure: 1, invalid: 2, notFound: 3, ruleBroken: 4, conflict: 5 } as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'validation_failed':
    case 'invalid_date':
      return EXIT.invalid;
    case 'not_found':
    case 'unit_not_found':
    case 'order_not_found':
      return EXIT.notFound;
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
      return EXIT.ruleBroken;
    case 'later_change_conflict':
    case 'order_not_draft':
    case 'order_already_reversed':
    case 'order_not_applied':
    case 'integrity_conflict':
    case 'demo_needs_empty_database':
    case 'precondition_required':
    case 'version_conflict':
      return EXIT.conflict;
    case 'internal_error':
      return EXIT.failure;
    default:
      return assertNever(code);
  }
}

/** The language of CLI messages: --lang, ROLLBOOK_LANG, or the shell's LANG. */
export function cliLanguage(lang?: string) {
  return negotiateLanguage(
    lang ?? process.env.ROLLBOOK_LANG ?? process.env.LANG?.split('.')[0]?.replace('_', '-'),
  );
}

/** Prints an error the way the API would word it and returns the exit code. */
export function reportError(
  error: unknown,
  json: boolean,
  lang: string | undefined,
  ctx?: AppContext,
): number {
  const language = cliLanguage(lang);
  error = fromDatabaseError(error) ?? error;
  if (error instanceof AppError) {
    const message = formatMessage(error.code, language, { field: error.field ?? '', ...error.params });
    const violations = ((error.details as { violations?: [] } | undefined)?.violations ?? []).map((v) =>
      localizeViolation(v, language, ctx?.rules),
    );
    if (json) console.error(JSON.stringify({ code: error.code, field: error.field, message, violations }));
    else {
      console.error(`error (${error.code}): ${message}`);
      for (const v of violations.slice(1)) console.error(`  also (${v.code}): ${v.message}`);
    }
    return exitCodeFor(error.code);
  }
  console.error(
    json
      ? JSON.stringify({ code: 'internal_error', message: String(error) })
      : `error: ${error instanceof Error ? error.message : String(error)}`,
  );
  return EXIT.failure;
}

/** Prints rows as an aligned table. */
export function printTable(rows: Array<Record<string, unknown>>, columns: string[]): void {
  const cells = rows.map((r) =>
    columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => [...row[i]!].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v + ' '.repeat(widths[i]! - [...v].length))
      .join('  ')
      .trimEnd();
  console.log(line(columns));
  for (const row of cells) console.log(line(row));
}
