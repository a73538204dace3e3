/**
 * Namespaces as environments (the Okteto model): every namespace matching
 * `kubernetes.namespaceSelector` is an environment whose routes come from its Ingresses and whose
 * workloads are its Deployments and StatefulSets.
 *
 * State is pushed: the cluster cache's watches mark namespaces dirty, and one pass per tick
 * recomputes their facts (`environment-model.ts`), updates the registry (routes are swapped only when
 * they change), reconciles phases with what the cluster shows (another replica or a user may have
 * woken or slept it), merges the activity other replicas published, treats a rollout as activity,
 * and re-checks the waits of wakes in progress. Nothing is polled; warm requests never reach here.
 *
 * Wake: workloads scale, in `wakegate.io/wake-order` groups, to max(current, remembered) through
 * `/scale`; each group waits until ready before the next starts; then every routed Service must have a
 * ready endpoint. Meanwhile the namespace's Pods are watched and a state that waiting cannot fix
 * (image pull, crash loop, unschedulable, FailedCreate) fails the wake at once. API errors that may
 * pass (network, 5xx, 429) are retried until the caller's deadline; refusals (403, 404, 422) fail it.
 */
import { ListWatch, Watch, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Backend } from '../../environments/backend.js';
import { FixedBackend } from '../../environments/backend.js';
import type { Environment, EnvironmentSpec } from '../../environments/environment.js';
import type { EnvironmentRegistry } from '../../environments/registry.js';
import type { RouteSpec } from '../../routing/route-table.js';
import { WakeFailure, type EnvironmentProvider, type WakeMark } from '../provider.js';
import type { ActivityPublisher } from './activity-publisher.js';
import type { ClusterCache } from './cluster-cache.js';
import type { CronJobs } from './cronjobs.js';
import { EndpointsBackend } from './endpoints-backend.js';
import { environmentFacts, readyOrigins, type EnvironmentFacts, type NamespaceSnapshot, type WorkloadFacts } from './environment-model.js';
import { KubeApiError, type KubeApi } from './kube-api.js';
import type { KubeEvents } from './kube-events.js';
import { writeKeepAwake } from './keep-awake.js';
import type { PodObject } from './objects.js';
import { pause } from './pause.js';
import { stuckWorkload } from './pod-diagnostics.js';
import type { Scaler } from './scaler.js';

export interface KubernetesProviderOptions {
  readonly api: KubeApi;
  readonly cache: ClusterCache;
  readonly registry: EnvironmentRegistry;
  readonly scaler: Scaler;
  readonly cronJobs: CronJobs;
  readonly events: KubeEvents;
  readonly publisher: ActivityPublisher;
  readonly mode: 'ingress' | 'direct';
  readonly ingressUpstream: string;
  /** `sleep.idleAfter`, for namespaces without `wakegate.io/idle-after`. */
  readonly defaultIdleAfter: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

interface Known {
  facts: EnvironmentFacts;
  env: Environment;
  routesKey: string;
  backends: Map<string, EndpointsBackend>;
  templates: Map<string, string>;
}

type Listener = (id: string, cause: string) => void;

export class KubernetesProvider implements EnvironmentProvider {
  readonly kind = 'kubernetes' as const;
  readonly #o: KubernetesProviderOptions;
  readonly #now: () => number;
  readonly #known = new Map<string, Known>();
  readonly #waits = new Map<string, Set<() => void>>();
  readonly #dirty = new Set<string>();
  readonly #pods = new Map<string, ListWatch<KubernetesObject>>();
  readonly #down = new Set<Listener>();
  readonly #up = new Set<Listener>();
  #scheduled = false;
  #started = false;

  constructor(options: KubernetesProviderOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** Lists every kind, then builds every environment; resolves when the first full sync is done. */
  async start(signal: AbortSignal): Promise<void> {
    this.#o.cache.onChange((namespace) => this.#markDirty(namespace));
    await this.#o.cache.start(signal);
    this.#started = true;
    for (const ns of this.#o.cache.namespaces()) this.#dirty.add(ns.metadata?.name ?? '');
    this.#syncDirty();
    this.#o.publisher.start(() => this.#collectActivity());
    this.#o.logger.info({ server: this.#o.api.server, environments: this.#known.size, mode: this.#o.mode }, 'Kubernetes environments synced');
  }

  facts(id: string): EnvironmentFacts | undefined {
    return this.#known.get(id)?.facts;
  }

  onDown(listener: Listener): void {
    this.#down.add(listener);
  }

  /** Told when the cluster shows an environment up that wakegate had asleep (woken elsewhere). */
  onUp(listener: Listener): void {
    this.#up.add(listener);
  }

  output(): readonly string[] {
    return [];
  }

  /** Records a keep-awake wish on the Namespace (or removes it); the watch brings it back into the environment. */
  async keepAwake(id: string, wish: { until: number; by: string } | null): Promise<void> {
    if (!this.#known.has(id)) throw new Error(`namespace "${id}" is not an enabled environment (any more)`);
    await writeKeepAwake(this.#o.api, id, wish);
  }

  async wake(id: string, signal: AbortSignal, progress: (step: string) => void, mark: (mark: WakeMark) => void = () => undefined): Promise<void> {
    const known = this.#known.get(id);
    if (known === undefined) throw new WakeFailure(`namespace "${id}" is not an enabled environment (any more)`, 'namespace');
    this.#watchPods(id);
    try {
      if (known.facts.suspendCronJobs) {
        await this.#retrying(signal, progress, () => this.#o.cronJobs.resume(id)).catch((err: unknown) => this.#o.logger.warn({ err: (err as Error).message, namespace: id }, 'could not resume CronJobs'));
      }
      const groups = wakeGroups(known.facts.workloads);
      // Pods of every woken workload running: the end of scheduling and container start.
      const wanted = groups.flat().reduce((sum, w) => sum + Math.max(w.replicas, w.wakeReplicas), 0);
      let started = false;
      const startedCheck = (): void => {
        if (started || runningPods(this.#podsOf(id)) < wanted) return;
        started = true;
        mark('started');
      };
      for (const [index, group] of groups.entries()) {
        const targets = group.map((w) => ({ kind: w.kind, name: w.name, replicas: Math.max(w.replicas, w.wakeReplicas) }));
        progress(`scaling ${targets.map((t) => `${t.kind} ${t.name} to ${t.replicas}`).join(', ')}`);
        await Promise.all(targets.map((t) => this.#retrying(signal, progress, () => this.#o.scaler.scaleUp(id, t.kind, t.name, t.replicas))));
        if (index === 0) mark('requested');
        await this.#until(id, signal, progress, (facts) => {
          startedCheck();
          const waiting = targets.find((t) => {
            const w = facts.workloads.find((x) => x.kind === t.kind && x.name === t.name);
            return w !== undefined && w.readyReplicas < t.replicas;
          });
          if (waiting === undefined) return null;
          const w = facts.workloads.find((x) => x.kind === waiting.kind && x.name === waiting.name);
          return `${waiting.kind} ${waiting.name}: ${w?.readyReplicas ?? 0}/${waiting.replicas} replicas ready`;
        }, targets);
      }
      await this.#until(id, signal, progress, (facts) => {
        startedCheck();
        return facts.state === 'up' ? null : (facts.notReady ?? 'not ready');
      }, []);
      this.#o.events.record(id, 'Woken', `woken by wakegate`);
    } catch (err) {
      if (!signal.aborted) this.#o.events.record(id, 'WakeFailed', (err as Error).message);
      throw err;
    } finally {
      this.#stopPods(id);
    }
  }

  async sleep(id: string, reason: string): Promise<void> {
    const known = this.#known.get(id);
    if (known === undefined) return;
    const awake = known.facts.workloads.filter((w) => !w.ignored && w.replicas > 0);
    try {
      await Promise.all(awake.map((w) => this.#o.scaler.scaleToZero(id, w.kind, w.name, w.replicas)));
      if (known.facts.suspendCronJobs) await this.#o.cronJobs.suspend(id);
      this.#o.events.record(id, 'Slept', `put to sleep by wakegate: ${reason}`);
    } catch (err) {
      this.#o.events.record(id, 'SleepFailed', (err as Error).message);
      throw err;
    }
  }

  async close(): Promise<void> {
    for (const id of [...this.#pods.keys()]) this.#stopPods(id);
    await this.#o.publisher.stop(() => this.#collectActivity());
    await this.#o.cache.close();
  }

  /** Hands the requests this replica saw to the publisher (it writes only what is news). */
  #collectActivity(): void {
    for (const [name, known] of this.#known) {
      const last = known.env.activity.lastRequestAt;
      if (last !== null) this.#o.publisher.activity(name, last);
    }
  }

  #markDirty(namespace: string): void {
    if (namespace === '' || !this.#started) return;
    this.#dirty.add(namespace);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#syncDirty();
    });
  }

  #syncDirty(): void {
    const names = [...this.#dirty];
    this.#dirty.clear();
    for (const name of names) {
      try {
        this.#sync(name);
      } catch (err) {
        this.#o.logger.error({ err, namespace: name }, 'could not update the environment of a namespace');
      }
      for (const recheck of [...(this.#waits.get(name) ?? [])]) recheck();
    }
  }

  #sync(name: string): void {
    const ns = this.#o.cache.namespace(name);
    const known = this.#known.get(name);
    if (ns === undefined) {
      if (known !== undefined) {
        this.#known.delete(name);
        this.#o.registry.remove(name);
        this.#o.logger.info({ namespace: name }, 'namespace is no longer an environment');
      }
      return;
    }
    const snapshot = this.#o.cache.snapshot(ns, name);
    const facts = environmentFacts(snapshot);
    const spec = this.#spec(facts);
    const routesKey = JSON.stringify([spec, facts.routes]);
    const now = this.#now();
    let entry = known;
    if (entry === undefined || entry.routesKey !== routesKey) {
      const backends = new Map<string, EndpointsBackend>();
      const phase = facts.state === 'up' ? 'awake' : 'asleep';
      const env = this.#o.registry.put(spec, phase, (env) => this.#routes(env, facts, backends), now, entry === undefined ? publishedSince(facts, phase, now) : undefined);
      if (entry === undefined) {
        env.subscribe((event) => event.type === 'phase' && this.#o.publisher.phase(name, event.phase, event.at));
        for (const problem of facts.problems) this.#o.logger.warn({ namespace: name, problem }, 'part of a namespace could not be read');
      }
      entry = { facts, env, routesKey, backends, templates: entry?.templates ?? new Map<string, string>() };
      this.#known.set(name, entry);
    }
    entry.facts = facts;
    for (const [key, backend] of entry.backends) {
      const route = facts.routes.find((r) => routeKey(r) === key);
      if (route !== undefined) backend.update(readyOrigins(snapshot, route));
    }
    this.#reconcile(entry, facts, now);
  }

  /** The cluster's view wins where wakegate is not in the middle of changing it. */
  #reconcile(entry: Known, facts: EnvironmentFacts, now: number): void {
    const { env } = entry;
    const activity = env.activity;
    if (facts.lastActivity !== null && (activity.lastRequestAt === null || facts.lastActivity > activity.lastRequestAt)) activity.lastRequestAt = facts.lastActivity;
    env.setKeepAwake(facts.keepAwakeUntil === null ? null : { until: facts.keepAwakeUntil, by: facts.keepAwakeBy ?? 'unknown', at: env.keepAwake?.until === facts.keepAwakeUntil ? env.keepAwake.at : null }, now);
    env.setReplicas(replicasOf(facts.workloads), now);
    for (const w of facts.workloads) {
      const key = `${w.kind}/${w.name}`;
      const before = entry.templates.get(key);
      entry.templates.set(key, w.template);
      // A new pod template is a rollout: someone just deployed, so it is not idle (ARCHITECTURE §4).
      if (before !== undefined && before !== w.template) {
        activity.lastRequestAt = Math.max(activity.lastRequestAt ?? 0, now);
        this.#o.logger.debug({ namespace: env.id, workload: key }, 'rollout seen: counted as activity');
      }
    }
    if (env.phase === 'awake' && facts.state === 'asleep') {
      for (const listener of this.#down) listener(env.id, 'scaled to zero outside this wakegate replica');
    } else if ((env.phase === 'asleep' || env.phase === 'failed') && facts.state === 'up') {
      for (const listener of this.#up) listener(env.id, 'woken outside this wakegate replica');
    }
  }

  #spec(facts: EnvironmentFacts): EnvironmentSpec {
    const hosts = [...new Set(facts.routes.map((r) => r.host))];
    const paths = [...new Set(facts.routes.map((r) => r.pathPrefix))];
    const upstream = this.#o.mode === 'ingress' ? this.#o.ingressUpstream : [...new Set(facts.routes.map((r) => `service ${r.service}:${r.port.number ?? r.port.name ?? '?'}`))].join(', ');
    return { id: facts.id, kind: 'kubernetes', hosts, paths: paths.length > 0 ? paths : ['/'], upstream, idleAfter: facts.idleAfter ?? this.#o.defaultIdleAfter };
  }

  #routes(env: Environment, facts: EnvironmentFacts, backends: Map<string, EndpointsBackend>): RouteSpec<Backend>[] {
    if (this.#o.mode === 'ingress') {
      const backend = new FixedBackend(env, this.#o.ingressUpstream);
      return facts.routes.map((r) => ({ host: r.host, pathPrefix: r.pathPrefix, target: backend }));
    }
    return facts.routes.map((r) => {
      const key = routeKey(r);
      let backend = backends.get(key);
      if (backend === undefined) {
        backend = new EndpointsBackend(env, `http://${r.service}.${env.id}.svc:${r.port.number ?? 80}`);
        backends.set(key, backend);
      }
      return { host: r.host, pathPrefix: r.pathPrefix, target: backend };
    });
  }

  /**
   * Waits until `pending(facts)` returns null, re-checking after every change of the namespace
   * (pushed by the watches) and right after subscribing. Fails at once when a woken workload is stuck.
   */
  #until(id: string, signal: AbortSignal, progress: (step: string) => void, pending: (facts: EnvironmentFacts) => string | null, woken: readonly { kind: WorkloadFacts['kind']; name: string }[]): Promise<void> {
    return new Promise((resolve, reject) => {
      let last: string | null = null;
      const waits = this.#waits.get(id) ?? new Set<() => void>();
      this.#waits.set(id, waits);
      const finish = (error?: unknown): void => {
        waits.delete(check);
        if (waits.size === 0) this.#waits.delete(id);
        signal.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error instanceof Error ? error : new Error('the wait was aborted'));
      };
      const check = (): void => {
        const known = this.#known.get(id);
        if (known === undefined) return finish(new WakeFailure(`namespace "${id}" is not an enabled environment any more`, 'namespace'));
        const stuck = stuckWorkload({ ...this.#workloadObjects(id), pods: this.#podsOf(id) }, woken);
        if (stuck !== null) {
          return finish(new WakeFailure(`${stuck.kind} ${stuck.name} cannot start: ${stuck.reason} (${stuck.message})`, `${stuck.kind} ${stuck.name}`));
        }
        const step = pending(known.facts);
        if (step === null) return finish();
        if (step !== last) progress((last = step));
      };
      const onAbort = (): void => finish(signal.reason);
      waits.add(check);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      else check();
    });
  }

  /** Runs an API call, retrying what may pass (network, 5xx, 429) until `signal` aborts. */
  async #retrying<T>(signal: AbortSignal, progress: (step: string) => void, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const retryable = err instanceof KubeApiError && (typeof err.code !== 'number' || err.code >= 500 || err.code === 429);
        if (!retryable) throw new WakeFailure((err as Error).message, 'kubernetes-api', { cause: err });
        if (signal.aborted) throw err;
        progress(`${err.message}; retrying`);
        await pause(Math.min(5_000, 250 * 2 ** attempt), signal);
      }
    }
  }

  #workloadObjects(id: string): Pick<NamespaceSnapshot, 'deployments' | 'statefulSets'> {
    const ns = this.#o.cache.namespace(id);
    if (ns === undefined) return { deployments: [], statefulSets: [] };
    const snapshot = this.#o.cache.snapshot(ns, id);
    return { deployments: snapshot.deployments, statefulSets: snapshot.statefulSets };
  }

  #podsOf(id: string): readonly PodObject[] {
    return (this.#pods.get(id)?.list(id) ?? []);
  }

  /** Watches the Pods of a waking namespace for fail-fast diagnostics (best effort: the wake does not depend on it). */
  #watchPods(id: string): void {
    if (this.#pods.has(id)) return;
    const { api } = this.#o;
    const listFn = () => api.core.listNamespacedPod({ namespace: id });
    const informer = new ListWatch(`/api/v1/namespaces/${encodeURIComponent(id)}/pods`, new Watch(api.kc), listFn, false);
    informer.on('change', () => this.#markDirty(id));
    informer.on('error', (err?: unknown) => {
      if ((err as { name?: unknown } | undefined)?.name === 'AbortError') return;
      this.#o.logger.debug({ namespace: id, err: (err as Error | undefined)?.message }, 'the Pod watch of a waking namespace failed; failures will show at the deadline');
    });
    this.#pods.set(id, informer);
    void informer.start().catch(() => undefined);
  }

  #stopPods(id: string): void {
    const informer = this.#pods.get(id);
    this.#pods.delete(id);
    void informer?.stop();
  }
}

/** Non-ignored workloads grouped by `wakegate.io/wake-order`, lowest first. */
export function wakeGroups(workloads: readonly WorkloadFacts[]): WorkloadFacts[][] {
  const groups = new Map<number, WorkloadFacts[]>();
  for (const w of workloads) {
    if (w.ignored) continue;
    const group = groups.get(w.wakeOrder) ?? [];
    group.push(w);
    groups.set(w.wakeOrder, group);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

function routeKey(route: { service: string; port: { number?: number; name?: string } }): string {
  return `${route.service}:${route.port.number ?? route.port.name ?? ''}`;
}

/**
 * When an environment first seen in `phase` entered it, from the annotations a wakegate wrote: so a
 * restarted wakegate counts a namespace asleep for days as asleep for days (its savings included).
 * Only when the cluster agrees with the annotation; never later than now.
 */
function publishedSince(facts: EnvironmentFacts, phase: 'awake' | 'asleep', now: number): number | undefined {
  if (facts.publishedPhase !== phase || facts.publishedPhaseSince === null) return undefined;
  return Math.min(facts.publishedPhaseSince, now);
}

/** Replicas running now, and what a wake restores, over the workloads wakegate manages. */
function replicasOf(workloads: readonly WorkloadFacts[]): { current: number; awake: number } {
  let current = 0;
  let awake = 0;
  for (const w of workloads) {
    if (w.ignored) continue;
    current += w.replicas;
    awake += Math.max(w.replicas, w.wakeReplicas);
  }
  return { current, awake };
}

/** Pods whose containers have started (phase Running), not being deleted. */
function runningPods(pods: readonly PodObject[]): number {
  let count = 0;
  for (const pod of pods) if (pod.status?.phase === 'Running' && (pod.metadata as { deletionTimestamp?: unknown } | undefined)?.deletionTimestamp == null) count++;
  return count;
}
