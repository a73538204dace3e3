import type { EnvironmentPhase } from '../environments/environment.js';
import { ProxyError } from '../proxy/errors.js';

/** Answers of the wake path: every one names the environment, and the 503s say when to retry. */

/** The request waited `wake.timeout` and the environment was still not ready. */
export class WakeTimeoutError extends ProxyError {
  readonly code = 'WAKEGATE_WAKE_TIMEOUT';
  readonly status = 504;
  readonly title = 'The environment did not wake in time';
  constructor(
    readonly environment: string,
    readonly phase: EnvironmentPhase,
    readonly waitedSeconds: number,
    /** The step the wake was at: what was not ready. */
    readonly notReady: string | null,
  ) {
    super(`environment "${environment}" was not ready after ${waitedSeconds.toFixed(1)} s (phase ${phase}${notReady === null ? '' : `; ${notReady}`})`);
  }
  override extensions(): Record<string, unknown> {
    return { environment: this.environment, phase: this.phase, waitedSeconds: round(this.waitedSeconds), notReady: this.notReady };
  }
}

/** The wake failed for a known cause (the process exited, a workload cannot start). */
export class WakeFailedError extends ProxyError {
  readonly code = 'WAKEGATE_WAKE_FAILED';
  readonly status = 502;
  readonly title = 'The environment failed to wake';
  constructor(
    readonly environment: string,
    readonly failure: string,
    readonly waitedSeconds: number,
  ) {
    super(`environment "${environment}" failed to wake: ${failure}`);
  }
  override extensions(): Record<string, unknown> {
    return { environment: this.environment, phase: 'failed', waitedSeconds: round(this.waitedSeconds), cause: this.failure };
  }
}

/** A 503 that tells the client when to come back (`Retry-After`, seconds). */
abstract class RetryLaterError extends ProxyError {
  abstract readonly retryAfter: number;
  override headers(): string[] {
    return ['retry-after', String(this.retryAfter)];
  }
}

/** Too many requests are already held (for this environment, or in total). */
export class HoldLimitError extends RetryLaterError {
  readonly code = 'WAKEGATE_HOLD_LIMIT';
  readonly status = 503;
  readonly title = 'Too many requests are waiting for a wake';
  constructor(
    readonly environment: string,
    readonly limit: number,
    readonly scope: 'environment' | 'total',
    readonly retryAfter: number,
  ) {
    super(scope === 'environment' ? `${limit} requests are already waiting for environment "${environment}" to wake` : `${limit} requests are already waiting for environments to wake`);
  }
  override extensions(): Record<string, unknown> {
    return { environment: this.environment, limit: this.limit, scope: this.scope };
  }
}

/** The environment was woken `wake.maxWakesPerHour` times in the last hour. */
export class WakeBudgetError extends RetryLaterError {
  readonly code = 'WAKEGATE_WAKE_BUDGET';
  readonly status = 503;
  readonly title = 'The environment was woken too often';
  constructor(
    readonly environment: string,
    readonly budget: number,
    readonly retryAfter: number,
  ) {
    super(`environment "${environment}" was woken ${budget} times in the last hour (wake.maxWakesPerHour); it can be woken again in ${retryAfter} s`);
  }
  override extensions(): Record<string, unknown> {
    return { environment: this.environment, budget: this.budget };
  }
}

/** A probe, crawler or uptime check asked for a sleeping environment: it does not wake it. */
export class IgnoredClientError extends RetryLaterError {
  readonly code = 'WAKEGATE_NOT_WOKEN_FOR_CLIENT';
  readonly status = 503;
  readonly title = 'The environment is asleep';
  constructor(
    readonly environment: string,
    readonly phase: EnvironmentPhase,
    readonly retryAfter: number,
  ) {
    super(`environment "${environment}" is ${phase}, and this client's user agent is in wake.ignoreUserAgents, so it does not wake it`);
  }
  override extensions(): Record<string, unknown> {
    return { environment: this.environment, phase: this.phase };
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
