/**
 * The EndpointSlice controller: keeps the slices of every Service with a selector equal to what
 * `desiredSlices` says of the pods in the store (CONTRACT §4). Reads pods from the store, as the
 * real controller reads its informer, so it also sees pods it did not create. Slices are reused
 * (same name) across updates and written only when their content changed; a Service without a
 * selector is left alone; a deleted Service loses its slices (owner reference GC).
 */
import type { KubeObject } from '../fake-api/store.js';
import type { Context } from './context.js';
import { desiredSlices, endpointSliceObject, sameSlice, MANAGED_BY, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, type EndpointPod } from './endpoint-slices.js';
import { randomSuffix } from './names.js';
import { serviceSelects, type Condition, type Container, type ServiceSpec } from './shapes.js';

export class EndpointSliceController {
  readonly #ctx: Context;

  constructor(ctx: Context) {
    this.#ctx = ctx;
  }

  /** `namespace/name` of a Service. */
  reconcile(key: string): void {
    const [namespace = '', name = ''] = key.split('/');
    const { store, cache } = this.#ctx;
    const service = cache.get('services', namespace, name);
    const existing = this.#slicesOf(namespace, name);
    const spec = (service?.spec ?? {}) as ServiceSpec;
    if (service === undefined || Object.keys(spec.selector ?? {}).length === 0) {
      for (const slice of existing) this.#delete(slice);
      return;
    }
    const pods = cache
      .list('pods', namespace)
      .filter((pod) => serviceSelects(spec.selector, pod.metadata.labels))
      .map(endpointPod);
    const wanted = desiredSlices(name, spec, pods);
    wanted.forEach((content, i) => {
      const slice = existing[i];
      const sliceName = slice?.metadata.name ?? this.#newName(namespace, name);
      const object = endpointSliceObject(service, sliceName, content);
      if (slice === undefined) {
        store.create('endpointslices', object);
      } else if (!sameSlice(slice, object)) {
        store.modify('endpointslices', namespace, sliceName, (draft) => {
          draft.metadata.labels = object.metadata.labels;
          draft.addressType = object.addressType;
          draft.endpoints = object.endpoints;
          draft.ports = object.ports;
        });
      }
    });
    for (const extra of existing.slice(wanted.length)) this.#delete(extra);
  }

  /** The slices this controller manages for a Service, oldest name first. */
  #slicesOf(namespace: string, service: string): KubeObject[] {
    return this.#ctx.cache
      .list('endpointslices', namespace)
      .filter((slice) => slice.metadata.labels?.[SERVICE_NAME_LABEL] === service && slice.metadata.labels[MANAGED_BY_LABEL] === MANAGED_BY)
      .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  }

  #newName(namespace: string, service: string): string {
    for (;;) {
      const name = `${service}-${randomSuffix()}`;
      if (this.#ctx.cache.get('endpointslices', namespace, name) === undefined) return name;
    }
  }

  #delete(slice: KubeObject): void {
    try {
      this.#ctx.store.delete('endpointslices', slice.metadata.namespace, slice.metadata.name ?? '');
    } catch {
      // Gone already.
    }
  }
}

function endpointPod(pod: KubeObject): EndpointPod {
  const spec = (pod.spec ?? {}) as { nodeName?: string; hostname?: string; subdomain?: string; containers?: Container[] };
  const status = (pod.status ?? {}) as { podIP?: string; phase?: string; conditions?: Condition[] };
  const finished = status.phase === 'Succeeded' || status.phase === 'Failed';
  return {
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? '',
    uid: pod.metadata.uid ?? '',
    ip: finished ? undefined : status.podIP,
    nodeName: spec.nodeName,
    hostname: spec.hostname,
    subdomain: spec.subdomain,
    containers: spec.containers ?? [],
    ready: (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    terminating: pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null,
  };
}
