import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { parse } from 'yaml';
import { validateObject } from '../validate.js';

/**
 * Validates custom resources against the CustomResourceDefinitions in this directory (README.md):
 * the served version's `openAPIV3Schema`, read as a strict API server reads it.
 *
 * - unknown fields are problems: every schema with `properties` and no `additionalProperties` gets
 *   `additionalProperties: false`, unless it sets `x-kubernetes-preserve-unknown-fields`;
 * - `x-kubernetes-int-or-string` takes an integer or a string;
 * - `metadata`, which a CRD leaves as `type: object`, is checked against ObjectMeta of the Kubernetes
 *   OpenAPI documents beside this directory (through `validateObject`);
 * - CEL rules (`x-kubernetes-validations`) are not evaluated.
 */

/** One line per problem: `"<json path>: <message>"`, with `$` as the object itself. */
export type Problems = readonly string[];

const DIRECTORY = fileURLToPath(new URL('./', import.meta.url));

/** The JSON Schema keywords a structural CRD schema may use; anything else fails loudly, so a newer CRD cannot be half-read. */
const KEYWORDS = new Set([
  'type',
  'properties',
  'additionalProperties',
  'items',
  'required',
  'enum',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
  'anyOf',
  'allOf',
  'oneOf',
  'not',
  'nullable',
]);

/** Annotations only: documentation, defaults the server applies, list and map metadata for merging. */
const IGNORED = new Set(['description', 'default', 'example', 'title']);

interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly schema?: { readonly openAPIV3Schema?: unknown };
}

interface Crd {
  readonly kind?: string;
  readonly spec: { readonly group: string; readonly names: { readonly kind: string }; readonly versions: readonly CrdVersion[] };
}

/** `apiVersion kind` → the converted schema of each served version, read once. */
let schemas: ReadonlyMap<string, unknown> | undefined;
const validators = new Map<string, ValidateFunction>();
let ajvInstance: Ajv | undefined;

/**
 * CRD patterns are Go (RE2) regular expressions. The one RE2 form these CRDs use that JavaScript
 * lacks is a leading flag group, `^(?i)(abort|warn)?$`: it becomes the RegExp's flags. Any other
 * difference fails loudly when the pattern is compiled.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    const leading = /^(\^?)\(\?([ims]+)\)/.exec(pattern);
    if (leading === null) return new RegExp(pattern, flags);
    return new RegExp(`${leading[1] ?? ''}${pattern.slice(leading[0].length)}`, `${flags}${leading[2] ?? ''}`);
  },
  { code: 'goRegExp' },
);

function ajv(): Ajv {
  if (ajvInstance !== undefined) return ajvInstance;
  const instance = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true, verbose: true, code: { regExp: goRegExp } });
  // ajv-formats is CommonJS: under NodeNext its default import is `module.exports`, which also carries `.default`.
  ajvFormats.default(instance, ['int32', 'int64', 'date-time']);
  ajvInstance = instance;
  return instance;
}

function loadSchemas(): ReadonlyMap<string, unknown> {
  if (schemas !== undefined) return schemas;
  const loaded = new Map<string, unknown>();
  for (const file of readdirSync(DIRECTORY).filter((name) => name.endsWith('.yaml')).sort()) {
    const crd = parse(readFileSync(`${DIRECTORY}${file}`, 'utf8')) as Crd;
    if (crd.kind !== 'CustomResourceDefinition') throw new Error(`${file} is not a CustomResourceDefinition`);
    for (const version of crd.spec.versions) {
      const schema = version.schema?.openAPIV3Schema;
      if (!version.served || schema === undefined) continue;
      loaded.set(`${crd.spec.group}/${version.name} ${crd.spec.names.kind}`, toJsonSchema(schema, `${file} ${version.name}`));
    }
  }
  schemas = loaded;
  return loaded;
}

/** A copy of one structural schema as strict JSON Schema for Ajv. */
function toJsonSchema(schema: unknown, where: string): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) throw new Error(`${where}: a schema must be an object`);
  const source = schema as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (IGNORED.has(key) || key.startsWith('x-kubernetes-')) continue;
    if (!KEYWORDS.has(key)) throw new Error(`${where}: keyword ${key} is not handled by validate.ts`);
    if (key === 'properties') {
      result.properties = Object.fromEntries(Object.entries(value as object).map(([field, sub]) => [field, toJsonSchema(sub, `${where}.${field}`)]));
    } else if (key === 'items' || key === 'not' || (key === 'additionalProperties' && typeof value === 'object')) {
      result[key] = toJsonSchema(value, `${where}[${key}]`);
    } else if (key === 'anyOf' || key === 'allOf' || key === 'oneOf') {
      result[key] = (value as unknown[]).map((sub, index) => toJsonSchema(sub, `${where}.${key}[${index}]`));
    } else {
      result[key] = value;
    }
  }
  if (source['x-kubernetes-int-or-string'] === true) {
    // Written as anyOf [integer, string] by controller-gen; one union type says the same to Ajv.
    delete result.anyOf;
    result.type = ['integer', 'string'];
  }
  if (source.properties !== undefined && source.additionalProperties === undefined && source['x-kubernetes-preserve-unknown-fields'] !== true) {
    result.additionalProperties = false;
  }
  return result;
}

/** The `apiVersion kind` pairs the CRDs here define, e.g. `monitoring.coreos.com/v1 ServiceMonitor`. */
export function customKinds(): readonly string[] {
  return [...loadSchemas().keys()];
}

/** True when `apiVersion` + `kind` is defined by one of the CRDs here. */
export function isCustomKind(apiVersion: unknown, kind: unknown): boolean {
  return loadSchemas().has(`${String(apiVersion)} ${String(kind)}`);
}

/** Validates a whole custom resource: its own `apiVersion` and `kind` pick the CRD. */
export function validateCustomResource(object: unknown): Problems {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return ['$: must be an object'];
  const { apiVersion, kind, metadata } = object as { apiVersion?: unknown; kind?: unknown; metadata?: unknown };
  const key = `${String(apiVersion)} ${String(kind)}`;
  const schema = loadSchemas().get(key);
  if (schema === undefined) return [`$: no CRD here defines ${key} (known: ${customKinds().join(', ')})`];
  let validate = validators.get(key);
  if (validate === undefined) {
    validate = ajv().compile(schema as object);
    validators.set(key, validate);
  }
  const problems = validate(object) ? [] : (validate.errors ?? []).map((error) => problem(error));
  if (metadata === undefined) return [...problems, '$.metadata: is required'];
  // ObjectMeta, through a ConfigMap that has nothing but metadata (every other ConfigMap field is optional).
  const metadataProblems = validateObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata }).filter((line) => line.startsWith('$.metadata'));
  return [...problems, ...metadataProblems];
}

function problem(error: ErrorObject): string {
  const path = `$${error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : /^[A-Za-z_$][\w$]*$/.test(segment) ? `.${segment}` : `['${segment}']`))
    .join('')}`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${path}.${String(params.missingProperty)}: is required`;
    case 'additionalProperties':
      return `${path}.${String(params.additionalProperty)}: unknown field`;
    case 'enum':
      return `${path}: must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}, got ${JSON.stringify(error.data)}`;
    default:
      return `${path}: ${error.message ?? error.keyword}, got ${JSON.stringify(error.data)}`;
  }
}
