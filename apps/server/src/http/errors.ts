import {
  AppError,
  type ApiLanguage,
  type ErrorCategory,
  errorCategory,
  type ErrorCode,
  type ErrorParams,
  formatMessage,
  type KindRules,
  negotiateLanguage,
  reason,
  type RuleViolation,
} from '@rollbook/domain';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

const STATUS: Record<ErrorCategory, number> = {
  invalid: 400,
  not_found: 404,
  rule_broken: 422,
  conflict: 409,
  precondition_required: 428,
  stale: 412,
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** The HTTP status of an error code, by its category. */
export function httpStatus(code: ErrorCode): number {
  return STATUS[errorCategory(code)];
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  field?: string;
  params?: Record<string, string | number>;
  violations?: Array<{
    code: ErrorCode;
    field?: string;
    message: string;
    params: Record<string, string | number>;
  }>;
}

/** Params that hold kind codes are shown as the kind's name in the reader's language. */
function localizeParams(params: ErrorParams, lang: ApiLanguage, rules?: KindRules): ErrorParams {
  if (!rules) return params;
  const out = { ...params };
  for (const key of ['kind', 'parentKind'] as const) {
    const value = out[key];
    if (typeof value === 'string' && rules.kind(value))
      out[key] = rules.name(value, lang).toLocaleLowerCase(lang);
  }
  return out;
}

/** A broken rule with its message in the reader's language. */
export function localizeViolation(v: RuleViolation, lang: ApiLanguage, rules?: KindRules) {
  const params = localizeParams(v.params, lang, rules);
  return {
    code: v.code,
    ...(v.field ? { field: v.field } : {}),
    params: v.params,
    message: formatMessage(v.code, lang, { field: v.field ?? '', ...params }),
  };
}

/** Builds an RFC 9457 problem document in the caller's language. */
export function toProblem(error: AppError, lang: ApiLanguage, rules?: KindRules): Problem {
  const detail = formatMessage(error.code, lang, {
    field: error.field ?? '',
    ...localizeParams(error.params, lang, rules),
  });
  const problem: Problem = {
    type: `urn:rollbook:problem:${error.code}`,
    title: error.code,
    status: httpStatus(error.code),
    code: error.code,
    detail,
  };
  if (error.field) problem.field = error.field;
  if (Object.keys(error.params).length) problem.params = error.params;
  const details = error.details as { violations?: RuleViolation[] } | undefined;
  if (details?.violations)
    problem.violations = details.violations.map((v) => localizeViolation(v, lang, rules));
  return problem;
}

export interface SchemaFailure {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/** Turns a JSON-Schema failure on `data` into our error, naming the field (or `fallbackField`). */
export function schemaFailureToError(
  first: SchemaFailure | undefined,
  data: unknown,
  fallbackField: string,
): AppError {
  let field = (first?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  if (first?.keyword === 'required')
    field = [field, String(first.params.missingProperty)].filter(Boolean).join('.');
  if (first?.keyword === 'additionalProperties') {
    field = [field, String(first.params.additionalProperty)].filter(Boolean).join('.');
  }
  field = field || fallbackField;
  if (first?.keyword === 'format' && first.params.format === 'date') {
    return new AppError('invalid_date', {
      field,
      params: { value: String(valueAt(data, first.instancePath) ?? '') },
    });
  }
  // A unit id of 0 is how a form says "none chosen yet".
  const unitField = /(^|\.)(unitId|parentId|unitIds\.\d+|childIds\.\d+)$/.test(field);
  const why = first?.keyword === 'minimum' && unitField ? 'choose_unit' : (first?.keyword ?? 'invalid');
  return new AppError('validation_failed', {
    field,
    params: { reason: reason(why) },
  });
}

/** Turns Fastify's schema validation failure into our error. */
function fromValidation(
  error: FastifyError & { validation?: SchemaFailure[]; validationContext?: string },
  request: FastifyRequest,
): AppError {
  const context = error.validationContext ?? 'body';
  const part = context === 'querystring' ? 'query' : context;
  return schemaFailureToError(
    error.validation?.[0],
    (request as unknown as Record<string, unknown>)[part],
    context,
  );
}

/** The value a JSON pointer names inside the request part that failed. */
function valueAt(source: unknown, pointer: string): unknown {
  let value = source;
  for (const key of pointer.split('/').filter(Boolean)) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

/**
 * A constraint the database enforces (docs/adr/0002: the invariants live in PostgreSQL too) that the
 * service's own checks did not foresee: say so in words, as a conflict, instead of a server error.
 */
export function fromDatabaseError(error: unknown): AppError | undefined {
  const e = error as { code?: unknown; constraint?: unknown };
  // 23P01 exclusion, 23505 unique, 23514 check, 23503 foreign key.
  if (typeof e?.code !== 'string' || !['23P01', '23505', '23514', '23503'].includes(e.code)) return undefined;
  return new AppError('integrity_conflict', { params: { constraint: String(e.constraint ?? e.code) } });
}

/** Maps every thrown error to a localized problem document; unexpected ones are logged and hidden. */
export function createErrorHandler(rules: KindRules) {
  return function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const lang = negotiateLanguage(request.headers['accept-language']);
    let appError: AppError;
    const fromDatabase = fromDatabaseError(error);
    if (error instanceof AppError) appError = error;
    else if (fromDatabase) {
      request.log.warn(error);
      appError = fromDatabase;
    } else if ((error as { validation?: unknown }).validation) appError = fromValidation(error, request);
    else if (error.statusCode === 404) appError = new AppError('not_found');
    else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      const unreadable = error.code?.startsWith('FST_ERR_CTP');
      appError = new AppError('validation_failed', {
        field: 'body',
        params: { reason: reason(unreadable ? 'json' : 'invalid') },
      });
    } else {
      request.log.error(error);
      appError = new AppError('internal_error');
    }
    const problem = toProblem(appError, lang, rules);
    return reply
      .status(problem.status)
      .type('application/problem+json')
      .header('content-language', lang)
      .send(problem);
  };
}
