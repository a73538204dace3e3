/**
 * Strategic merge patch (CONTRACT §7, §12.5, §14) driven by the OpenAPI `x-kubernetes-patch-strategy`
 * and `x-kubernetes-patch-merge-key` of each field: lists with strategy `merge` and a merge key are
 * merged element by element (containers by `name`, ports by `containerPort`, …); `merge` lists of
 * primitives are unions; every other list is replaced; maps merge recursively; `null` deletes.
 * Directives: `$patch: replace|delete` (maps and list elements), `$retainKeys`,
 * `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`.
 */
import { badRequest } from './errors.js';
import { isObject } from './http-util.js';
import { resolveSchema, schemaOfKind, type Schema } from './openapi.js';

type Json = Record<string, unknown>;

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const result: Json = {};
  for (const [key, inner] of Object.entries(value)) if (!key.startsWith('$')) result[key] = stripDirectives(inner);
  return result;
}

class Merger {
  constructor(private readonly schemas: Record<string, Schema>) {}

  property(schema: Schema | undefined, key: string): Schema | undefined {
    const resolved = resolveSchema(schema, this.schemas);
    if (resolved === undefined) return undefined;
    const properties = resolved.properties as Record<string, Schema> | undefined;
    return properties?.[key] ?? (isObject(resolved.additionalProperties) ? resolved.additionalProperties : undefined);
  }

  /** undefined: the map is deleted (`$patch: delete`). */
  mergeMap(original: unknown, patch: Json, schema: Schema | undefined): Json | undefined {
    if (patch.$patch === 'delete') return undefined;
    if (patch.$patch === 'replace') return stripDirectives(patch) as Json;
    if (patch.$patch !== undefined) throw badRequest(`Unknown patch type: ${JSON.stringify(patch.$patch)}`);
    const result: Json = isObject(original) ? structuredClone(original) : {};
    const orders: [string, unknown[]][] = [];
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith(SET_ORDER)) { if (Array.isArray(value)) orders.push([key.slice(SET_ORDER.length), value]); continue; }
      if (key.startsWith(DELETE_FROM)) {
        const field = key.slice(DELETE_FROM.length);
        const list = result[field];
        if (Array.isArray(list) && Array.isArray(value)) result[field] = list.filter((item) => !value.some((v) => JSON.stringify(v) === JSON.stringify(item)));
        continue;
      }
      if (key === '$retainKeys' || key === '$patch') continue;
      if (value === null) { delete result[key]; continue; }
      const fieldSchema = this.property(schema, key);
      if (isObject(value)) {
        const merged = this.mergeMap(result[key], value, fieldSchema);
        if (merged === undefined) delete result[key];
        else result[key] = merged;
      } else if (Array.isArray(value)) {
        result[key] = this.mergeList(result[key], value, fieldSchema);
      } else {
        result[key] = value;
      }
    }
    for (const [field, order] of orders) this.applyOrder(result, field, order, this.property(schema, field));
    if (Array.isArray(patch.$retainKeys)) {
      const retain = new Set(patch.$retainKeys as unknown[]);
      for (const key of Object.keys(result)) if (!retain.has(key)) delete result[key];
    }
    return result;
  }

  mergeList(original: unknown, patch: unknown[], schema: Schema | undefined): unknown[] {
    const strategy = schema?.['x-kubernetes-patch-strategy'];
    const strategies = typeof strategy === 'string' ? strategy.split(',') : [];
    if (!strategies.includes('merge') || !Array.isArray(original)) return stripDirectives(patch.filter((e) => !(isObject(e) && e.$patch === 'delete'))) as unknown[];
    const mergeKey = schema?.['x-kubernetes-patch-merge-key'];
    if (typeof mergeKey !== 'string') {
      const result = [...original];
      for (const item of patch) if (!result.some((r) => JSON.stringify(r) === JSON.stringify(item))) result.push(item);
      return result;
    }
    const itemSchema = resolveSchema(schema?.items as Schema | undefined, this.schemas);
    let result = structuredClone(original);
    for (const element of patch) {
      if (!isObject(element)) throw badRequest(`unable to find api field in struct for the merge list: ${mergeKey}`);
      if (element.$patch === 'replace') return stripDirectives(patch.filter((e) => !(isObject(e) && e.$patch === 'replace'))) as unknown[];
      const index = result.findIndex((r) => isObject(r) && r[mergeKey] === element[mergeKey]);
      if (element.$patch === 'delete') {
        result = result.filter((r) => !(isObject(r) && r[mergeKey] === element[mergeKey]));
      } else if (index >= 0) {
        result[index] = this.mergeMap(result[index], element, itemSchema) ?? result[index];
      } else {
        result.push(stripDirectives(element));
      }
    }
    return result;
  }

  /** `$setElementOrder`: listed elements take the listed order; others keep their place after them. */
  applyOrder(result: Json, field: string, order: unknown[], schema: Schema | undefined): void {
    const list: unknown = result[field];
    if (!Array.isArray(list)) return;
    const mergeKey = schema?.['x-kubernetes-patch-merge-key'];
    const identity = (item: unknown): string => JSON.stringify(typeof mergeKey === 'string' && isObject(item) ? item[mergeKey] : item);
    const rank = new Map(order.map((item, i) => [identity(item), i]));
    result[field] = (list as unknown[])
      .map((item, i) => ({ item, i, r: rank.get(identity(item)) ?? order.length + i }))
      .sort((a, b) => a.r - b.r)
      .map((x) => x.item);
  }
}

/** Applies a strategic merge patch to an object of `apiVersion`/`kind`; unknown kinds merge like JSON merge patch with list replacement. */
export function applyStrategicMergePatch(original: Json, patch: unknown, apiVersion: string, kind: string): Json {
  if (!isObject(patch)) throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
  const kindSchema = schemaOfKind(apiVersion, kind);
  const merger = new Merger(kindSchema?.schemas ?? {});
  return merger.mergeMap(original, patch, kindSchema?.schema) ?? {};
}
