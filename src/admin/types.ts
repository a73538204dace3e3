import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Savings } from '../history/savings.js';
import type { EnvironmentPhase, Metrics } from '../observability/metrics.js';

/** What `/readyz` reports. Both are cheap reads of in-memory state. */
export interface AdminHealth {
  /** true once the first provider sync is done */
  isSynced(): boolean;
  /** true after SIGTERM */
  isDraining(): boolean;
}

/** One environment as `GET /api/v1/environments` shows it (and `wakegate status --json` prints it). */
export interface EnvironmentView {
  id: string;
  phase: EnvironmentPhase;
  kind: 'static' | 'local' | 'kubernetes';
  hosts: string[];
  upstream: string;
  /** RFC 3339 */
  lastActivity: string | null;
  /** RFC 3339; null when the environment never sleeps or is not awake */
  sleepsAt: string | null;
  awakeBecause: string | null;
  /** Requests in flight and answered, where the provider tracks activity (absent for static environments). */
  inFlight?: number;
  requests?: number;
  replicas: { current: number; awake: number } | null;
  keepAwake: { until: string; by: string; at: string | null } | null;
  savings: Savings;
  [more: string]: unknown;
}

/** `GET /api/v1/environments/{id}`: the view plus recent events and wakes. */
export interface EnvironmentDetail extends EnvironmentView {
  events: object[];
  wakes: object[];
}

/** What `GET /api/v1/environments` filters and pages by. */
export interface EnvironmentQuery {
  readonly q?: string;
  readonly phase?: EnvironmentPhase;
  readonly offset: number;
  readonly limit?: number;
}

/** `GET /api/v1/summary` (docs/admin-api.md). */
export interface FleetSummary {
  at: string;
  phases: Record<EnvironmentPhase, number>;
  held: number;
  heldLimit: number;
  savings: Savings & { currency: string | null; perReplicaHour: number | null };
  wakeChart: { at: string; count: number; p50: number; p95: number }[];
  heldChart: { at: string; max: number }[];
}

/** A change the event stream passes on. */
export type FleetChange = { readonly type: 'environment'; readonly id: string } | { readonly type: 'removed'; readonly id: string } | { readonly type: 'progress'; readonly id: string; readonly step: string; readonly at: number };

/** What a wake or sleep asked through the API came to. */
export type ControlOutcome =
  | { readonly done: true; readonly view: EnvironmentView }
  /** 409: not possible for this environment (static); 502: the wake failed; 503: refused for now (wake budget); 504: not ready in time. */
  | { readonly done: false; readonly status: 409 | 502 | 503 | 504; readonly reason: string };

/**
 * The environments as the admin API sees them. Reads are answered from the latest snapshot (no
 * I/O); `wake` and `sleep` are idempotent and resolve once done, or with the reason they cannot be.
 */
export interface EnvironmentsSource {
  list(): EnvironmentView[];
  get(id: string): EnvironmentView | undefined;
  detail(id: string): EnvironmentDetail | undefined;
  wake(id: string): Promise<ControlOutcome>;
  sleep(id: string): Promise<ControlOutcome>;
  /** Records (or with null withdraws) a keep-awake wish; does not wake. */
  keepAwake(id: string, wish: { until: number; by: string } | null): Promise<ControlOutcome>;
  summary(): FleetSummary;
  /** Every change of every environment; returns the unsubscribe function. */
  subscribe(listener: (change: FleetChange) => void): () => void;
  /** Output lines kept for a local environment; null when the environment keeps none (not local). */
  output(id: string): readonly string[] | null;
  /** New output lines of a local environment; null when it keeps none. */
  followOutput(id: string, listener: (line: string) => void): (() => void) | null;
}

export interface AdminServerDeps {
  readonly logger: Logger;
  /** Only `render()` is used: the admin server exposes metrics, it does not record any. */
  readonly metrics: Pick<Metrics, 'render'>;
  readonly health: AdminHealth;
  readonly environments: EnvironmentsSource;
  /** `admin.token`, empty when none is configured; see `authorizeWrite`. Never written anywhere. */
  readonly token: string;
}

export interface AdminServer {
  readonly server: Server;
  /** Resolves with the bound address (port 0 picks a free port). */
  listen(host: string, port: number): Promise<{ host: string; port: number }>;
  /**
   * Stops accepting, closes idle keep-alive connections at once and the others as soon as their
   * current response is done; resolves when every connection is closed.
   */
  close(): Promise<void>;
}
