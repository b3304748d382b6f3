import {
  AppError,
  type ErrorCategory,
  errorCategory,
  type ErrorCode,
  formatMessage,
  negotiateLanguage,
} from '@rollbook/domain';
import { fromDatabaseError, localizeViolation } from '../http/errors.js';
import type { AppContext } from '../context.js';

/** Exit codes scripts can branch on. */
export const EXIT = {
  ok: 0,
  failure: 1,
  invalid: 2,
  notFound: 3,
  ruleBroken: 4,
  conflict: 5,
  denied: 6,
  /** `audit verify` found the chain broken. */
  tampered: 7,
} as const;

const EXIT_BY_CATEGORY: Record<ErrorCategory, number> = {
  invalid: EXIT.invalid,
  not_found: EXIT.notFound,
  rule_broken: EXIT.ruleBroken,
  conflict: EXIT.conflict,
  precondition_required: EXIT.conflict,
  stale: EXIT.conflict,
  unauthenticated: EXIT.denied,
  forbidden: EXIT.denied,
  rate_limited: EXIT.denied,
  unavailable: EXIT.failure,
  internal: EXIT.failure,
};

/** The exit code of an error code, by its category. */
export function exitCodeFor(code: ErrorCode): number {
  return EXIT_BY_CATEGORY[errorCategory(code)];
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
    // A member rule refusal names its rule beside the code (the message already gives its source).
    const rule = (params: Record<string, unknown>) =>
      typeof params.rule === 'string' ? `, rule ${params.rule}` : '';
    if (json)
      console.error(
        JSON.stringify({
          code: error.code,
          field: error.field,
          ...(typeof error.params.rule === 'string' && { rule: error.params.rule }),
          message,
          violations,
        }),
      );
    else {
      console.error(`error (${error.code}${rule(error.params)}): ${message}`);
      for (const v of violations.slice(1)) console.error(`  also (${v.code}${rule(v.params)}): ${v.message}`);
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
