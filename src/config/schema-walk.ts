import { z } from 'zod';
import { fieldDocs, type FieldDoc } from './fields.js';

/** A documented field: where it sits in the file and what it says about itself. */
export interface ConfigField {
  readonly path: readonly string[];
  readonly doc: FieldDoc;
}

/** Wrappers that do not change which keys exist: defaults, optionality, and transforms (their input side). */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  if (schema instanceof z.ZodPrefault || schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    return unwrap(schema.unwrap());
  }
  if (schema instanceof z.ZodPipe) return unwrap(schema.in);
  return schema;
}

/**
 * Every documented field under `schema`, in declaration order. A field is the outermost schema with an
 * entry in `fieldDocs`; objects without one are sections and are walked into. A schema that is neither
 * is a programming error: every key must carry its documentation.
 */
export function configFields(schema: z.core.$ZodType, prefix: readonly string[] = []): ConfigField[] {
  const doc = fieldDocs.get(schema);
  if (doc !== undefined) return [{ path: prefix, doc }];
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.core.$ZodType>).flatMap(([key, child]) => configFields(child, [...prefix, key]));
  }
  throw new Error(`config field ${prefix.join('.') || '(root)'} has no documentation in fieldDocs`);
}

/** The keys an object at `path` accepts, or `[]` if `path` does not lead to an object. Numbers step into lists. */
export function keysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.core.$ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodArray && typeof segment === 'number') current = unwrap(current.element);
    else if (current instanceof z.ZodObject && typeof segment === 'string') {
      const child: z.core.$ZodType | undefined = (current.shape as Record<string, z.core.$ZodType | undefined>)[segment];
      current = child === undefined ? undefined : unwrap(child);
    } else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}
