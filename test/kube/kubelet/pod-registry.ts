/**
 * The pods the simulated cluster runs: created here from a workload's template (the API server's
 * defaults, a node picked round-robin, the ports the pod's process must listen on), found by
 * workload, and forgotten once the store has deleted them.
 */
import type { KubeObject } from '../fake-api/store.js';
import type { Context, WorkloadKey } from './context.js';
import type { Failure } from './failures.js';
import { randomSuffix } from './names.js';
import { newPodObject, NODES, type OwnerReference } from './pod-factory.js';
import { PodRecord } from './pod-lifecycle.js';
import { serviceSelects, type Container, type ServiceSpec, type WorkloadSpec } from './shapes.js';
import { durationAnnotation } from './start-delay.js';

export interface PodToCreate {
  readonly name: string;
  readonly generateName?: string;
  readonly revision: string;
  readonly ordinal: number | null;
  readonly owner: OwnerReference;
  readonly labels: Readonly<Record<string, string>>;
  readonly hostname?: { readonly hostname: string; readonly subdomain?: string };
}

export class PodRegistry {
  readonly #ctx: Context;
  /** Pods by `namespace/name`, and by workload in creation order. */
  readonly #pods = new Map<string, PodRecord>();
  readonly #byOwner = new Map<WorkloadKey, Set<PodRecord>>();
  #nextNode = 0;

  constructor(ctx: Context) {
    this.#ctx = ctx;
  }

  get all(): Iterable<PodRecord> {
    return this.#pods.values();
  }

  /** Pods of one workload, oldest first. */
  of(key: WorkloadKey): PodRecord[] {
    return [...(this.#byOwner.get(key) ?? [])];
  }

  /** Forgets a pod that is gone from the store; returns it if it was known. */
  forget(namespace: string, name: string): PodRecord | undefined {
    const record = this.#pods.get(`${namespace}/${name}`);
    if (record === undefined) return undefined;
    this.#pods.delete(`${namespace}/${name}`);
    const owned = this.#byOwner.get(record.init.owner);
    owned?.delete(record);
    if (owned?.size === 0) this.#byOwner.delete(record.init.owner);
    return record;
  }

  /** Every pod, for `close`; none is known afterwards. */
  takeAll(): PodRecord[] {
    const all = [...this.#pods.values()];
    this.#pods.clear();
    this.#byOwner.clear();
    return all;
  }

  /** `<prefix><5 chars>` not taken in the namespace (a ReplicaSet's pod name). */
  uniqueName(namespace: string, prefix: string): string {
    for (;;) {
      const name = `${prefix}${randomSuffix()}`;
      if (!this.#pods.has(`${namespace}/${name}`) && this.#ctx.cache.get('pods', namespace, name) === undefined) return name;
    }
  }

  /** Creates the Pod object in the store and starts driving it, failing as `failure` says. */
  create(key: WorkloadKey, workload: KubeObject, pod: PodToCreate, failure: Failure | null): void {
    const namespace = workload.metadata.namespace ?? '';
    const template = ((workload.spec ?? {}) as WorkloadSpec).template ?? {};
    const object = newPodObject({
      namespace,
      name: pod.name,
      template,
      labels: pod.labels,
      owner: pod.owner,
      ...(pod.generateName === undefined ? {} : { generateName: pod.generateName }),
      ...(pod.hostname === undefined ? {} : { hostname: pod.hostname }),
    });
    const containers = (object.spec as { containers?: Container[] }).containers ?? [];
    const labels = object.metadata.labels ?? {};
    const node = NODES[this.#nextNode++ % NODES.length] ?? NODES[0]!;
    const record = new PodRecord(this.#ctx, {
      namespace,
      name: pod.name,
      owner: key,
      revision: pod.revision,
      ordinal: pod.ordinal,
      labels,
      containers,
      ports: this.#ports(namespace, labels, containers),
      node,
      startDelayMs: durationAnnotation(workload, this.#ctx.options.startDelayMs),
      failure: failure === 'FailedCreate' ? null : failure,
    });
    if (record.failure !== 'Unschedulable') (object.spec as Record<string, unknown>).nodeName = node.name;
    object.status = record.initialStatus();
    const created = this.#ctx.store.create('pods', object);
    // Should a create ever reset status (it is a subresource), the scheduler's binding and the
    // kubelet's first report arrive as a write of their own.
    if (JSON.stringify(created.status) !== JSON.stringify(object.status)) {
      this.#ctx.store.modify('pods', namespace, pod.name, (draft) => {
        draft.status = object.status;
      });
    }
    record.bind(created.metadata.uid ?? '');
    this.#pods.set(`${namespace}/${pod.name}`, record);
    let owned = this.#byOwner.get(key);
    if (owned === undefined) this.#byOwner.set(key, (owned = new Set()));
    owned.add(record);
    record.begin();
  }

  /**
   * The ports the pod's process listens on: every TCP port its containers declare, plus numbered
   * targetPorts of the Services that select it now (a Service created later with a new number is
   * not served by pods that already run).
   */
  #ports(namespace: string, labels: Readonly<Record<string, string>>, containers: readonly Container[]): number[] {
    const ports = new Set<number>();
    for (const container of containers) {
      for (const port of container.ports ?? []) if ((port.protocol ?? 'TCP') === 'TCP' && port.containerPort !== undefined) ports.add(port.containerPort);
    }
    for (const service of this.#ctx.cache.list('services', namespace)) {
      const spec = (service.spec ?? {}) as ServiceSpec;
      if (!serviceSelects(spec.selector, labels)) continue;
      for (const port of spec.ports ?? []) {
        const target = port.targetPort ?? port.port;
        if ((port.protocol ?? 'TCP') !== 'TCP') continue;
        if (typeof target === 'number') ports.add(target);
        else if (target !== undefined && /^\d+$/.test(target)) ports.add(Number(target));
      }
    }
    return [...ports].sort((a, b) => a - b);
  }
}
