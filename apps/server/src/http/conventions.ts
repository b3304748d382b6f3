import { AppError, reason } from '@rollbook/domain';
import type { FastifyRequest } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';

/** The ETag of a resource version. Strong: a version number identifies the exact representation. */
export function etag(version: number): string {
  return `"${version}"`;
}

/**
 * The version the client last read, from If-Match. Writes to an existing resource require it, so a
 * stale write is refused (412) instead of silently overwriting someone else's change.
 */
export function requireIfMatch(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  if (!header) throw new AppError('precondition_required', { field: 'If-Match' });
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match)
    throw new AppError('validation_failed', {
      field: 'If-Match',
      params: { reason: reason('if_match') },
    });
  return Number(match[1]);
}

/** Opaque cursors: the client passes back what it was given and never builds one itself. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * The key a cursor carries, checked against the shape its list expects: a cursor is opaque to
 * clients, but one made up or from another list must get a 400 naming the field, not a 500.
 */
export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string | undefined,
  shape: { [K in keyof T]: T[K] extends string ? 'string' : 'integer' },
): T | undefined {
  if (!cursor) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const fits =
    typeof value === 'object' &&
    value !== null &&
    Object.entries(shape).every(([key, type]) => {
      const v = (value as Record<string, unknown>)[key];
      return type === 'string' ? typeof v === 'string' : Number.isSafeInteger(v);
    });
  if (!fits)
    throw new AppError('validation_failed', { field: 'cursor', params: { reason: reason('cursor') } });
  return value as T;
}

/**
 * One page from a list fetched with one extra item: the extra one tells whether there is a next
 * page, and the cursor is the key of the last item shown.
 */
export function page<T, K>(items: T[], limit: number, key: (item: T) => K) {
  const shown = items.slice(0, limit);
  const last = shown[shown.length - 1];
  return { items: shown, nextCursor: items.length > limit && last ? encodeCursor(key(last)) : null };
}

export const IsoDateSchema = Type.String({
  format: 'date',
  description: 'A calendar date, YYYY-MM-DD.',
  examples: ['2025-07-01'],
});

export const AsOfQuery = Type.Object({
  asOf: Type.Optional(Type.String({ format: 'date', description: 'The day to look at (default: today).' })),
});
export type AsOfQueryType = Static<typeof AsOfQuery>;

export const PageQuery = {
  cursor: Type.Optional(Type.String({ description: 'From `nextCursor` of the previous page.' })),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Items per page.' }),
  ),
};

/** A page of a list: the items and the cursor of the next page (null on the last one). */
export function PageOf<T extends ReturnType<typeof Type.Object>>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable error code; branch on this, never on the text.' }),
    detail: Type.String({ description: 'A message in the language of Accept-Language.' }),
    field: Type.Optional(Type.String({ description: 'The field at fault.' })),
    params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
    violations: Type.Optional(
      Type.Array(
        Type.Object({
          code: Type.String(),
          field: Type.Optional(Type.String()),
          message: Type.String(),
          params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
        }),
      ),
    ),
  },
  { description: 'An RFC 9457 problem document.' },
);

/**
 * A value or null, written as JSON Schema's `type: [t, 'null']`: validation then never coerces a
 * null into "" or 0, and the response serializer writes null as null.
 */
export function Nullable<T extends TSchema>(schema: T, options: Record<string, unknown> = {}) {
  const base = schema as unknown as { type?: string };
  return Type.Unsafe<Static<T> | null>({ ...schema, ...options, type: [base.type, 'null'] });
}
