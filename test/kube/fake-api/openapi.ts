/**
 * The OpenAPI v3 documents in `test/kube/openapi/` (CONTRACT §14): served as they are under
 * `/openapi/v3/<group-version path>`, and read for the `x-kubernetes-patch-*` keys that drive
 * strategic merge patch. Each document is read once, on first use.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Schema = Record<string, unknown>;

const DIRECTORY = fileURLToPath(new URL('../openapi/', import.meta.url));
const SCHEMA_PREFIX = '#/components/schemas/';

/** `apis__apps__v1_openapi.json` → `apis/apps/v1`. */
const FILE_OF_PATH: ReadonlyMap<string, string> = new Map(readdirSync(DIRECTORY)
  .filter((file) => file.endsWith('_openapi.json'))
  .map((file) => [file.slice(0, -'_openapi.json'.length).split('__').join('/'), file]));

const raw = new Map<string, Buffer>();
const parsed = new Map<string, { schemas: Record<string, Schema> }>();

export function openApiDocument(path: string): Buffer | undefined {
  const file = FILE_OF_PATH.get(path);
  if (file === undefined) return undefined;
  let bytes = raw.get(path);
  if (bytes === undefined) {
    bytes = readFileSync(DIRECTORY + file);
    raw.set(path, bytes);
  }
  return bytes;
}

let rootCache: unknown;

/** The `/openapi/v3` discovery document: each group-version with a content hash in its URL. */
export function openApiRoot(): unknown {
  rootCache ??= {
    paths: Object.fromEntries([...FILE_OF_PATH.keys()].sort().map((path) => {
      const hash = createHash('sha512').update(openApiDocument(path) ?? '').digest('hex').toUpperCase().slice(0, 128);
      return [path, { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` }];
    })),
  };
  return rootCache;
}

function schemasOf(path: string): Record<string, Schema> {
  let doc = parsed.get(path);
  if (doc === undefined) {
    const json = JSON.parse((openApiDocument(path) ?? Buffer.from('{}')).toString('utf8')) as { components?: { schemas?: Record<string, Schema> } };
    doc = { schemas: json.components?.schemas ?? {} };
    parsed.set(path, doc);
  }
  return doc.schemas;
}

/** The schema of a kind, with `$ref`s resolvable through `resolveSchema` against the same document. */
export interface KindSchema { readonly schema: Schema; readonly schemas: Record<string, Schema> }

export function schemaOfKind(apiVersion: string, kind: string): KindSchema | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const preferred = group === '' ? `api/${version}` : `apis/${group}/${version}`;
  const paths = [preferred, ...[...FILE_OF_PATH.keys()].filter((p) => p !== preferred)];
  for (const path of paths) {
    if (!FILE_OF_PATH.has(path)) continue;
    const schemas = schemasOf(path);
    for (const schema of Object.values(schemas)) {
      const gvks = schema['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined;
      if (gvks?.some((g) => g.group === (group ?? '') && g.version === version && g.kind === kind) === true) return { schema, schemas };
    }
  }
  return undefined;
}

/** Follows `$ref` and single-element `allOf` wrappers to the schema with the fields. */
export function resolveSchema(schema: Schema | undefined, schemas: Record<string, Schema>): Schema | undefined {
  let current = schema;
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    const ref = current.$ref;
    const allOf = current.allOf as Schema[] | undefined;
    if (typeof ref === 'string' && ref.startsWith(SCHEMA_PREFIX)) current = schemas[ref.slice(SCHEMA_PREFIX.length)];
    else if (allOf?.length === 1) current = allOf[0];
    else return current;
  }
  return current;
}
