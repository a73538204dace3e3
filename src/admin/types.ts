import type { Server } from 'node:http';
import type { Logger } from 'pino';
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
  [more: string]: unknown;
}

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
  wake(id: string): Promise<ControlOutcome>;
  sleep(id: string): Promise<ControlOutcome>;
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
