import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  COLD_START_RESULTS,
  ENVIRONMENT_PHASES,
  SLEEP_REASONS,
  UPSTREAM_ERROR_KINDS,
  type ColdStartResult,
  type EnvironmentPhase,
  type KubeErrorCode,
  type KubeVerb,
  type SleepReason,
  type UpstreamErrorKind,
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
} from './metric-labels.js';

export interface MetricsOptions {
  /** `metrics.perEnvironment`: environment names become a label of the request and cold-start metrics. */
  readonly perEnvironment: boolean;
  /** The configured bound on held requests (`wake.maxHeldTotal`); `wakegate_held_requests_limit` is 0 without one. */
  readonly heldRequestsLimit?: number;
}

/** Seconds. A wake takes from a fraction of a second (a local process) to minutes (image pulls). */
const WAKE_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 180, 300];

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
    for (const result of COLD_START_RESULTS) this.#coldStarts.remove({ result, environment });
  }

  /** The Prometheus text exposition of every metric above plus the process metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  #zeroBoundedSeries(): void {
    for (const kind of UPSTREAM_ERROR_KINDS) this.#upstreamErrors.inc({ kind }, 0);
    for (const reason of SLEEP_REASONS) this.#sleeps.inc({ reason }, 0);
    this.setEnvironments({});
    if (this.#perEnvironment) return;
    for (const result of COLD_START_RESULTS) this.#coldStarts.inc({ result }, 0);
  }
}
