/**
 * The object store behind the fake API server: one global resourceVersion counter (CONTRACT §5),
 * deep copies in and out, a bounded change history for watch resumption, and synchronous
 * listeners. The HTTP layer adds the per-verb rules (status subresource, PUT preconditions of
 * each kind); this class holds the rules every writer shares, simulated controllers included.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { alreadyExists, conflict, invalid, notFound, StoreError } from './errors.js';
import { applyCreateDefaults } from './defaults.js';
import { apiVersionOf, infoOf, type Resource } from './resources.js';

export { StoreError } from './errors.js';
export type { Resource } from './resources.js';

export interface OwnerReference { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }
export interface ObjectMeta {
  name?: string; generateName?: string; namespace?: string; uid?: string; resourceVersion?: string;
  generation?: number; creationTimestamp?: string; labels?: Record<string, string>; annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[]; [field: string]: unknown;
}
export interface KubeObject { apiVersion: string; kind: string; metadata: ObjectMeta; [field: string]: unknown }
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface Change { readonly type: ChangeType; readonly resource: Resource; readonly object: KubeObject; readonly resourceVersion: number; readonly previous?: KubeObject }

/** Default number of changes kept for watch resumption; the watch cache keeps at least 100 (CONTRACT §5). */
export const DEFAULT_HISTORY_LIMIT = 1000;

const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `creationTimestamp` is a `Time`: RFC 3339 without fraction (CONTRACT §7). */
export function timeNow(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function keyOf(resource: Resource, namespace: string | undefined, name: string): string {
  return `${resource}/${infoOf(resource).namespaced ? namespace ?? '' : ''}/${name}`;
}

function compareObjects(a: KubeObject, b: KubeObject): number {
  const byteOrder = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return byteOrder(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || byteOrder(a.metadata.name ?? '', b.metadata.name ?? '');
}

export class Store {
  readonly #objects = new Map<string, KubeObject>();
  readonly #history: Change[] = [];
  readonly #historyLimit: number;
  readonly #listeners = new Set<(change: Change) => void>();
  /** Changes published but not yet delivered: keeps delivery in RV order when a listener writes. */
  readonly #pending: Change[] = [];
  #dispatching = false;
  #resourceVersion = 1;
  /** `changesSince(rv)` is complete for every rv >= this value. */
  #oldestResumable = 1;

  constructor(options: { historyLimit?: number } = {}) {
    this.#historyLimit = Math.max(1, options.historyLimit ?? DEFAULT_HISTORY_LIMIT);
  }

  get currentResourceVersion(): number {
    return this.#resourceVersion;
  }

  get(resource: Resource, namespace: string | undefined, name: string): KubeObject | undefined {
    const stored = this.#objects.get(keyOf(resource, namespace, name));
    return stored === undefined ? undefined : structuredClone(stored);
  }

  list(resource: Resource, namespace?: string): KubeObject[] {
    const prefix = `${resource}/${namespace === undefined ? '' : `${namespace}/`}`;
    const items: KubeObject[] = [];
    for (const [key, object] of this.#objects) if (key.startsWith(prefix)) items.push(structuredClone(object));
    return items.sort(compareObjects);
  }

  /**
   * The stored objects themselves, sorted like `list`, without copying them: for serving lists, where
   * copying a whole collection for every page made a paged list of thousands of objects quadratic.
   * Read-only: a write replaces a stored object, never changes it, so what this returns stays as it
   * was; callers must not change it either.
   */
  view(resource: Resource, namespace?: string): readonly KubeObject[] {
    const prefix = `${resource}/${namespace === undefined ? '' : `${namespace}/`}`;
    const items: KubeObject[] = [];
    for (const [key, object] of this.#objects) if (key.startsWith(prefix)) items.push(object);
    return items.sort(compareObjects);
  }

  create(resource: Resource, object: KubeObject): KubeObject {
    const info = infoOf(resource);
    const draft = structuredClone(object);
    const metadata: ObjectMeta = { ...draft.metadata };
    if (info.namespaced) {
      if (metadata.namespace === undefined || metadata.namespace === '') throw new StoreError(400, 'BadRequest', 'the server could not find the requested resource: namespace is required');
      if (!this.#objects.has(keyOf('namespaces', undefined, metadata.namespace))) throw notFound('namespaces', metadata.namespace);
    } else {
      delete metadata.namespace;
    }
    if ((metadata.name === undefined || metadata.name === '') && metadata.generateName !== undefined && metadata.generateName !== '') {
      do metadata.name = generatedName(metadata.generateName);
      while (this.#objects.has(keyOf(resource, metadata.namespace, metadata.name)));
    }
    const name = metadata.name ?? '';
    if (name === '') throw invalid(resource, '', [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
    if (this.#objects.has(keyOf(resource, metadata.namespace, name))) throw alreadyExists(resource, name);
    const rv = this.#resourceVersion + 1;
    metadata.uid = randomUUID();
    metadata.resourceVersion = String(rv);
    metadata.creationTimestamp = timeNow();
    if (info.tracksGeneration) metadata.generation = 1;
    else delete metadata.generation;
    if (resource === 'namespaces') metadata.labels = { ...metadata.labels, 'kubernetes.io/metadata.name': name };
    const stored: KubeObject = { ...draft, apiVersion: apiVersionOf(info), kind: info.kind, metadata };
    applyCreateDefaults(resource, stored);
    return this.#write('ADDED', resource, stored, undefined);
  }

  update(resource: Resource, object: KubeObject, options: { requireResourceVersion?: boolean } = {}): KubeObject {
    const { namespace, name = '', resourceVersion } = object.metadata;
    const previous = this.#objects.get(keyOf(resource, namespace, name));
    if (previous === undefined) throw notFound(resource, name);
    if (resourceVersion === undefined || resourceVersion === '') {
      if (options.requireResourceVersion === true) {
        throw invalid(resource, name, [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }]);
      }
    } else if (resourceVersion !== previous.metadata.resourceVersion) {
      throw conflict(resource, name);
    }
    return this.#replace(resource, previous, structuredClone(object));
  }

  modify(resource: Resource, namespace: string | undefined, name: string, change: (draft: KubeObject) => void): KubeObject {
    const previous = this.#objects.get(keyOf(resource, namespace, name));
    if (previous === undefined) throw notFound(resource, name);
    const draft = structuredClone(previous);
    change(draft);
    return this.#replace(resource, previous, draft);
  }

  delete(resource: Resource, namespace: string | undefined, name: string): KubeObject {
    const key = keyOf(resource, namespace, name);
    const previous = this.#objects.get(key);
    if (previous === undefined) throw notFound(resource, name);
    if (resource === 'namespaces') {
      for (const [other, object] of [...this.#objects]) {
        if (object.metadata.namespace === name && other !== key) this.#remove(other, resourceOfKey(other), object);
      }
    }
    return this.#remove(key, resource, previous);
  }

  subscribe(listener: (change: Change) => void): () => void {
    const own = (change: Change): void => listener(change);
    this.#listeners.add(own);
    return () => { this.#listeners.delete(own); };
  }

  /** Changes with RV > `resourceVersion`, oldest first; 'expired' when some were already dropped. */
  changesSince(resourceVersion: number): readonly Change[] | 'expired' {
    if (resourceVersion < this.#oldestResumable) return 'expired';
    let first = this.#history.length;
    while (first > 0 && (this.#history[first - 1]?.resourceVersion ?? 0) > resourceVersion) first--;
    return this.#history.slice(first);
  }

  /** Identity, creation time and the kind are the server's, whatever the writer sent. */
  #replace(resource: Resource, previous: KubeObject, next: KubeObject): KubeObject {
    const info = infoOf(resource);
    next.apiVersion = apiVersionOf(info);
    next.kind = info.kind;
    next.metadata = {
      ...next.metadata,
      name: previous.metadata.name,
      uid: previous.metadata.uid,
      creationTimestamp: previous.metadata.creationTimestamp,
      resourceVersion: previous.metadata.resourceVersion,
    };
    if (info.namespaced) next.metadata.namespace = previous.metadata.namespace;
    else delete next.metadata.namespace;
    if (resource === 'namespaces') next.metadata.labels = { ...next.metadata.labels, 'kubernetes.io/metadata.name': previous.metadata.name ?? '' };
    if (info.tracksGeneration) {
      const changed = !isDeepStrictEqual(next.spec, previous.spec) || !isDeepStrictEqual(next.metadata.annotations, previous.metadata.annotations);
      next.metadata.generation = (previous.metadata.generation ?? 1) + (changed ? 1 : 0);
    } else {
      delete next.metadata.generation;
    }
    // A write that changes nothing is a no-op: no new RV, no event (as the real registry).
    if (isDeepStrictEqual(next, previous)) return structuredClone(previous);
    next.metadata.resourceVersion = String(this.#resourceVersion + 1);
    return this.#write('MODIFIED', resource, next, previous);
  }

  #remove(key: string, resource: Resource, previous: KubeObject): KubeObject {
    this.#objects.delete(key);
    const last = structuredClone(previous);
    last.metadata.resourceVersion = String(this.#resourceVersion + 1);
    return this.#write('DELETED', resource, last, previous);
  }

  #write(type: ChangeType, resource: Resource, object: KubeObject, previous: KubeObject | undefined): KubeObject {
    this.#resourceVersion += 1;
    if (type !== 'DELETED') this.#objects.set(keyOf(resource, object.metadata.namespace, object.metadata.name ?? ''), object);
    // Changes are shared by every listener and by the history that watches resume from: deeply frozen.
    const change: Change = deepFreeze({ type, resource, object: structuredClone(object), resourceVersion: this.#resourceVersion, ...(previous === undefined ? {} : { previous: structuredClone(previous) }) });
    this.#history.push(change);
    while (this.#history.length > this.#historyLimit) {
      const dropped = this.#history.shift();
      if (dropped !== undefined) this.#oldestResumable = dropped.resourceVersion;
    }
    this.#publish(change);
    return structuredClone(object);
  }

  /** Listeners run synchronously; writes made by a listener are delivered after the current change, to everyone, in RV order. */
  #publish(change: Change): void {
    this.#pending.push(change);
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      for (let next = this.#pending.shift(); next !== undefined; next = this.#pending.shift()) {
        for (const listener of [...this.#listeners]) {
          // A failing listener must not starve the others (or the watches) of this change: its error surfaces on its own.
          try { listener(next); } catch (error) { queueMicrotask(() => { throw error; }); }
        }
      }
    } finally {
      this.#dispatching = false;
      this.#pending.length = 0;
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function resourceOfKey(key: string): Resource {
  return key.slice(0, key.indexOf('/')) as Resource;
}

/** `generateName` plus five random characters, as the registry's `SimpleNameGenerator`. */
export function generatedName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_SUFFIX_ALPHABET[Math.floor(Math.random() * NAME_SUFFIX_ALPHABET.length)] ?? 'x';
  return prefix + suffix;
}
