// Turning an Ajv validation failure into one sentence a person can act on, naming the field.
import type { FastifySchemaValidationError } from 'fastify';

export interface ValidationProblem {
  field: string | undefined;
  message: string;
}

const fieldOf = (path: string | undefined) => (path ?? '').replace(/^\//, '').replace(/\//g, '.') || undefined;

/** The first problem of a validation failure, in words. */
export function describeValidation(errors: readonly FastifySchemaValidationError[], part: string | undefined): ValidationProblem {
  const first = errors[0];
  if (!first) return { field: undefined, message: `The ${part ?? 'request'} is not valid.` };
  const params = (first.params ?? {}) as Record<string, unknown>;
  if (first.keyword === 'additionalProperties') {
    const name = String(params.additionalProperty);
    return { field: name, message: `Unknown field "${name}" in the ${part ?? 'request'}.` };
  }
  if (first.keyword === 'required') {
    const name = String(params.missingProperty);
    return { field: name, message: `The field "${name}" is required.` };
  }
  const field = fieldOf(first.instancePath);
  // A union of literals (suite, tls) fails every branch: list the allowed values instead.
  const allowed = errors.filter((e) => e.keyword === 'const' && e.instancePath === first.instancePath).map((e) => JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue));
  if (allowed.length > 0) return { field, message: `"${field}" must be one of ${allowed.join(', ')}.` };
  return { field, message: `"${field ?? part}" ${first.message ?? 'is not valid'}.` };
}
