import type { Logger } from 'pino';
import { wakePhases, type WakeRecord } from '../history/environment-history.js';
import type { FleetTimeline } from '../history/fleet-timeline.js';
import type { Metrics } from '../observability/metrics.js';
import type { SleepReason } from '../observability/metric-labels.js';
import { WakeFailure, type EnvironmentProvider } from '../providers/provider.js';
import type { Environment } from './environment.js';

export interface ControllerDeps {
  /** The provider that runs an environment; null for static environments (always awake). */
  readonly providerOf: (env: Environment) => EnvironmentProvider | null;
  readonly metrics: Pick<Metrics, 'coldStart' | 'sleep' | 'wakePhase'>;
  /** Successful wakes feed the dashboard's chart. */
  readonly timeline?: Pick<FleetTimeline, 'wakeSucceeded'>;
  readonly logger: Logger;
  /** `wake.timeout`: a wake not ready by then fails (and its held requests get 504). */
  readonly wakeTimeout: number;
  /** `wake.maxWakesPerHour` per environment. */
  readonly maxWakesPerHour: number;
  readonly perEnvironmentMetrics: boolean;
  readonly now?: () => number;
}

/** Why a wake was not started. */
export type WakeRefusal = { readonly budget: number; readonly retryAfter: number };

const HOUR = 3_600_000;

/**
 * Drives phases: wakes (single-flight per environment, within a wake budget) and sleeps, calling
 * the provider for the work. Every transition goes through here, so the phase an environment shows
 * is the one its provider was last asked for:
 *
 *   asleep|failed ─wake→ waking ─ready→ awake ─sleep→ sleeping ─down→ asleep
 *                          └─fails or times out→ failed (the next request retries)
 *
 * A wake asked for while a sleep is still running starts as soon as the sleep is done.
 */
export class EnvironmentController {
  readonly #deps: ControllerDeps;
  readonly #now: () => number;
  readonly #wakes = new Map<string, Promise<void>>();
  readonly #sleeps = new Map<string, Promise<void>>();
  /** Start times of the wakes of the last hour, per environment. */
  readonly #wakeTimes = new Map<string, number[]>();

  constructor(deps: ControllerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /**
   * Makes sure `env` is awake or on its way: starts a wake unless one runs. Returns a refusal when
   * the wake budget is spent; otherwise the caller waits on `env.whenReady`.
   */
  ensureWaking(env: Environment, trigger: string): WakeRefusal | null {
    if (env.phase === 'awake' || this.#wakes.has(env.id)) return null;
    const provider = this.#deps.providerOf(env);
    if (provider === null) return null;
    const refusal = this.#spendBudget(env);
    if (refusal !== null) {
      this.#deps.logger.warn({ environment: env.id, budget: this.#deps.maxWakesPerHour, retryAfter: refusal.retryAfter, trigger }, 'wake refused: the wake budget for the last hour is spent');
      return refusal;
    }
    const wake = this.#wake(env, provider, trigger).finally(() => this.#wakes.delete(env.id));
    this.#wakes.set(env.id, wake);
    return null;
  }

  /** Puts `env` to sleep (idempotent); resolves when it is asleep. */
  sleep(env: Environment, reason: SleepReason, because: string): Promise<void> {
    const running = this.#sleeps.get(env.id);
    if (running !== undefined) return running;
    const provider = this.#deps.providerOf(env);
    if (provider === null) return Promise.reject(new Error(`"${env.id}" is a static environment: its upstream is always up and never put to sleep`));
    const sleep = this.#sleep(env, provider, reason, because).finally(() => this.#sleeps.delete(env.id));
    this.#sleeps.set(env.id, sleep);
    return sleep;
  }

  /**
   * The provider saw the environment up although wakegate had it asleep or failed: another replica or
   * a user woke it. Requests go straight through from now on. A wake or sleep of ours in progress
   * decides the phase itself.
   */
  cameUp(env: Environment, cause: string): void {
    if ((env.phase !== 'asleep' && env.phase !== 'failed') || this.#wakes.has(env.id) || this.#sleeps.has(env.id)) return;
    this.#deps.logger.info({ environment: env.id, cause }, 'environment is awake');
    env.setPhase('awake', this.#now(), cause);
  }

  /**
   * The first request held by the last wake got its response head from the upstream: the end of
   * the wake's last phase, as a user sees it. Later requests, and requests long after, do not count.
   */
  firstByte(env: Environment): void {
    const wake = env.history.lastWake;
    const now = this.#now();
    if (wake === undefined || wake.result !== 'success' || wake.firstByteAt !== null || wake.readyAt === null) return;
    if (now - wake.readyAt > this.#deps.wakeTimeout) return;
    wake.firstByteAt = now;
    const seconds = wakePhases(wake).firstByte;
    if (seconds !== null) this.#deps.metrics.wakePhase('first_byte', seconds, this.#label(env));
  }

  /** The provider saw the environment go down by itself (its process exited). */
  wentDown(env: Environment, cause: string): void {
    if (env.phase !== 'awake' || this.#sleeps.has(env.id)) return;
    this.#deps.logger.warn({ environment: env.id, cause }, 'environment went down; the next request wakes it');
    env.setPhase('asleep', this.#now(), cause);
  }

  async #wake(env: Environment, provider: EnvironmentProvider, trigger: string): Promise<void> {
    const pendingSleep = this.#sleeps.get(env.id);
    if (pendingSleep !== undefined) await pendingSleep.catch(() => undefined);
    const started = this.#now();
    env.wakeStartedAt = started;
    env.lastError = null;
    env.lastStep = null;
    const record = env.history.beginWake(started, trigger);
    env.setPhase('waking', started, `woken by ${trigger}`);
    this.#deps.logger.info({ environment: env.id, trigger }, 'waking environment');
    const deadline = AbortSignal.timeout(this.#deps.wakeTimeout);
    try {
      await provider.wake(
        env.id,
        deadline,
        (step) => env.progress(step, this.#now()),
        (mark) => {
          if (mark === 'requested') record.requestedAt ??= this.#now();
          else record.startedUpAt ??= this.#now();
        },
      );
      const now = this.#now();
      env.lastWakeMs = now - started;
      record.readyAt = now;
      this.#ended(record, 'success', now, null);
      env.setPhase('awake', now, `woken by ${trigger}`);
      this.#coldStart('success', env);
      this.#observePhases(env, record);
      this.#deps.timeline?.wakeSucceeded(now, env.lastWakeMs / 1000);
      this.#deps.logger.info({ environment: env.id, ms: env.lastWakeMs }, 'environment is awake');
    } catch (err) {
      const now = this.#now();
      const timedOut = deadline.aborted && !(err instanceof WakeFailure);
      // Set by progress callbacks during the wake (the narrowing from the reset above does not hold).
      const step = env.lastStep as string | null;
      const reason = timedOut
        ? `not ready within ${Math.round(this.#deps.wakeTimeout / 1000)} s${step === null ? '' : ` (${step})`}`
        : err instanceof Error
          ? err.message
          : String(err);
      env.lastError = reason;
      this.#ended(record, timedOut ? 'timeout' : 'failure', now, reason);
      env.setPhase('failed', now, reason, timedOut ? new WakeTimedOut(reason) : err instanceof Error ? err : new Error(reason));
      this.#coldStart(timedOut ? 'timeout' : 'failure', env);
      this.#deps.logger.warn({ environment: env.id, reason, ms: now - started }, 'wake failed; the next request retries');
    }
  }

  async #sleep(env: Environment, provider: EnvironmentProvider, reason: SleepReason, because: string): Promise<void> {
    const wake = this.#wakes.get(env.id);
    env.setPhase('sleeping', this.#now(), because);
    this.#deps.logger.info({ environment: env.id, reason, because }, 'putting environment to sleep');
    try {
      await provider.sleep(env.id, because);
    } finally {
      if (wake !== undefined) await wake.catch(() => undefined);
      env.setPhase('asleep', this.#now(), because);
    }
    this.#deps.metrics.sleep(reason);
  }

  #coldStart(result: 'success' | 'failure' | 'timeout', env: Environment): void {
    const seconds = (env.lastWakeMs ?? 0) / 1000;
    this.#deps.metrics.coldStart(result, seconds, this.#label(env));
  }

  #ended(record: WakeRecord, result: 'success' | 'failure' | 'timeout', now: number, error: string | null): void {
    record.result = result;
    record.endedAt = now;
    record.error = error;
  }

  /** The phases a successful wake went through (the first byte is observed when it comes). */
  #observePhases(env: Environment, record: WakeRecord): void {
    const phases = wakePhases(record);
    const label = this.#label(env);
    if (phases.scaleRequest !== null) this.#deps.metrics.wakePhase('scale_request', phases.scaleRequest, label);
    if (phases.start !== null) this.#deps.metrics.wakePhase('start', phases.start, label);
    if (phases.readiness !== null) this.#deps.metrics.wakePhase('readiness', phases.readiness, label);
  }

  #label(env: Environment): string | undefined {
    return this.#deps.perEnvironmentMetrics ? env.id : undefined;
  }

  #spendBudget(env: Environment): WakeRefusal | null {
    const now = this.#now();
    const times = (this.#wakeTimes.get(env.id) ?? []).filter((t) => now - t < HOUR);
    if (times.length >= this.#deps.maxWakesPerHour) {
      this.#wakeTimes.set(env.id, times);
      return { budget: this.#deps.maxWakesPerHour, retryAfter: Math.max(1, Math.ceil((times[0]! + HOUR - now) / 1000)) };
    }
    times.push(now);
    this.#wakeTimes.set(env.id, times);
    return null;
  }
}

/** The wake ran out of `wake.timeout`: held requests answer 504 rather than 502. */
export class WakeTimedOut extends Error {
  override readonly name = 'WakeTimedOut';
}
