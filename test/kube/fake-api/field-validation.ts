/**
 * Unknown-field checks of the `fieldValidation` query parameter: `Strict` → 400
 * `strict decoding error: unknown field "spec.x"`; `Warn` (the default when unset) → a
 * `Warning: 299 - "unknown field \"spec.x\""` header; `Ignore` → nothing. Fields are judged
 * against the OpenAPI schema of the kind; `x-kubernetes-preserve-unknown-fields` stops the walk.
 */
import { badRequest } from './errors.js';
import { isObject } from './http-util.js';
import { resolveSchema, schemaOfKind, type Schema } from './openapi.js';

function walk(value: unknown, schema: Schema | undefined, schemas: Record<string, Schema>, path: string, found: string[]): void {
  const resolved = resolveSchema(schema, schemas);
  if (resolved === undefined || resolved['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(item, resolved.items as Schema | undefined, schemas, `${path}[${i}]`, found);
    return;
  }
  if (!isObject(value)) return;
  const properties = resolved.properties as Record<string, Schema> | undefined;
  const additional = isObject(resolved.additionalProperties) ? resolved.additionalProperties : undefined;
  for (const [key, inner] of Object.entries(value)) {
    const child = path === '' ? key : `${path}.${key}`;
    const fieldSchema = properties?.[key] ?? additional;
    if (fieldSchema === undefined) {
      if (properties !== undefined) found.push(child);
      continue;
    }
    walk(inner, fieldSchema, schemas, child, found);
  }
}

/** The unknown field paths of an object, in document order. */
export function unknownFields(object: Record<string, unknown>, apiVersion: string, kind: string): string[] {
  const kindSchema = schemaOfKind(apiVersion, kind);
  if (kindSchema === undefined) return [];
  const found: string[] = [];
  walk(object, kindSchema.schema, kindSchema.schemas, '', found);
  return found;
}

/**
 * Applies the `fieldValidation` directive; returns the warnings to send. A decoded request body
 * (POST, PUT) fails as `<Kind> in version "<v>" cannot be handled as a <Kind>: strict decoding error: …`;
 * a patch result as `strict decoding error: …`.
 */
export function checkFields(directive: string | null, object: Record<string, unknown>, apiVersion: string, kind: string, decodedBody: boolean): string[] {
  const mode = directive ?? 'Warn';
  if (mode !== 'Strict' && mode !== 'Warn' && mode !== 'Ignore') {
    throw badRequest(`fieldValidation: Unsupported value: "${mode}": supported values: "Ignore", "Strict", "Warn"`);
  }
  if (mode === 'Ignore') return [];
  const unknown = unknownFields(object, apiVersion, kind);
  if (unknown.length === 0) return [];
  if (mode === 'Strict') {
    const strict = `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`;
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    throw badRequest(decodedBody ? `${kind} in version "${version}" cannot be handled as a ${kind}: ${strict}` : strict);
  }
  return unknown.map((f) => `unknown field "${f}"`);
}
