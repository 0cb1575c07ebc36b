// Runtime checks against the schemas, for tests and for the server's boundaries.
import { Value } from '@sinclair/typebox/value';
import { FormatRegistry, type TSchema, type Static } from '@sinclair/typebox';

// RFC 3339 date-time, as Date.prototype.toISOString writes it (TypeBox knows no formats by itself).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));

/** The first few schema violations of `value`, as "path: message" lines; empty when valid. */
export function schemaErrors<T extends TSchema>(schema: T, value: unknown, max = 5): string[] {
  const errors: string[] = [];
  for (const error of Value.Errors(schema, value)) {
    errors.push(`${error.path || '/'}: ${error.message}`);
    if (errors.length >= max) break;
  }
  return errors;
}

/** True when `value` matches `schema`. */
export function matchesSchema<T extends TSchema>(schema: T, value: unknown): value is Static<T> {
  return Value.Check(schema, value);
}
