import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import type { TSchema } from 'typebox';
import { schemaFailureToError, type SchemaFailure } from './errors.js';

/**
 * A JSON-Schema validator. Query strings and paths are text, so their numbers and booleans are
 * coerced (`'array'`); JSON bodies and files are taken as sent (coercion would turn null into ""
 * and 3 into "3").
 */
export function createAjv(coerceTypes: 'array' | false): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    discriminator: true,
    strict: false,
  });
  // ajv-formats is CommonJS; its plugin is also exported as `default`, which both Node and TypeScript see.
  ajvFormats.default(ajv);
  return ajv;
}

const exact = createAjv(false);

/** Checks data read outside HTTP (a CLI file) against a route schema, with the same errors as the API. */
export function assertValid(schema: TSchema, data: unknown, fallbackField = 'body'): void {
  const validate = exact.compile(schema);
  if (!validate(data))
    throw schemaFailureToError(validate.errors?.[0] as SchemaFailure | undefined, data, fallbackField);
}
