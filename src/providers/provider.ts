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
  wake(id: string, signal: AbortSignal, progress: (step: string) => void): Promise<void>;
  /** Stops the environment (remembering what it needs to come back). Resolves once it is down. */
  sleep(id: string, reason: string): Promise<void>;
  /** The last lines the environment wrote (local processes), newest last; [] where not tracked. */
  output(id: string): readonly string[];
  /** Called when an environment goes down by itself (its process exited); not for `sleep`. */
  onDown(listener: (id: string, cause: string) => void): void;
  /**
   * Called when an environment wakegate had asleep is seen up without a wake of this process
   * (Kubernetes: another replica or a user scaled it up). Providers that cannot see that omit it.
   */
  onUp?(listener: (id: string, cause: string) => void): void;
  /** Stops everything it started; resolves when nothing is left running. */
  close(): Promise<void>;
}

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
