/**
 * The port every provider implements: what it takes to wake an environment, put it to sleep, and
 * learn that it went down by itself. Providers own no phase: the waker and the sleeper drive phases
 * and call the provider for the work. Static environments have no provider (always awake).
 */
export interface EnvironmentProvider {
  readonly kind: 'local' | 'kubernetes';
  /**
   * Brings the environment up and resolves once it is ready to serve (its readiness check passed).
   * Idempotent: waking an environment that is already up resolves as soon as it is ready.
   * Rejects with a `WakeFailure` as soon as the cause is known (the process exited, a workload
   * cannot start) — never by waiting out a deadline; the caller owns the deadline and aborts
   * `signal` when it passes. `progress` reports human-readable steps for the waiting page.
   */
  wake(id: string, signal: AbortSignal, progress: (step: string) => void, mark?: (mark: WakeMark) => void): Promise<void>;
  /** Stops the environment (remembering what it needs to come back). Resolves once it is down. */
  sleep(id: string, reason: string): Promise<void>;
  /** The last lines the environment wrote (local processes), newest last; [] where not tracked. */
  output(id: string): readonly string[];
  /** Tells `listener` of each new output line; returns the unsubscribe function, or null where output is not kept. */
  followOutput?(id: string, listener: (line: string) => void): (() => void) | null;
  /** Called when an environment goes down by itself (its process exited); not for `sleep`. */
  onDown(listener: (id: string, cause: string) => void): void;
  /**
   * Called when an environment wakegate had asleep is seen up without a wake of this process
   * (Kubernetes: another replica or a user scaled it up). Providers that cannot see that omit it.
   */
  onUp?(listener: (id: string, cause: string) => void): void;
  /**
   * Records a keep-awake wish where every wakegate replica sees it (Kubernetes: Namespace
   * annotations); null withdraws it. Providers without shared state omit it: the wish then lives in
   * this process only.
   */
  keepAwake?(id: string, wish: { until: number; by: string } | null): Promise<void>;
  /** Stops everything it started; resolves when nothing is left running. */
  close(): Promise<void>;
}

/**
 * Boundaries of a wake's phases a provider reports as it passes them (each at most once):
 * `requested` — the workloads were asked to scale (Kubernetes) or the process was spawned (local);
 * `started` — their pods' containers run (Kubernetes) or the process's port accepts connections.
 */
export type WakeMark = 'requested' | 'started';

/** Why a wake failed, worded for a 502 problem and the API (e.g. "the process exited with code 1"). */
export class WakeFailure extends Error {
  constructor(
    message: string,
    /** What was not ready or what failed, for the problem document (e.g. `process`, `readiness`). */
    readonly stage: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WakeFailure';
  }
}
