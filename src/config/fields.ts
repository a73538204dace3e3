import { z } from 'zod';
import { parseDuration } from './duration.js';
import type { Checked } from './network.js';

/** How a `WAKEGATE_*` string becomes the value a field's schema parses. */
export type EnvKind = 'string' | 'number' | 'boolean' | 'list' | 'json';

/**
 * The documentation every config field carries. The reference page, the env variable names and the
 * "expected …" half of every problem are all read from here, so they cannot disagree.
 */
export interface FieldDoc {
  readonly description: string;
  /** Completes "expected …": what a valid value looks like. */
  readonly expected: string;
  readonly envKind: EnvKind;
  /** The default in the file's vocabulary; `null` when there is none (required, or absence has a meaning of its own). */
  readonly default: string | null;
  readonly required: boolean;
}

export const fieldDocs = z.registry<FieldDoc>();

/** What each field builder needs from the schema author. */
export interface FieldSpec<D> {
  readonly default: D;
  readonly doc: string;
}

type Doc = Pick<FieldDoc, 'description' | 'expected' | 'envKind'>;

function documented<S extends z.ZodType>(schema: S, doc: Doc, shownDefault: unknown): S {
  fieldDocs.add(schema, { ...doc, default: showDefault(shownDefault), required: false });
  return schema;
}

function showDefault(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

/** A string schema whose value is further checked (and possibly converted) by `check`. */
export function checkedString<T>(expected: string, check: (text: string) => Checked<T>) {
  return z.string({ error: expected }).transform((text, ctx) => {
    const result = check(text);
    if (result.ok) return result.value;
    ctx.issues.push({ code: 'custom', message: `${expected}, but ${result.reason}`, input: text });
    return z.NEVER;
  });
}

export type DurationFloor = 'zero' | 'positive';

/** A duration in ms, or `special.value` when the text is `special.word` (`off`, `never`). */
export function durationSchema<W extends string = never, V = never>(floor: DurationFloor, special?: { readonly word: W; readonly value: V }) {
  const base = floor === 'positive' ? 'a duration above 0s, such as 30s, 5m or 1h30m' : 'a duration such as 0s, 250ms, 30s or 5m';
  const expected = special === undefined ? base : `${special.word} or ${base}`;
  const error = (issue: { readonly input?: unknown }) =>
    typeof issue.input === 'number' ? `${expected}, but it has no unit (write ${issue.input}s or ${issue.input}ms)` : expected;
  const schema = z.string({ error }).transform((text, ctx): number | V => {
    if (special !== undefined && text === special.word) return special.value;
    const parsed = parseDuration(text);
    const reason = !parsed.ok ? parsed.reason : floor === 'positive' && parsed.ms === 0 ? 'it is 0s' : null;
    if (reason === null && parsed.ok) return parsed.ms;
    ctx.issues.push({ code: 'custom', message: `${expected}, but ${reason}`, input: text });
    return z.NEVER;
  });
  return { schema, expected };
}

export function duration(floor: DurationFloor, spec: FieldSpec<string>) {
  const { schema, expected } = durationSchema(floor);
  return documented(schema.prefault(spec.default), { description: spec.doc, expected, envKind: 'string' }, spec.default);
}

/** `off` → `null`: used where a cap can be switched off. */
export function durationOrOff(spec: FieldSpec<string>) {
  const { schema, expected } = durationSchema('positive', { word: 'off', value: null });
  return documented(schema.prefault(spec.default), { description: spec.doc, expected, envKind: 'string' }, spec.default);
}

export function integer(range: { readonly min: number; readonly max?: number }, spec: FieldSpec<number>) {
  const { min, max = Number.MAX_SAFE_INTEGER } = range;
  const expected = range.max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
  const schema = z.int({ error: expected }).min(min, { error: expected }).max(max, { error: expected });
  return documented(schema.prefault(spec.default), { description: spec.doc, expected, envKind: 'number' }, spec.default);
}

export function nonNegativeNumber(spec: FieldSpec<number>) {
  const expected = 'a number of at least 0';
  const schema = z.number({ error: expected }).min(0, { error: expected }).max(Number.MAX_VALUE, { error: expected });
  return documented(schema.prefault(spec.default), { description: spec.doc, expected, envKind: 'number' }, spec.default);
}

export function flag(spec: FieldSpec<boolean>) {
  const expected = 'true or false';
  return documented(z.boolean({ error: expected }).prefault(spec.default), { description: spec.doc, expected, envKind: 'boolean' }, spec.default);
}

export function choice<const V extends readonly [string, ...string[]]>(values: V, spec: FieldSpec<V[number]>) {
  const expected = `one of ${values.join(', ')}`;
  return documented(z.enum(values, { error: expected }).prefault(spec.default), { description: spec.doc, expected, envKind: 'string' }, spec.default);
}

/** A string checked (and possibly normalised) by `check`; `expected` describes the accepted form. */
export function text<T>(expected: string, check: (text: string) => Checked<T>, spec: FieldSpec<string>) {
  return documented(checkedString(expected, check).prefault(spec.default), { description: spec.doc, expected, envKind: 'string' }, spec.default);
}

/** A list whose items are checked by `check`; from the environment, comma-separated or a JSON array. */
export function list<T>(itemExpected: string, check: (text: string) => Checked<T>, spec: FieldSpec<readonly string[]>) {
  const expected = `a list of ${itemExpected}`;
  const schema = z.array(checkedString(itemExpected, check), { error: expected });
  return documented(schema.prefault([...spec.default]), { description: spec.doc, expected, envKind: 'list' }, spec.default);
}

/** The object every section is: unknown keys are errors, and a missing section means "all defaults". */
export function section<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape, { error: 'a mapping of keys' });
}

export function anyText(text: string): Checked<string> {
  return { ok: true, value: text };
}
