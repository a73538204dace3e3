import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';

/**
 * Validates Kubernetes objects against the upstream OpenAPI v3 documents in this directory
 * (release-1.34, see README.md), the way a strict API server would judge them:
 *
 * - the schema is chosen by `apiVersion` + `kind` through `x-kubernetes-group-version-kind`;
 *   an apiVersion or kind those documents do not define is a problem;
 * - unknown fields are problems (the server's strict field validation, `kubectl apply
 *   --validate=strict`): every schema with `properties` and no `additionalProperties` gets
 *   `additionalProperties: false`, unless it sets `x-kubernetes-preserve-unknown-fields`;
 * - `required`, types and the formats the server enforces while decoding (`int32`, `int64`,
 *   `double`, `byte`, `date-time` as Go's RFC 3339, MicroTime with exactly six fractional digits,
 *   int-or-string, Quantity) are checked;
 * - `null` is accepted nowhere the schema does not allow it, except the one deviation real servers
 *   are documented to show (see NULLABLE_BY_REAL_SERVERS).
 *
 * Not checked: semantic validation done by the server's Go code (name syntax, label value length,
 * uniqueness of `x-kubernetes-list-type: map` keys, cross-field rules).
 *
 * Each document is read once, when the first object of one of its apiVersions is validated, and
 * each kind is compiled once, on first use.
 */

/** One line per problem: `"<json path>: <message>"`, with `$` as the object itself. */
export type Problems = readonly string[];

const DIRECTORY = fileURLToPath(new URL('./', import.meta.url));

/** The document that defines each apiVersion's kinds. */
const DOCUMENT_OF_API_VERSION: ReadonlyMap<string, string> = new Map([
  ['v1', 'api__v1_openapi.json'],
  ['apps/v1', 'apis__apps__v1_openapi.json'],
  // Scale is served under apps/v1 (deployments/scale, statefulsets/scale) with apiVersion autoscaling/v1.
  ['autoscaling/v1', 'apis__apps__v1_openapi.json'],
  ['autoscaling/v2', 'apis__autoscaling__v2_openapi.json'],
  ['batch/v1', 'apis__batch__v1_openapi.json'],
  ['coordination.k8s.io/v1', 'apis__coordination.k8s.io__v1_openapi.json'],
  ['discovery.k8s.io/v1', 'apis__discovery.k8s.io__v1_openapi.json'],
  ['networking.k8s.io/v1', 'apis__networking.k8s.io__v1_openapi.json'],
  ['policy/v1', 'apis__policy__v1_openapi.json'],
  ['rbac.authorization.k8s.io/v1', 'apis__rbac.authorization.k8s.io__v1_openapi.json'],
]);

/**
 * Fields that real API servers emit as `null` although the schema says they are arrays (and, for
 * `endpoints`, required). CONTRACT §4: an EndpointSlice of a Service with zero backing pods — the
 * scaled-to-zero case the proxy lives in — is served as `"endpoints": null, "ports": null`
 * (kubernetes/kubernetes#135968, recorded EndpointSliceList). The fake API server must be able to
 * serve exactly that, so these two fields, and no others, accept `null`. `endpoints` stays
 * required: a slice without the key is still a problem.
 */
const NULLABLE_BY_REAL_SERVERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['io.k8s.api.discovery.v1.EndpointSlice', ['endpoints', 'ports']],
]);

const SCHEMAS = '#/components/schemas/';

/**
 * Go's `resource.ParseQuantity` grammar: a signed decimal number and an optional binary-SI,
 * decimal-SI or exponent suffix ("100m", "1.5", "64Mi", "1e3").
 */
const QUANTITY = '^[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?$';

/**
 * Schemas whose JSON form the server decodes with its own Go code rather than by their OpenAPI
 * shape; replaced by what that code accepts.
 */
const REPLACED: ReadonlyMap<string, SchemaObject> = new Map<string, SchemaObject>([
  // `format: int-or-string` is `x-kubernetes-int-or-string: true`: an int32 or any string.
  ['io.k8s.apimachinery.pkg.util.intstr.IntOrString', { type: ['integer', 'string'], format: 'int32' }],
  ['io.k8s.apimachinery.pkg.api.resource.Quantity', { type: ['string', 'number'], pattern: QUANTITY }],
  // metav1.Time parses time.RFC3339; metav1.MicroTime parses "2006-01-02T15:04:05.000000Z07:00" (CONTRACT §7).
  ['io.k8s.apimachinery.pkg.apis.meta.v1.Time', { type: 'string', format: 'k8s-time' }],
  ['io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime', { type: 'string', format: 'k8s-micro-time' }],
]);

const FORMAT_MESSAGES: Readonly<Record<string, string>> = {
  int32: 'must be an integer from -2147483648 to 2147483647',
  int64: 'must be a 64-bit integer',
  double: 'must be a number',
  byte: 'must be base64 (standard alphabet, padded)',
  'k8s-time': 'must be an RFC 3339 time such as "2026-01-02T15:04:05Z"',
  'k8s-micro-time': 'must be a MicroTime with exactly six fractional digits such as "2026-01-02T15:04:05.000000Z"',
};

interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

interface LoadedDocument {
  readonly id: string;
  /** `apiVersion kind` → schema name. */
  readonly kinds: ReadonlyMap<string, string>;
}

const documents = new Map<string, LoadedDocument>();
const validators = new Map<string, ValidateFunction>();
let ajvInstance: Ajv | undefined;

function ajv(): Ajv {
  if (ajvInstance !== undefined) return ajvInstance;
  const instance = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true, verbose: true });
  // ajv-formats is CommonJS: under NodeNext its default import is `module.exports`, which also carries `.default`.
  ajvFormats.default(instance, ['int32', 'int64', 'double', 'byte']);
  instance.addFormat('k8s-time', { type: 'string', validate: (value) => isRfc3339(value, 'any') });
  instance.addFormat('k8s-micro-time', { type: 'string', validate: (value) => isRfc3339(value, 'micro') });
  ajvInstance = instance;
  return instance;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?<fraction>\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** Go's `time.Parse(time.RFC3339, …)`, or of the RFC3339Micro layout (six fractional digits) when `fraction` is 'micro'. */
function isRfc3339(value: string, fraction: 'any' | 'micro'): boolean {
  const match = RFC3339.exec(value);
  if (match === null) return false;
  if (fraction === 'micro' && match.groups?.fraction?.length !== 7) return false;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, zoneHour = 0, zoneMinute = 0] = [1, 2, 3, 4, 5, 6, 8, 9].map((group) =>
    Number(match[group] ?? 0),
  );
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60 && zoneHour < 24 && zoneMinute < 60;
}

/** A copy of one OpenAPI schema as strict JSON Schema (draft-07) for Ajv. */
function toJsonSchema(schema: unknown, name: string | undefined): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, undefined));
  if (schema === null || typeof schema !== 'object') return schema;
  const replaced = name === undefined ? undefined : REPLACED.get(name);
  if (replaced !== undefined) return { ...replaced };
  const source = schema as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    // Annotations only: documentation, defaults the server applies, and the x-kubernetes-* patch metadata.
    if (key === 'description' || key === 'default' || key.startsWith('x-kubernetes-')) continue;
    if (key === '$ref' && typeof value === 'string') {
      if (!value.startsWith(SCHEMAS)) throw new Error(`unexpected $ref ${value}`);
      result.$ref = `#/definitions/${value.slice(SCHEMAS.length)}`;
    } else if (key === 'properties' && value !== null && typeof value === 'object') {
      result.properties = Object.fromEntries(Object.entries(value).map(([field, sub]) => [field, toJsonSchema(sub, undefined)]));
    } else {
      result[key] = toJsonSchema(value, undefined);
    }
  }
  if (source.properties !== undefined && source.additionalProperties === undefined && source['x-kubernetes-preserve-unknown-fields'] !== true) {
    result.additionalProperties = false;
  }
  const nullable = name === undefined ? undefined : NULLABLE_BY_REAL_SERVERS.get(name);
  for (const field of nullable ?? []) {
    const property = (result.properties as Record<string, Record<string, unknown>> | undefined)?.[field];
    if (property === undefined) throw new Error(`${name} has no property ${field}`);
    property.nullable = true;
  }
  return result;
}

function load(file: string): LoadedDocument {
  const cached = documents.get(file);
  if (cached !== undefined) return cached;
  const parsed = JSON.parse(readFileSync(`${DIRECTORY}${file}`, 'utf8')) as { components: { schemas: Record<string, Record<string, unknown>> } };
  const definitions: Record<string, unknown> = {};
  const kinds = new Map<string, string>();
  for (const [name, schema] of Object.entries(parsed.components.schemas)) {
    definitions[name] = toJsonSchema(schema, name);
    const gvks = (schema['x-kubernetes-group-version-kind'] ?? []) as readonly GroupVersionKind[];
    for (const { group, version, kind } of gvks) kinds.set(`${group === '' ? '' : `${group}/`}${version} ${kind}`, name);
  }
  const id = `https://wakegate.invalid/openapi/${file}`;
  ajv().addSchema({ $id: id, definitions }, id);
  const loaded = { id, kinds };
  documents.set(file, loaded);
  return loaded;
}

/** The compiled validator of `apiVersion` + `kind`, or why there is none. */
function validatorOf(apiVersion: string, kind: string): ValidateFunction | string {
  const key = `${apiVersion} ${kind}`;
  const cached = validators.get(key);
  if (cached !== undefined) return cached;
  const file = DOCUMENT_OF_API_VERSION.get(apiVersion);
  if (file === undefined) return `unknown apiVersion ${JSON.stringify(apiVersion)} (known: ${[...DOCUMENT_OF_API_VERSION.keys()].join(', ')})`;
  const document = load(file);
  const name = document.kinds.get(key);
  if (name === undefined) return `unknown kind ${JSON.stringify(kind)} in apiVersion ${JSON.stringify(apiVersion)}`;
  const validate = ajv().compile({ $ref: `${document.id}#/definitions/${name}` });
  validators.set(key, validate);
  return validate;
}

/** Validates a whole object: its own `apiVersion` and `kind` pick the schema. */
export function validateObject(object: unknown): Problems {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return [`$: must be an object, got ${describe(object)}`];
  const { apiVersion, kind } = object as { apiVersion?: unknown; kind?: unknown };
  const problems: string[] = [];
  if (typeof apiVersion !== 'string') problems.push(`$.apiVersion: ${apiVersion === undefined ? 'is required' : `must be string, got ${describe(apiVersion)}`}`);
  if (typeof kind !== 'string') problems.push(`$.kind: ${kind === undefined ? 'is required' : `must be string, got ${describe(kind)}`}`);
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return problems;
  const validate = validatorOf(apiVersion, kind);
  if (typeof validate === 'string') return [`$.${DOCUMENT_OF_API_VERSION.has(apiVersion) ? 'kind' : 'apiVersion'}: ${validate}`];
  return run(validate, object);
}

/**
 * Validates an object as `apiVersion` + `kind` whatever it says itself: for the items of a list,
 * which carry no `kind`/`apiVersion` (CONTRACT §4).
 */
export function validateAs(object: unknown, apiVersion: string, kind: string): Problems {
  const validate = validatorOf(apiVersion, kind);
  if (typeof validate === 'string') return [`$: ${validate}`];
  return run(validate, object);
}

function run(validate: ValidateFunction, object: unknown): Problems {
  if (validate(object)) return [];
  const errors = validate.errors ?? [];
  // A value of the wrong type also fails its format; the type is the problem worth reporting.
  const wrongType = new Set(errors.filter((error) => error.keyword === 'type').map((error) => error.instancePath));
  return errors.filter((error) => error.keyword !== 'format' || !wrongType.has(error.instancePath)).map((error) => problem(error, object));
}

function problem(error: ErrorObject, root: unknown): string {
  const path = jsonPath(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${child(path, String(params.missingProperty))}: is required`;
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties ?? {}) as object);
      const suggestion = closest(field, known);
      return `${child(path, field)}: unknown field${suggestion === undefined ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`}`;
    }
    case 'type': {
      const expected = Array.isArray(error.schema) ? error.schema.join(' or ') : String(error.schema);
      return `${path}: must be ${expected}, got ${describe(error.data)}`;
    }
    case 'format':
      return `${path}: ${FORMAT_MESSAGES[String(params.format)] ?? `must match format ${String(params.format)}`}, got ${describe(error.data)}`;
    case 'pattern':
      if (params.pattern === QUANTITY) return `${path}: must be a quantity such as "100m", "1.5" or "64Mi", got ${describe(error.data)}`;
      return `${path}: ${error.message ?? 'is invalid'}, got ${describe(error.data)}`;
    case 'enum':
      return `${path}: must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}, got ${describe(error.data)}`;
    default:
      return `${path}: ${error.message ?? error.keyword}`;
  }
}

/** An Ajv instance path (JSON Pointer) as a JSONPath: `$.spec.containers[0].image`, `$.metadata.labels['app.kubernetes.io/name']`. */
function jsonPath(pointer: string, root: unknown): string {
  let path = '$';
  let value = root;
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(value)) {
      path += `[${segment}]`;
      value = value[Number(segment)];
    } else {
      path = child(path, segment);
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

function child(path: string, field: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(field) ? `${path}.${field}` : `${path}['${field.replaceAll("'", "\\'")}']`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

/** The known field within edit distance 2 of a misspelled one, if exactly one is closest. */
function closest(field: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(field.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
