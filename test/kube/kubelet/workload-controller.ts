/**
 * The Deployment + ReplicaSet controllers and the StatefulSet controller, reduced to what a wake and a
 * sleep exercise: make the pods match `spec.replicas` (absent = 1, CONTRACT §4) and report `status`.
 *
 * Deployments: pods of the current template's ReplicaSet `<deployment>-<pod-template-hash>` are
 * created all at once, named `<replicaset>-<5 chars>`, owned by the ReplicaSet (CONTRACT §13). Surplus
 * pods go not-ready first, newest first. Pods of an older template are removed once enough pods of
 * the new one are ready. Under `FailedCreate` no pod is created and the Deployment reports
 * `ReplicaFailure`.
 *
 * StatefulSets (podManagementPolicy OrderedReady): pod `<name>-<ordinal>` is created only when every
 * lower ordinal is Running and Ready; scale-down removes the highest ordinal first and waits for it
 * to be gone before the next.
 */
import type { KubeObject } from '../fake-api/store.js';
import type { Context, WorkloadKey } from './context.js';
import { recordEvent } from './events.js';
import { failedCreateMessage, type Failure } from './failures.js';
import { derivedUid, templateHash, timestamp } from './names.js';
import type { OwnerReference } from './pod-factory.js';
import { PodRegistry } from './pod-registry.js';
import type { WorkloadResource, WorkloadSpec } from './shapes.js';
import { deploymentStatus, maxUnavailable, progressDeadlineAt, statefulSetStatus, type PodSummary } from './workload-status.js';

export class WorkloadController {
  readonly #ctx: Context;
  readonly pods: PodRegistry;
  readonly failures = new Map<WorkloadKey, Failure>();
  readonly #deadlineTimers = new Map<WorkloadKey, NodeJS.Timeout>();
  /** Workloads whose failed create has been reported as an Event since they last failed. */
  readonly #reported = new Set<WorkloadKey>();
  readonly #requeue: (key: WorkloadKey) => void;

  constructor(ctx: Context, requeue: (key: WorkloadKey) => void) {
    this.#ctx = ctx;
    this.pods = new PodRegistry(ctx);
    this.#requeue = requeue;
  }
  reconcile(key: WorkloadKey): void {
    const [resource, namespace = '', name = ''] = key.split('/') as [WorkloadResource, string?, string?];
    const workload = this.#ctx.store.get(resource, namespace, name);
    if (workload === undefined) {
      // Deleted: the garbage collector removes what it owned.
      for (const pod of this.pods.of(key)) void pod.terminate();
      this.failures.delete(key);
      this.#clearDeadline(key);
      return;
    }
    if (resource === 'deployments') this.#deployment(key, workload);
    else this.#statefulSet(key, workload);
  }

  /** The workload fails (or heals) from now on. */
  setFailure(key: WorkloadKey, failure: Failure | null): void {
    if (failure === null) this.failures.delete(key);
    else this.failures.set(key, failure);
    this.#reported.delete(key);
    this.replaceUnready(key);
  }

  /** The workload failed or healed: pods that are not ready yet are replaced by pods that behave the new way. */
  replaceUnready(key: WorkloadKey): void {
    for (const pod of this.pods.of(key)) if (!pod.ready || pod.failure !== null) void pod.terminate();
  }

  close(): void {
    for (const timer of this.#deadlineTimers.values()) clearTimeout(timer);
    this.#deadlineTimers.clear();
  }

  #deployment(key: WorkloadKey, deployment: KubeObject): void {
    const spec = (deployment.spec ?? {}) as WorkloadSpec & { strategy?: { type?: string } };
    const desired = spec.replicas ?? 1;
    const hash = templateHash(spec.template);
    const replicaSet = `${deployment.metadata.name}-${hash}`;
    const failure = this.failures.get(key) ?? null;
    const active = this.pods.of(key).filter((pod) => !pod.terminating);
    const current = active.filter((pod) => pod.init.revision === hash);
    const old = active.filter((pod) => pod.init.revision !== hash);

    const owner: OwnerReference = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet, uid: derivedUid(`${deployment.metadata.uid}/${hash}`), controller: true, blockOwnerDeletion: true };
    if (failure === 'FailedCreate' && current.length < desired) {
      this.#reportFailedCreate(key, deployment.metadata.namespace ?? '', owner, 'replicaset-controller', `${replicaSet}-`);
    } else {
      for (let i = current.length; i < desired; i++) {
        const name = this.pods.uniqueName(deployment.metadata.namespace ?? '', `${replicaSet}-`);
        this.pods.create(key, deployment, { name, generateName: `${replicaSet}-`, revision: hash, ordinal: null, owner, labels: { 'pod-template-hash': hash } }, failure);
      }
    }
    if (current.length > desired) {
      // The ReplicaSet controller removes pods that are not ready first, then the newest.
      const order = new Map(current.map((pod, index) => [pod, index]));
      const victims = [...current].sort((a, b) => Number(a.ready) - Number(b.ready) || (order.get(b) ?? 0) - (order.get(a) ?? 0));
      for (const pod of victims.slice(0, current.length - desired)) void pod.terminate();
    }
    const readyCurrent = current.filter((pod) => pod.ready).length;
    if (desired === 0 || readyCurrent >= desired) for (const pod of old) void pod.terminate();

    const previous = deployment.status as Record<string, unknown> | undefined;
    const progressDeadlineSeconds = spec.progressDeadlineSeconds ?? 600;
    const status = deploymentStatus({
      generation: deployment.metadata.generation ?? 1,
      desired,
      replicaSet,
      revision: hash,
      pods: this.#summaries(key),
      failedCreate: failure === 'FailedCreate' && current.length < desired ? failedCreateMessage(`${replicaSet}-`) : null,
      maxUnavailable: maxUnavailable(spec.strategy, desired),
      progressDeadlineSeconds,
      previous,
      nowMs: Date.now(),
      now: timestamp(),
    });
    this.#writeStatus('deployments', deployment, status);
    this.#scheduleDeadline(key, progressDeadlineAt(status, progressDeadlineSeconds));
  }

  #statefulSet(key: WorkloadKey, statefulSet: KubeObject): void {
    const spec = (statefulSet.spec ?? {}) as WorkloadSpec;
    const desired = spec.replicas ?? 1;
    const name = statefulSet.metadata.name ?? '';
    const revision = `${name}-${templateHash(spec.template)}`;
    const pods = this.pods.of(key);
    const failure = this.failures.get(key) ?? null;
    // OrderedReady: nothing else happens while a pod is on its way out.
    if (!pods.some((pod) => pod.terminating)) {
      const byOrdinal = new Map(pods.map((pod) => [pod.init.ordinal ?? -1, pod]));
      const condemned = pods.filter((pod) => (pod.init.ordinal ?? 0) >= desired).sort((a, b) => (b.init.ordinal ?? 0) - (a.init.ordinal ?? 0));
      const highest = condemned[0];
      if (highest !== undefined) {
        void highest.terminate();
      } else {
        for (let ordinal = 0; ordinal < desired; ordinal++) {
          const pod = byOrdinal.get(ordinal);
          if (pod === undefined) {
            const owner: OwnerReference = { apiVersion: 'apps/v1', kind: 'StatefulSet', name, uid: statefulSet.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
            const podName = `${name}-${ordinal}`;
            if (failure === 'FailedCreate') {
              this.#reportFailedCreate(key, statefulSet.metadata.namespace ?? '', owner, 'statefulset-controller', podName);
              break;
            }
            const labels = { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': podName, 'apps.kubernetes.io/pod-index': String(ordinal) };
            const hostname = { hostname: podName, ...(spec.serviceName === undefined ? {} : { subdomain: spec.serviceName }) };
            this.pods.create(key, statefulSet, { name: podName, revision, ordinal, owner, labels, hostname }, failure);
            break;
          }
          if (!pod.ready) break;
        }
      }
    }
    const status = statefulSetStatus({ generation: statefulSet.metadata.generation ?? 1, revision, pods: this.#summaries(key) });
    this.#writeStatus('statefulsets', statefulSet, status);
  }

  /** The controller's Warning Event for a pod it could not create, once per failure. */
  #reportFailedCreate(key: WorkloadKey, namespace: string, owner: OwnerReference, component: string, podName: string): void {
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    const message = owner.kind === 'StatefulSet' ? `create Pod ${podName} in StatefulSet ${owner.name} failed error: ${failedCreateMessage(podName)}` : `Error creating: ${failedCreateMessage(podName)}`;
    recordEvent(this.#ctx.store, { namespace, involved: { apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: owner.uid }, type: 'Warning', reason: 'FailedCreate', message, component });
  }

  #summaries(key: WorkloadKey): PodSummary[] {
    return this.pods.of(key).map((pod) => ({ terminating: pod.terminating, ready: pod.ready, revision: pod.init.revision }));
  }

  #writeStatus(resource: WorkloadResource, workload: KubeObject, status: Record<string, unknown>): void {
    if (JSON.stringify(workload.status) === JSON.stringify(status)) return;
    this.#ctx.store.modify(resource, workload.metadata.namespace, workload.metadata.name ?? '', (draft) => {
      draft.status = status;
    });
  }

  /** A rollout that has not completed is looked at again when its progress deadline passes. */
  #scheduleDeadline(key: WorkloadKey, at: number | null): void {
    this.#clearDeadline(key);
    if (at === null) return;
    const timer = setTimeout(() => {
      this.#deadlineTimers.delete(key);
      this.#requeue(key);
    }, Math.max(at - Date.now(), 0) + 1_000);
    timer.unref();
    this.#deadlineTimers.set(key, timer);
  }

  #clearDeadline(key: WorkloadKey): void {
    const timer = this.#deadlineTimers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.#deadlineTimers.delete(key);
  }
}
