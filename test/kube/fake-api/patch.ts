/**
 * JSON patch (RFC 6902, pointers per RFC 6901 incl. `~0`/`~1`) and JSON merge patch (RFC 7386),
 * with the API server's errors (CONTRACT §7): an undecodable patch → 400; a JSON-patch operation
 * that fails (a `test` that does not hold, a path under a missing parent) → 422 Invalid,
 * "the server rejected our request due to an error in our request", `details: {}`.
 */
import { badRequest, StoreError } from './errors.js';
import { isObject } from './http-util.js';

/** The 422 of a failed JSON-patch operation: the operation's own message is not on the wire (`NewGenericServerResponse`). */
export function jsonPatchFailed(operationError: string): StoreError {
  const error = new StoreError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  error.cause = operationError;
  return error;
}

type Container = Record<string, unknown> | unknown[];

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw jsonPatchFailed(`invalid JSON pointer: ${pointer}`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(array: unknown[], token: string, allowEnd: boolean): number {
  if (allowEnd && token === '-') return array.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw jsonPatchFailed(`invalid array index: ${token}`);
  const index = Number(token);
  if (index > array.length || (!allowEnd && index === array.length)) throw jsonPatchFailed(`array index out of bounds: ${token}`);
  return index;
}

/** The container holding the last token of `path`; throws 422 when a parent is missing. */
function parentOf(document: unknown, tokens: string[]): { parent: Container; key: string } {
  let node: unknown = document;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = node[arrayIndex(node, token, false)];
    else if (isObject(node) && Object.hasOwn(node, token)) node = node[token];
    else throw jsonPatchFailed(`doc is missing path: ${token}`);
  }
  if (!Array.isArray(node) && !isObject(node)) throw jsonPatchFailed('doc is missing path');
  return { parent: node, key: tokens[tokens.length - 1] ?? '' };
}

function getAt(document: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return document;
  const { parent, key } = parentOf(document, tokens);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, key, false)];
  if (!Object.hasOwn(parent, key)) throw jsonPatchFailed(`doc is missing key: ${pointer}`);
  return parent[key];
}

function removeAt(document: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw jsonPatchFailed('cannot remove the whole document');
  const { parent, key } = parentOf(document, tokens);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, false), 1)[0];
  if (!Object.hasOwn(parent, key)) throw jsonPatchFailed(`unable to remove nonexistent key: ${key}: missing value`);
  const value = parent[key];
  delete parent[key];
  return value;
}

function addAt(document: unknown, pointer: string, value: unknown, replace: boolean): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(document, tokens);
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent, key, !replace);
    parent.splice(index, replace ? 1 : 0, value);
  } else {
    if (replace && !Object.hasOwn(parent, key)) throw jsonPatchFailed(`replace operation does not apply: doc is missing key: ${pointer}`);
    parent[key] = value;
  }
  return document;
}

export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = structuredClone(document);
  for (const op of patch) {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') throw jsonPatchFailed('invalid operation');
    switch (op.op) {
      case 'add': doc = addAt(doc, op.path, structuredClone(op.value), false); break;
      case 'replace': doc = addAt(doc, op.path, structuredClone(op.value), true); break;
      case 'remove': removeAt(doc, op.path); break;
      case 'move': {
        if (typeof op.from !== 'string') throw jsonPatchFailed('move operation has no from');
        const value = removeAt(doc, op.from);
        doc = addAt(doc, op.path, value, false);
        break;
      }
      case 'copy': {
        if (typeof op.from !== 'string') throw jsonPatchFailed('copy operation has no from');
        doc = addAt(doc, op.path, structuredClone(getAt(doc, op.from)), false);
        break;
      }
      case 'test': {
        if (JSON.stringify(canonical(getAt(doc, op.path))) !== JSON.stringify(canonical(op.value))) throw jsonPatchFailed(`testing value ${op.path} failed: test failed`);
        break;
      }
      default: throw jsonPatchFailed(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

/** Key order does not matter for `test` equality. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  return value;
}

/** RFC 7386: objects merge recursively, `null` deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
