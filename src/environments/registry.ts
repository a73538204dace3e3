import type { ControlOutcome, EnvironmentDetail, EnvironmentView, EnvironmentsSource, FleetChange, FleetSummary } from '../admin/types.js';
import type { EnvironmentConfig } from '../config/types.js';
import { wakePhases, type HistoryEvent } from '../history/environment-history.js';
import type { FleetTimeline } from '../history/fleet-timeline.js';
import { savingsOf, totalSavings, type CostSettings, type Savings } from '../history/savings.js';
import type { FleetFigures, Metrics } from '../observability/metrics.js';
import { ENVIRONMENT_PHASES, type EnvironmentPhase } from '../observability/metric-labels.js';
import type { RouteSpec } from '../routing/route-table.js';
import type { Decision } from '../sleep/policy.js';
import { FixedBackend, type Backend } from './backend.js';
import type { EnvironmentController } from './controller.js';
import { Environment, type EnvironmentPhase as Phase, type EnvironmentSpec } from './environment.js';

export interface RegistryDeps {
  readonly controller: EnvironmentController;
  readonly metrics: Pick<Metrics, 'setEnvironments' | 'useFleet'>;
  /** The sleeper's view of an environment: when it sleeps and why it is awake. */
  readonly explain: (env: Environment) => Decision;
  /** Recent output lines of an environment's process; null where none are kept (not local). */
  readonly output: (env: Environment) => readonly string[] | null;
  /** New output lines of an environment's process; null where none are kept. */
  readonly followOutput: (env: Environment, listener: (line: string) => void) => (() => void) | null;
  /** Records a keep-awake wish where other replicas see it (Kubernetes); absent: kept in this process. */
  readonly persistKeepAwake: (env: Environment, wish: { until: number; by: string } | null) => Promise<void>;
  readonly costs: CostSettings;
  readonly timeline: FleetTimeline;
  /** `wake.maxHeldTotal`. */
  readonly heldLimit: number;
  /** Environment names label the savings metrics. */
  readonly perEnvironmentMetrics: boolean;
  /** `wake.timeout`, the longest an API wake waits for readiness. */
  readonly wakeTimeout: number;
  readonly now?: () => number;
}

/**
 * The environments wakegate knows, by id: their runtime state (`Environment`), the routes that lead
 * to them, and the admin API's view of them. Static environments start awake; local ones asleep
 * (nothing runs until a request asks for it). Kubernetes environments come and go with their
 * namespaces (`put`, `remove`); every change of routes is announced so the route table can be
 * rebuilt and swapped whole.
 */
export class EnvironmentRegistry implements EnvironmentsSource {
  readonly #byId = new Map<string, Environment>();
  readonly #routesOf = new Map<string, readonly RouteSpec<Backend>[]>();
  readonly #routeListeners = new Set<() => void>();
  readonly #changeListeners = new Set<(change: FleetChange) => void>();
  #deps: RegistryDeps | null = null;
  #phasesDue = false;

  constructor(configs: readonly EnvironmentConfig[], defaultIdleAfter: number, now: number) {
    for (const config of configs) {
      const kind = config.command === null ? 'static' : 'local';
      const env = new Environment(
        { id: config.name, kind, hosts: config.hosts, paths: config.paths, upstream: config.upstream, idleAfter: config.idleAfter ?? defaultIdleAfter },
        kind === 'static' ? 'awake' : 'asleep',
        now,
      );
      this.#byId.set(env.id, env);
      const backend = new FixedBackend(env, config.upstream);
      this.#routesOf.set(env.id, hostRoutes(env.spec, backend));
    }
  }

  /**
   * Adds an environment, or updates the spec and routes of the one with that id (its phase, activity
   * and waiters are kept). `phase` applies only to a new environment. Announces the route change.
   */
  put(spec: EnvironmentSpec, phase: Phase, routes: (env: Environment) => readonly RouteSpec<Backend>[], now: number, since = now): Environment {
    let env = this.#byId.get(spec.id);
    if (env === undefined) {
      env = new Environment(spec, phase, now, since);
      this.#byId.set(spec.id, env);
      this.#watchPhases(env);
    } else {
      env.updateSpec(spec);
    }
    this.#routesOf.set(spec.id, routes(env));
    this.#announceRoutes();
    return env;
  }

  /** Forgets an environment (its namespace is gone or no longer enabled). */
  remove(id: string): Environment | undefined {
    const env = this.#byId.get(id);
    if (env === undefined) return undefined;
    this.#byId.delete(id);
    this.#routesOf.delete(id);
    this.#announceRoutes();
    this.#publishPhases();
    this.#tell({ type: 'removed', id });
    return env;
  }

  /** Called after every change of routes (`put`, `remove`); returns the unsubscribe function. */
  onRoutesChanged(listener: () => void): () => void {
    this.#routeListeners.add(listener);
    return () => this.#routeListeners.delete(listener);
  }

  #announceRoutes(): void {
    for (const listener of [...this.#routeListeners]) listener();
  }

  /** Wires what the views and controls need; phase counts and savings flow to `metrics` from now on. */
  attach(deps: RegistryDeps): void {
    this.#deps = deps;
    for (const env of this.#byId.values()) this.#watchPhases(env);
    this.#publishPhases();
    deps.metrics.useFleet(() => this.#fleetFigures());
  }

  #watchPhases(env: Environment): void {
    if (this.#deps === null) return;
    env.subscribe((event) => {
      if (event.type === 'phase') this.#publishPhases();
      if (event.type === 'progress') this.#tell({ type: 'progress', id: env.id, step: event.step, at: event.at });
      this.#tell({ type: 'environment', id: env.id });
    });
    this.#publishPhases();
    this.#tell({ type: 'environment', id: env.id });
  }

  /** Every change of every environment (for the event stream); returns the unsubscribe function. */
  subscribe(listener: (change: FleetChange) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  #tell(change: FleetChange): void {
    for (const listener of this.#changeListeners) listener(change);
  }

  /** Phase counts for the metrics, once per burst of changes (a sync can add thousands at once). */
  #publishPhases(): void {
    if (this.#phasesDue) return;
    this.#phasesDue = true;
    queueMicrotask(() => {
      this.#phasesDue = false;
      this.#deps?.metrics.setEnvironments(this.phaseCounts());
    });
  }

  all(): IterableIterator<Environment> {
    return this.#byId.values();
  }

  find(id: string): Environment | undefined {
    return this.#byId.get(id);
  }

  /** Every route of every environment, each pointing at a backend of its environment. */
  routes(): RouteSpec<Backend>[] {
    const specs: RouteSpec<Backend>[] = [];
    for (const routes of this.#routesOf.values()) specs.push(...routes);
    return specs;
  }

  phaseCounts(): Record<EnvironmentPhase, number> {
    const counts = Object.fromEntries(ENVIRONMENT_PHASES.map((p) => [p, 0])) as Record<EnvironmentPhase, number>;
    for (const env of this.#byId.values()) counts[env.phase]++;
    return counts;
  }

  list(): EnvironmentView[] {
    return [...this.#byId.values()].map((env) => this.view(env));
  }

  get(id: string): EnvironmentView | undefined {
    const env = this.#byId.get(id);
    return env === undefined ? undefined : this.view(env);
  }

  /** Wakes through the same path as a request, and waits (up to `wake.timeout`) until it is awake. */
  async wake(id: string): Promise<ControlOutcome> {
    const env = this.#byId.get(id);
    const deps = this.#requireDeps();
    if (env === undefined) return { done: false, status: 409, reason: `no environment "${id}"` };
    const refusal = deps.controller.ensureWaking(env, 'the API');
    if (refusal !== null) return { done: false, status: 503, reason: `the wake budget is spent (${refusal.budget} wakes in the last hour); try again in ${refusal.retryAfter} s` };
    const outcome = await env.whenReady(AbortSignal.timeout(deps.wakeTimeout));
    if (outcome.ready) return { done: true, view: this.view(env) };
    const timedOut = outcome.error.name === 'TimeoutError' || outcome.error.name === 'WakeTimedOut';
    return { done: false, status: timedOut ? 504 : 502, reason: outcome.error.message };
  }

  /** Records or withdraws a keep-awake wish (it does not wake the environment). */
  async keepAwake(id: string, wish: { until: number; by: string } | null): Promise<ControlOutcome> {
    const env = this.#byId.get(id);
    const deps = this.#requireDeps();
    if (env === undefined) return { done: false, status: 409, reason: `no environment "${id}"` };
    if (env.spec.kind === 'static') return { done: false, status: 409, reason: `"${id}" is a static environment: it is always awake` };
    // Whole seconds, as the Kubernetes annotation holds it: the watch brings back the same wish.
    const rounded = wish === null ? null : { until: Math.ceil(wish.until / 1000) * 1000, by: wish.by };
    try {
      await deps.persistKeepAwake(env, rounded);
    } catch (err) {
      return { done: false, status: 502, reason: `could not record the wish: ${err instanceof Error ? err.message : String(err)}` };
    }
    const now = this.#now();
    env.setKeepAwake(rounded === null ? null : { ...rounded, at: now }, now);
    return { done: true, view: this.view(env) };
  }

  output(id: string): readonly string[] | null {
    const env = this.#byId.get(id);
    return env === undefined ? null : this.#requireDeps().output(env);
  }

  followOutput(id: string, listener: (line: string) => void): (() => void) | null {
    const env = this.#byId.get(id);
    return env === undefined ? null : this.#requireDeps().followOutput(env, listener);
  }

  detail(id: string): EnvironmentDetail | undefined {
    const env = this.#byId.get(id);
    if (env === undefined) return undefined;
    return {
      ...this.view(env),
      events: env.history.events().map(eventView),
      wakes: env.history.wakes().map((w) => ({
        startedAt: iso(w.startedAt),
        trigger: w.trigger,
        result: w.result,
        seconds: w.endedAt === null ? null : (w.endedAt - w.startedAt) / 1000,
        phases: wakePhases(w),
        error: w.error,
      })),
    };
  }

  /** The dashboard header and charts (docs/admin-api.md, "Summary"). */
  summary(): FleetSummary {
    const deps = this.#requireDeps();
    const now = this.#now();
    const costs = deps.costs;
    return {
      at: iso(now),
      phases: this.phaseCounts(),
      held: deps.timeline.heldNow,
      heldLimit: deps.heldLimit,
      savings: { ...totalSavings(this.#allSavings(now), costs), currency: costs.perReplicaHour === null ? null : costs.currency, perReplicaHour: costs.perReplicaHour },
      wakeChart: deps.timeline.wakeChart(now).map((p) => ({ ...p, at: iso(p.at) })),
      heldChart: deps.timeline.heldChart(now).map((p) => ({ ...p, at: iso(p.at) })),
    };
  }

  *#allSavings(now: number): Iterable<Savings> {
    const costs = this.#requireDeps().costs;
    for (const env of this.#byId.values()) if (env.spec.kind !== 'static') yield savingsOf(env.history, costs, now);
  }

  #fleetFigures(): FleetFigures {
    const deps = this.#requireDeps();
    const now = this.#now();
    let keptAwake = 0;
    for (const env of this.#byId.values()) if (env.keepAwakeUntil !== null && env.keepAwakeUntil > now) keptAwake++;
    const windows = (s: Savings) => ({ '24h': s.last24h, '7d': s.last7d });
    if (!deps.perEnvironmentMetrics) return { keptAwake, savings: [{ windows: windows(totalSavings(this.#allSavings(now), deps.costs)) }] };
    const savings = [];
    for (const env of this.#byId.values()) if (env.spec.kind !== 'static') savings.push({ environment: env.id, windows: windows(savingsOf(env.history, deps.costs, now)) });
    return { keptAwake, savings };
  }

  async sleep(id: string): Promise<ControlOutcome> {
    const env = this.#byId.get(id);
    const deps = this.#requireDeps();
    if (env === undefined) return { done: false, status: 409, reason: `no environment "${id}"` };
    if (env.spec.kind === 'static') return { done: false, status: 409, reason: `"${id}" is a static environment: its upstream is always up and never put to sleep` };
    try {
      await deps.controller.sleep(env, 'manual', 'put to sleep through the API');
    } catch (err) {
      return { done: false, status: 502, reason: err instanceof Error ? err.message : String(err) };
    }
    return { done: true, view: this.view(env) };
  }

  view(env: Environment): EnvironmentView {
    const deps = this.#requireDeps();
    const decision = deps.explain(env);
    const a = env.activity;
    const now = this.#now();
    const keep = env.keepAwake;
    return {
      id: env.id,
      phase: env.phase,
      kind: env.spec.kind,
      hosts: [...env.spec.hosts],
      paths: [...env.spec.paths],
      upstream: env.spec.upstream,
      phaseSince: iso(env.phaseSince),
      reason: env.reason,
      lastActivity: a.lastRequestAt === null ? null : iso(a.lastRequestAt),
      sleepsAt: decision.action === 'keep' && decision.sleepsAt !== null && Number.isFinite(decision.sleepsAt) ? iso(decision.sleepsAt) : null,
      awakeBecause: env.phase === 'awake' ? decision.because : null,
      inFlight: a.inFlight,
      requests: a.requests,
      idleAfterSeconds: Number.isFinite(env.spec.idleAfter) ? env.spec.idleAfter / 1000 : null,
      lastWakeSeconds: env.lastWakeMs === null ? null : env.lastWakeMs / 1000,
      lastError: env.lastError,
      wakeStep: env.phase === 'waking' ? env.lastStep : null,
      output: [...(deps.output(env) ?? [])].slice(-20),
      replicas: env.replicas === null ? null : { ...env.replicas },
      keepAwake: keep === null || keep.until <= now ? null : { until: iso(keep.until), by: keep.by, at: keep.at === null ? null : iso(keep.at) },
      savings: savingsOf(env.history, deps.costs, now),
    };
  }

  #now(): number {
    return (this.#deps?.now ?? Date.now)();
  }

  #requireDeps(): RegistryDeps {
    if (this.#deps === null) throw new Error('the environment registry is not attached');
    return this.#deps;
  }
}

/** One route per host × path prefix of `spec`, all to `backend`. */
export function hostRoutes(spec: EnvironmentSpec, backend: Backend): RouteSpec<Backend>[] {
  const specs: RouteSpec<Backend>[] = [];
  for (const host of spec.hosts) for (const pathPrefix of spec.paths) specs.push({ host, pathPrefix, target: backend });
  return specs;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function eventView(event: HistoryEvent): object {
  switch (event.type) {
    case 'phase':
      return { at: iso(event.at), type: 'phase', phase: event.phase, reason: event.reason };
    case 'progress':
      return { at: iso(event.at), type: 'progress', step: event.step };
    case 'keep-awake':
      return { at: iso(event.at), type: 'keep-awake', until: event.until === null ? null : iso(event.until), by: event.by };
  }
}
