import type { Logger } from 'pino';

import type { Environment } from '../environments/environment.js';
import type { SleepReason } from '../observability/metric-labels.js';
import { decide, type Decision, type PolicyInput, type SleepSettings } from './policy.js';

export interface SleeperDeps {
  /** All known environments; read once at the start of each pass. */
  readonly environments: () => Iterable<Environment>;
  readonly settings: SleepSettings;
  /** ms between the end of one pass and the start of the next. */
  readonly checkEvery: number;
  /** Puts one environment to sleep (the composition root wires the provider + phases); resolves when done, rejects on failure. */
  readonly sleep: (env: Environment, reason: SleepReason, because: string) => Promise<void>;
  readonly logger: Logger;
  /** Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Whether this process may put environments to sleep now (default: always). With several
   * wakegate replicas on Kubernetes only the holder of the sleeper Lease may; the others skip passes.
   */
  readonly leading?: () => boolean;
  /** Default `setTimeout(...).unref()`: a pending check never keeps the process alive. */
  readonly schedule?: (fn: () => void, ms: number) => { cancel(): void };
}

/**
 * How many environments one pass puts to sleep at once. Stopping can take a while (a local
 * process gets its grace period, a Deployment its scale-down), so one at a time would let one slow
 * stop hold back every other idle environment; all at once would let a pass after a quiet night
 * fire dozens of stops at the API server or the machine together. A handful is both prompt and gentle.
 */
const SLEEP_CONCURRENCY = 4;

/**
 * Puts idle environments to sleep: every `checkEvery` one pass asks the policy about each
 * environment and calls `sleep` for those it says to. Metrics and phases are not its business: the
 * injected `sleep` does both.
 *
 * A pass never overlaps the next: the next is scheduled when one ends, and `checkNow` during a
 * pass joins it. Each environment is decided right before its `sleep` call, not at the start of
 * the pass, so a request that arrived while other environments were being stopped still counts.
 */
export class Sleeper {
  readonly #deps: SleeperDeps;
  readonly #now: () => number;
  readonly #schedule: (fn: () => void, ms: number) => { cancel(): void };
  #timer: { cancel(): void } | null = null;
  #pass: Promise<void> | null = null;
  #started = false;
  #stopped = false;

  constructor(deps: SleeperDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#schedule = deps.schedule ?? unrefTimeout;
  }

  /** Starts the checks; the first pass runs `checkEvery` from now. Idempotent; no-op once stopped. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#scheduleNext();
  }

  /**
   * Cancels the next check and resolves once a pass in progress has ended. That pass finishes the
   * sleeps it started but starts no new one: the process is shutting down, and its providers stop
   * what they started anyway.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = null;
    await this.#pass;
  }

  /** One pass now, for tests and for an explicit check; joins a pass in progress. Never rejects. */
  checkNow(): Promise<void> {
    if (this.#pass !== null) return this.#pass;
    if (this.#stopped) return Promise.resolve();
    const pass = this.#runPass().finally(() => {
      this.#pass = null;
    });
    this.#pass = pass;
    return pass;
  }

  /** What the policy says about `env` now: for the API, why it is awake and when it would sleep. */
  explain(env: Environment): Decision {
    return decide(policyInput(env), this.#deps.settings, this.#now());
  }

  #scheduleNext(): void {
    this.#timer = this.#schedule(() => {
      this.#timer = null;
      void this.checkNow().then(() => {
        if (!this.#stopped) this.#scheduleNext();
      });
    }, this.#deps.checkEvery);
  }

  async #runPass(): Promise<void> {
    if (this.#deps.leading !== undefined && !this.#deps.leading()) return;
    let environments: Environment[];
    try {
      environments = [...this.#deps.environments()];
    } catch (err) {
      this.#deps.logger.error({ err }, 'could not list environments to check for idleness');
      return;
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!this.#stopped && next < environments.length) {
        const env = environments[next++];
        if (env !== undefined) await this.#consider(env);
      }
    };
    const workers = Math.min(SLEEP_CONCURRENCY, environments.length);
    await Promise.all(Array.from({ length: workers }, worker));
  }

  /** Decides about one environment and puts it to sleep if the policy says so; never rejects. */
  async #consider(env: Environment): Promise<void> {
    const decision = this.explain(env);
    if (decision.action !== 'sleep') return;
    const { reason, because } = decision;
    const environment = env.id;
    this.#deps.logger.info({ environment, reason, because }, 'putting environment to sleep');
    try {
      await this.#deps.sleep(env, reason, because);
    } catch (err) {
      this.#deps.logger.warn({ environment, reason, err }, 'could not put environment to sleep');
    }
  }
}

function policyInput(env: Environment): PolicyInput {
  return {
    phase: env.phase,
    kind: env.spec.kind,
    lastActivity: env.activity.lastRequestAt,
    inFlight: env.activity.inFlight,
    wokeAt: env.wokeAt,
    idleAfter: env.spec.idleAfter,
    keepAwakeUntil: env.keepAwakeUntil,
  };
}

function unrefTimeout(fn: () => void, ms: number): { cancel(): void } {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
}
