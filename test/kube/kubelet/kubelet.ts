/**
 * The simulated kubelet: the Deployment/ReplicaSet/StatefulSet controllers, the scheduler, the kubelet
 * and the EndpointSlice controller of a fake cluster, all driven by the store's change feed.
 *
 * Changes are queued (per workload, per Service) and handled on a later turn of the event loop, never
 * inside the store's synchronous listener: the controllers write to the store, and a write from inside
 * its own notification would interleave with the notification still being delivered. Each reconcile
 * is idempotent and writes only what differs, so the feedback of its own writes settles at once.
 */
import type { Change, KubeObject, Store } from '../fake-api/store.js';
import { WARNINGS_TO_STDERR, type Context, type KubeletLogger, type ResolvedOptions, type WorkloadKey } from './context.js';
import { EndpointSliceController } from './endpointslice-controller.js';
import { MANAGED_BY, MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from './endpoint-slices.js';
import { ObjectCache } from './object-cache.js';
import type { Failure } from './failures.js';
import { RESOURCE_OF_KIND, serviceSelects, type ServiceSpec, type WorkloadKind } from './shapes.js';
import { WorkloadController } from './workload-controller.js';

export interface SimulatedKubeletOptions {
  /**
   * From "the pod's process listens" to "the pod is Ready", in ms (default 200). A workload's
   * annotation `fake.wakegate.dev/start-delay` (e.g. `"2s"`) overrides it for its pods.
   */
  readonly startDelayMs?: number;
  /** From "the pod is terminating" to "the pod is gone", in ms, at least until its process has exited (default 100). */
  readonly stopDelayMs?: number;
  /**
   * true (default): every running pod is a real process listening on its own loopback address.
   * false: pods and endpoints only (nothing listens), for scale tests with thousands of objects.
   */
  readonly processes?: boolean;
  /** The first back-off of image pulls and crash restarts, in ms (default 500); it doubles per restart, five times at most. */
  readonly backoffMs?: number;
  /** pino-compatible; default: warnings to stderr, debug dropped. */
  readonly logger?: KubeletLogger;
}

/** A pod the kubelet runs, as a test sees it. */
export interface SimulatedPod {
  readonly namespace: string;
  readonly name: string;
  readonly workload: { readonly kind: WorkloadKind; readonly name: string };
  /** The pod IP (a loopback address) once reported. */
  readonly ip: string | undefined;
  /** Container ports the pod's process listens on (when it runs one). */
  readonly ports: readonly number[];
  readonly ready: boolean;
  readonly terminating: boolean;
  readonly failure: Failure | null;
  /** The pod process's pid, while it has one. */
  readonly pid: number | null;
}

export interface SimulatedKubelet {
  /** From now on the workload's pods fail this way; its pods that are not ready yet are replaced by failing ones. Ready pods keep running. */
  fail(namespace: string, kind: WorkloadKind, name: string, failure: Failure): void;
  /** The workload is fine again: failing pods are replaced by healthy ones, and creates succeed. */
  heal(namespace: string, kind: WorkloadKind, name: string): void;
  pods(namespace?: string): SimulatedPod[];
  /** Resolves when no change is queued and every pod has reached its steady state (Ready, or its failure's waiting state). */
  whenIdle(): Promise<void>;
  /** Stops every pod process and the controllers; objects stay in the store as they are. */
  close(): Promise<void>;
}

export function startSimulatedKubelet(store: Store, options: SimulatedKubeletOptions = {}): SimulatedKubelet {
  return new Kubelet(store, {
    startDelayMs: options.startDelayMs ?? 200,
    stopDelayMs: options.stopDelayMs ?? 100,
    processes: options.processes ?? true,
    backoffMs: options.backoffMs ?? 500,
  }, options.logger ?? WARNINGS_TO_STDERR);
}

class Kubelet implements SimulatedKubelet, Context {
  readonly store: Store;
  readonly cache: ObjectCache;
  readonly options: ResolvedOptions;
  readonly log: KubeletLogger;
  closed = false;
  readonly #workloads: WorkloadController;
  readonly #slices: EndpointSliceController;
  readonly #dirtyWorkloads = new Set<WorkloadKey>();
  readonly #dirtyServices = new Set<string>();
  #scheduled: NodeJS.Immediate | null = null;
  #idleWaiters: (() => void)[] = [];
  readonly #unsubscribe: () => void;

  constructor(store: Store, options: ResolvedOptions, log: KubeletLogger) {
    this.store = store;
    this.cache = new ObjectCache(store);
    this.options = options;
    this.log = log;
    this.#workloads = new WorkloadController(this, (key) => this.#enqueueWorkload(key));
    this.#slices = new EndpointSliceController(this);
    this.#unsubscribe = store.subscribe((change) => this.#observe(change));
    for (const resource of ['deployments', 'statefulsets'] as const) {
      for (const workload of store.list(resource)) this.#enqueueWorkload(`${resource}/${workload.metadata.namespace}/${workload.metadata.name}`);
    }
    for (const service of store.list('services')) this.#enqueueService(`${service.metadata.namespace}/${service.metadata.name}`);
  }

  fail(namespace: string, kind: WorkloadKind, name: string, failure: Failure): void {
    const key = `${RESOURCE_OF_KIND[kind]}/${namespace}/${name}`;
    this.#workloads.setFailure(key, failure);
    this.#enqueueWorkload(key);
  }

  heal(namespace: string, kind: WorkloadKind, name: string): void {
    const key = `${RESOURCE_OF_KIND[kind]}/${namespace}/${name}`;
    this.#workloads.setFailure(key, null);
    this.#enqueueWorkload(key);
  }

  pods(namespace?: string): SimulatedPod[] {
    const failures = this.#workloads.failures;
    return [...this.#workloads.pods.all]
      .filter((pod) => namespace === undefined || pod.namespace === namespace)
      .map((pod) => {
        const [resource = '', , name = ''] = pod.init.owner.split('/');
        return {
          namespace: pod.namespace,
          name: pod.name,
          workload: { kind: resource === 'deployments' ? 'Deployment' : 'StatefulSet', name },
          ip: pod.ip,
          ports: pod.init.ports,
          ready: pod.ready,
          terminating: pod.terminating,
          failure: pod.failure ?? (failures.get(pod.init.owner) === 'FailedCreate' ? 'FailedCreate' : null),
          pid: pod.pid,
        };
      });
  }

  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve);
      this.settledMaybe();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.#unsubscribe();
    if (this.#scheduled !== null) clearImmediate(this.#scheduled);
    this.#scheduled = null;
    this.#workloads.close();
    await Promise.all(this.#workloads.pods.takeAll().map((pod) => pod.shutdown()));
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  podChanged(owner: WorkloadKey): void {
    this.#enqueueWorkload(owner);
  }

  settledMaybe(): void {
    if (this.#idleWaiters.length === 0 || !this.#idle()) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #idle(): boolean {
    if (this.closed) return true;
    if (this.#scheduled !== null || this.#dirtyWorkloads.size > 0 || this.#dirtyServices.size > 0) return false;
    for (const pod of this.#workloads.pods.all) if (!pod.settled) return false;
    return true;
  }

  /** Called synchronously by the store after every write: note what needs a look, nothing more. */
  #observe(change: Change): void {
    this.cache.apply(change);
    const { resource, object } = change;
    const namespace = object.metadata.namespace ?? '';
    const name = object.metadata.name ?? '';
    switch (resource) {
      case 'deployments':
      case 'statefulsets':
        this.#enqueueWorkload(`${resource}/${namespace}/${name}`);
        break;
      case 'services':
        this.#enqueueService(`${namespace}/${name}`);
        break;
      case 'pods':
        this.#podObserved(change, namespace, name);
        break;
      case 'endpointslices': {
        const service = object.metadata.labels?.[SERVICE_NAME_LABEL];
        if (service !== undefined && object.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY) this.#enqueueService(`${namespace}/${service}`);
        break;
      }
      default:
        break;
    }
  }

  #podObserved(change: Change, namespace: string, name: string): void {
    const record = change.type === 'DELETED' ? this.#workloads.pods.forget(namespace, name) : undefined;
    if (record !== undefined) {
      // Deleted by someone else: its process goes too, and its controller makes a new one.
      if (!record.terminating) void record.vanished().then(() => this.settledMaybe());
      this.#enqueueWorkload(record.init.owner);
    }
    for (const object of [change.object, change.previous]) {
      if (object === undefined) continue;
      for (const service of this.#servicesSelecting(namespace, object)) this.#enqueueService(`${namespace}/${service}`);
    }
  }

  #servicesSelecting(namespace: string, pod: KubeObject): string[] {
    return this.cache
      .list('services', namespace)
      .filter((service) => serviceSelects((service.spec as ServiceSpec | undefined)?.selector, pod.metadata.labels))
      .map((service) => service.metadata.name ?? '');
  }

  #enqueueWorkload(key: WorkloadKey): void {
    if (this.closed) return;
    this.#dirtyWorkloads.add(key);
    this.#schedule();
  }

  #enqueueService(key: string): void {
    if (this.closed) return;
    this.#dirtyServices.add(key);
    this.#schedule();
  }

  #schedule(): void {
    this.#scheduled ??= setImmediate(() => this.#drain());
  }

  /** Workloads first (they create and delete pods), then Services (which read those pods). */
  #drain(): void {
    this.#scheduled = null;
    for (let round = 0; round < 10 && (this.#dirtyWorkloads.size > 0 || this.#dirtyServices.size > 0); round++) {
      const workloads = [...this.#dirtyWorkloads];
      this.#dirtyWorkloads.clear();
      for (const key of workloads) this.#guard(key, () => this.#workloads.reconcile(key));
      const services = [...this.#dirtyServices];
      this.#dirtyServices.clear();
      for (const key of services) this.#guard(key, () => this.#slices.reconcile(key));
    }
    // A chain longer than ten rounds continues on a later turn, letting I/O in between.
    if (this.#dirtyWorkloads.size > 0 || this.#dirtyServices.size > 0) this.#schedule();
    this.settledMaybe();
  }

  #guard(key: string, reconcile: () => void): void {
    if (this.closed) return;
    try {
      reconcile();
    } catch (err) {
      this.log.warn({ key, err }, 'reconcile failed');
    }
  }
}
