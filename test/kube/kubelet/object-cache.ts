/**
 * What the controllers' informers would hold: the latest state of Pods, Services and EndpointSlices
 * by namespace, kept from the store's change feed. Reading it costs nothing per object, where
 * `Store.list` copies and scans every object of the store — with thousands of pods, the
 * difference between linear and quadratic. Objects handed out are shared: read, never modify.
 */
import type { Change, KubeObject, Resource, Store } from '../fake-api/store.js';

export type CachedResource = 'pods' | 'services' | 'endpointslices';
const CACHED: ReadonlySet<Resource> = new Set<Resource>(['pods', 'services', 'endpointslices']);

export class ObjectCache {
  readonly #objects = new Map<string, Map<string, KubeObject>>();

  constructor(store: Store) {
    for (const resource of CACHED) for (const object of store.list(resource)) this.#put(resource as CachedResource, object);
  }

  /** Applies one change; must see every change of the store, in order. */
  apply(change: Change): void {
    if (!CACHED.has(change.resource)) return;
    const resource = change.resource as CachedResource;
    if (change.type === 'DELETED') {
      this.#objects.get(bucket(resource, change.object.metadata.namespace))?.delete(change.object.metadata.name ?? '');
    } else {
      this.#put(resource, change.object);
    }
  }

  get(resource: CachedResource, namespace: string, name: string): KubeObject | undefined {
    return this.#objects.get(bucket(resource, namespace))?.get(name);
  }

  list(resource: CachedResource, namespace: string): readonly KubeObject[] {
    return [...(this.#objects.get(bucket(resource, namespace))?.values() ?? [])];
  }

  #put(resource: CachedResource, object: KubeObject): void {
    const key = bucket(resource, object.metadata.namespace);
    let objects = this.#objects.get(key);
    if (objects === undefined) this.#objects.set(key, (objects = new Map<string, KubeObject>()));
    objects.set(object.metadata.name ?? '', object);
  }
}

function bucket(resource: CachedResource, namespace: string | undefined): string {
  return `${resource}/${namespace ?? ''}`;
}
