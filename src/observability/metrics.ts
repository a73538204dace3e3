import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  COLD_START_RESULTS,
  ENVIRONMENT_PHASES,
  SAVINGS_WINDOW_LABELS,
  SLEEP_REASONS,
  UPSTREAM_ERROR_KINDS,
  WAKE_PHASES,
  type ColdStartResult,
  type EnvironmentPhase,
  type KubeErrorCode,
  type KubeVerb,
  type SleepReason,
  type UpstreamErrorKind,
  type WakePhase,
  type SavingsWindowLabel,
} from './metric-labels.js';
import { RequestMetrics } from './request-metrics.js';

export type {
  CodeClass,
  ColdStartResult,
  EnvironmentPhase,
  KubeErrorCode,
  KubeVerb,
  SleepReason,
  UpstreamErrorKind,
  WakePhase,
} from './metric-labels.js';

/** Savings of one window, as the gauges export them. */
export interface WindowFigures {
  readonly asleepHours: number;
  readonly savedReplicaHours: number;
  readonly savedCost: number | null;
}

/** What the fleet gauges read at scrape time (computed from the environments' histories). */
export interface FleetFigures {
  /** Totals, or per environment when environment labels are on. */
  readonly savings: readonly { readonly environment?: string; readonly windows: Readonly<Record<SavingsWindowLabel, WindowFigures>> }[];
  readonly keptAwake: number;
}

export interface MetricsOptions {
  /** `metrics.perEnvironment`: environment names become a label of the request and cold-start metrics. */
  readonly perEnvironment: boolean;
  /** The configured bound on held requests (`wake.maxHeldTotal`); `wakegate_held_requests_limit` is 0 without one. */
  readonly heldRequestsLimit?: number;
  /** `costs.perReplicaHour` is set: `wakegate_saved_cost` is exported. */
  readonly costConfigured?: boolean;
}

/** Seconds. A wake takes from a fraction of a second (a local process) to minutes (image pulls). */
const WAKE_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 180, 300];
/** Seconds. A phase can be a few milliseconds (a scale request, the first byte) or minutes. */
const WAKE_PHASE_BUCKETS = [0.005, 0.01, 0.025, 0.05, ...WAKE_BUCKETS];

/**
 * Every metric of one wakegate process, in a registry of its own (never prom-client's global one),
 * so tests and several instances in one process do not collide. Names, types and labels are a
 * contract: `docs/metrics.md` lists them and a test keeps the two in step.
 *
 * Methods are called from the proxy, waker, sleeper and Kubernetes adapter; none of them throws
 * for a value of the declared types, and none does I/O.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #perEnvironment: boolean;
  readonly #requests: RequestMetrics;
  readonly #coldStarts: Counter<'result' | 'environment'>;
  readonly #wakeDuration: Histogram<'environment'>;
  readonly #wakePhases: Histogram<'phase' | 'environment'>;
  /** Set once the environments exist: the savings and keep-awake gauges read it at scrape time. */
  #fleet: (() => FleetFigures) | null = null;
  /** The fleet's figures of the scrape in progress. */
  #figures: FleetFigures | null = null;
  readonly #environments: Gauge<'phase'>;
  readonly #sleeps: Counter<'reason'>;
  readonly #upstreamErrors: Counter<'kind'>;
  readonly #kubeApiErrors: Counter<'verb' | 'code'>;
  readonly #kubeWatchRestarts: Counter<'kind'>;
  /** Read by the gauge at scrape time: holds and releases come in bursts and cost a field write. */
  #held = 0;

  constructor(options: MetricsOptions) {
    const registers = [this.registry];
    const environment = options.perEnvironment ? (['environment'] as const) : [];
    this.#perEnvironment = options.perEnvironment;
    collectDefaultMetrics({ register: this.registry, prefix: 'wakegate_' });

    this.#requests = new RequestMetrics(this.registry, options.perEnvironment);
    this.#coldStarts = new Counter({
      name: 'wakegate_cold_starts_total',
      help: 'Wakes started by a request, by how they ended.',
      labelNames: ['result', ...environment],
      registers,
    });
    this.#wakeDuration = new Histogram({
      name: 'wakegate_wake_duration_seconds',
      help: 'Time from the start of a successful wake until the environment was ready.',
      labelNames: [...environment],
      buckets: WAKE_BUCKETS,
      registers,
    });
    this.#wakePhases = new Histogram({
      name: 'wakegate_wake_phase_seconds',
      help: 'A successful wake\'s time by phase: scale request, start, readiness, first byte.',
      labelNames: ['phase', ...environment],
      buckets: WAKE_PHASE_BUCKETS,
      registers,
    });
    this.#savingsGauges(registers, environment, options.costConfigured ?? false);
    const heldGauge: Gauge = new Gauge({
      name: 'wakegate_held_requests',
      help: 'Requests currently held while their environment wakes.',
      registers,
      collect: () => heldGauge.set(this.#held),
    });
    new Gauge({
      name: 'wakegate_held_requests_limit',
      help: 'The configured bound on held requests (wake.maxHeldTotal).',
      registers,
    }).set(options.heldRequestsLimit ?? 0);
    this.#environments = new Gauge({
      name: 'wakegate_environments',
      help: 'Known environments, by phase.',
      labelNames: ['phase'],
      registers,
    });
    this.#sleeps = new Counter({
      name: 'wakegate_sleeps_total',
      help: 'Environments put to sleep, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.#upstreamErrors = new Counter({
      name: 'wakegate_upstream_errors_total',
      help: 'Failed forwards to an upstream, by kind.',
      labelNames: ['kind'],
      registers,
    });
    this.#kubeApiErrors = new Counter({
      name: 'wakegate_kube_api_errors_total',
      help: 'Failed Kubernetes API calls, by verb and status code (or network/timeout).',
      labelNames: ['verb', 'code'],
      registers,
    });
    this.#kubeWatchRestarts = new Counter({
      name: 'wakegate_kube_watch_restarts_total',
      help: 'Kubernetes watches restarted after an error or expiry, by kind watched.',
      labelNames: ['kind'],
      registers,
    });
    this.#zeroBoundedSeries();
  }

  /** Once per answered proxy request. `environment` only matters with per-environment labels on. */
  observeRequest(statusCode: number, seconds: number, environment?: string): void {
    this.#requests.observe(statusCode, seconds, environment);
  }

  /** Once per wake started by a request. `seconds` is observed only for `success`: failures are counted, not timed. */
  coldStart(result: ColdStartResult, seconds: number, environment?: string): void {
    if (!this.#perEnvironment) {
      this.#coldStarts.inc({ result });
      if (result === 'success') this.#wakeDuration.observe(seconds);
      return;
    }
    const labels = { environment: environment ?? '' };
    this.#coldStarts.inc({ result, ...labels });
    if (result === 'success') this.#wakeDuration.observe(labels, seconds);
  }

  /** One phase of a successful wake (`first_byte` later, when the first held request is answered). */
  wakePhase(phase: WakePhase, seconds: number, environment?: string): void {
    if (this.#perEnvironment) this.#wakePhases.observe({ phase, environment: environment ?? '' }, seconds);
    else this.#wakePhases.observe({ phase }, seconds);
  }

  /** Where the savings and keep-awake gauges read from, at each scrape. */
  useFleet(figures: () => FleetFigures): void {
    this.#fleet = figures;
  }

  upstreamError(kind: UpstreamErrorKind): void {
    this.#upstreamErrors.inc({ kind });
  }

  setHeld(count: number): void {
    this.#held = count;
  }

  /** Replaces every phase's count; a phase absent from `counts` is 0. */
  setEnvironments(counts: Readonly<Partial<Record<EnvironmentPhase, number>>>): void {
    for (const phase of ENVIRONMENT_PHASES) this.#environments.set({ phase }, counts[phase] ?? 0);
  }

  sleep(reason: SleepReason): void {
    this.#sleeps.inc({ reason });
  }

  kubeApiError(verb: KubeVerb, code: KubeErrorCode): void {
    this.#kubeApiErrors.inc({ verb, code: String(code) });
  }

  /** `kind` is the watched Kubernetes kind (`Namespace`, `Deployment`, …): a bounded set. */
  kubeWatchRestart(kind: string): void {
    this.#kubeWatchRestarts.inc({ kind });
  }

  /** Drops an environment's series once it no longer exists. A no-op without per-environment labels. */
  forgetEnvironment(environment: string): void {
    if (!this.#perEnvironment) return;
    this.#requests.forget(environment);
    this.#wakeDuration.remove({ environment });
    for (const phase of WAKE_PHASES) this.#wakePhases.remove({ phase, environment });
    for (const result of COLD_START_RESULTS) this.#coldStarts.remove({ result, environment });
  }

  /** The Prometheus text exposition of every metric above plus the process metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    this.#figures = this.#fleet?.() ?? null;
    try {
      return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    } finally {
      this.#figures = null;
    }
  }

  /**
   * The savings and keep-awake gauges. They read `#figures`, which `render` computes once per
   * scrape (one pass over the environments, however many gauges read it).
   */
  #savingsGauges(registers: Registry[], environment: readonly 'environment'[], costConfigured: boolean): void {
    const windowGauge = (name: string, help: string, value: (w: WindowFigures) => number | null): void => {
      const gauge: Gauge<'window' | 'environment'> = new Gauge({
        name,
        help,
        labelNames: ['window', ...environment],
        registers,
        collect: () => {
          gauge.reset();
          for (const entry of this.#figures?.savings ?? []) {
            for (const window of SAVINGS_WINDOW_LABELS) {
              const v = value(entry.windows[window]);
              if (v === null) continue;
              gauge.set(entry.environment === undefined ? { window } : { window, environment: entry.environment }, v);
            }
          }
        },
      });
    };
    windowGauge('wakegate_asleep_hours', 'Hours environments spent asleep in the window (24h, 7d).', (w) => w.asleepHours);
    windowGauge('wakegate_saved_replica_hours', 'Replica-hours not run in the window because environments slept.', (w) => w.savedReplicaHours);
    if (costConfigured) windowGauge('wakegate_saved_cost', 'Saved replica-hours times costs.perReplicaHour, in costs.currency.', (w) => w.savedCost);
    const kept: Gauge = new Gauge({
      name: 'wakegate_keep_awake_environments',
      help: 'Environments kept awake by a keep-awake wish right now.',
      registers,
      collect: () => kept.set(this.#figures?.keptAwake ?? 0),
    });
  }

  #zeroBoundedSeries(): void {
    for (const kind of UPSTREAM_ERROR_KINDS) this.#upstreamErrors.inc({ kind }, 0);
    for (const reason of SLEEP_REASONS) this.#sleeps.inc({ reason }, 0);
    this.setEnvironments({});
    if (this.#perEnvironment) return;
    for (const result of COLD_START_RESULTS) this.#coldStarts.inc({ result }, 0);
  }
}
