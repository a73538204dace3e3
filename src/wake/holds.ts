import type { Logger } from 'pino';
import { WakeTimedOut, type EnvironmentController } from '../environments/controller.js';
import type { Environment } from '../environments/environment.js';
import type { Metrics } from '../observability/metrics.js';
import type { ProxyError } from '../proxy/errors.js';
import type { ClientBound, ProxyRequest, ProxyResponse } from '../proxy/exchange.js';
import type { RequestContext } from '../proxy/request-context.js';
import { EVENTS_PATH, KEEP_AWAKE_PATH } from './event-path.js';
import { renderWaitingPage, wantsWaitingPage } from './waiting-page.js';
import { HoldLimitError, WakeBudgetError, WakeFailedError, WakeTimeoutError } from './wake-errors.js';

export interface HoldSettings {
  /** `wake.timeout`: the longest a request is held. */
  readonly timeout: number;
  readonly maxHeldPerEnvironment: number;
  readonly maxHeldTotal: number;
  readonly waitingPage: 'auto' | 'always' | 'never';
  /** The waiting page offers its keep-awake banner (off where `/.wakegate/keep-awake` could only refuse). */
  readonly keepAwakeBanner?: boolean;
}

/** What the proxy does with a request once its environment is ready, or instead. */
export interface HoldOutcome {
  /** The environment is awake: forward now (`ctx.coldStartMs` says how long it waited). */
  forward(): void;
  /** Answer with this problem instead. */
  reject(error: ProxyError): void;
  /** The client went away while held: nothing to answer. */
  abandoned(): void;
}

/** Seconds a client is told to wait before retrying when too many requests are held. */
const HOLD_RETRY_AFTER = 5;

/**
 * Holds requests for environments that are not awake: starts the wake (single-flight, in the
 * controller), parks the request until the environment is ready, then lets the proxy forward it.
 *
 * Every hold is bounded: in number (`wake.maxHeldPerEnvironment`, `wake.maxHeldTotal` → 503 with
 * Retry-After), in time (`wake.timeout` → 504 naming the environment, its phase, the seconds waited
 * and the step that was not ready), and by the client (a client that leaves frees its slot at once,
 * and its departure does not affect the wake others wait for). A wake that fails for a known cause
 * answers 502 with it at once. A held request's body is not read while it waits: backpressure keeps
 * it in the client's socket until the request is forwarded.
 */
export class Holds {
  readonly #controller: EnvironmentController;
  readonly #settings: HoldSettings;
  readonly #metrics: Pick<Metrics, 'setHeld'>;
  readonly #logger: Logger;
  #total = 0;
  readonly #perEnvironment = new Map<string, number>();

  constructor(deps: { controller: EnvironmentController; settings: HoldSettings; metrics: Pick<Metrics, 'setHeld'>; logger: Logger }) {
    this.#controller = deps.controller;
    this.#settings = deps.settings;
    this.#metrics = deps.metrics;
    this.#logger = deps.logger;
  }

  /**
   * A browser asking for a page while the environment is not awake gets the waiting page at once
   * (and the wake starts). Returns false when the request is not one for the waiting page.
   */
  answerWithWaitingPage(req: ProxyRequest, res: ProxyResponse, env: Environment): ProxyError | boolean {
    if (!wantsWaitingPage(req, this.#settings.waitingPage)) return false;
    const refusal = this.#controller.ensureWaking(env, 'a browser');
    if (refusal !== null) return new WakeBudgetError(env.id, refusal.budget, refusal.retryAfter);
    const now = Date.now();
    const query = `?env=${encodeURIComponent(env.id)}`;
    const html = renderWaitingPage({
      environment: env.id,
      phase: env.phase,
      startedAt: env.wakeStartedAt ?? now,
      eventsUrl: `${EVENTS_PATH}${query}`,
      now,
      ...(this.#settings.keepAwakeBanner === true ? { keepAwakeUrl: `${KEEP_AWAKE_PATH}${query}` } : {}),
    });
    res.writeHead(200, undefined, ['content-type', 'text/html; charset=utf-8', 'cache-control', 'no-store', 'content-length', String(Buffer.byteLength(html))]);
    res.end(html);
    return true;
  }

  /** Holds `req` until `env` is awake, then `outcome.forward()`; or answers through `outcome`. */
  hold(req: ProxyRequest, env: Environment, ctx: RequestContext, outcome: HoldOutcome): void {
    const envHeld = this.#perEnvironment.get(env.id) ?? 0;
    if (envHeld >= this.#settings.maxHeldPerEnvironment) return outcome.reject(new HoldLimitError(env.id, this.#settings.maxHeldPerEnvironment, 'environment', HOLD_RETRY_AFTER));
    if (this.#total >= this.#settings.maxHeldTotal) return outcome.reject(new HoldLimitError(env.id, this.#settings.maxHeldTotal, 'total', HOLD_RETRY_AFTER));
    const refusal = this.#controller.ensureWaking(env, 'a request');
    if (refusal !== null) return outcome.reject(new WakeBudgetError(env.id, refusal.budget, refusal.retryAfter));

    this.#take(env.id, envHeld);
    const heldAt = Date.now();
    const client = new AbortController();
    const bound: ClientBound = { clientClosed: () => client.abort(new ClientGone()) };
    req.bind(bound);
    const deadline = AbortSignal.timeout(this.#settings.timeout);
    void env.whenReady(AbortSignal.any([client.signal, deadline])).then((result) => {
      req.unbind(bound);
      this.#release(env.id);
      const waited = Date.now() - heldAt;
      if (result.ready) {
        ctx.coldStartMs = waited;
        ctx.onFirstByte = () => this.#controller.firstByte(env);
        return outcome.forward();
      }
      if (result.error instanceof ClientGone) return outcome.abandoned();
      if (result.error instanceof WakeTimedOut || deadline.aborted) {
        return outcome.reject(new WakeTimeoutError(env.id, env.phase, waited / 1000, env.lastStep));
      }
      return outcome.reject(new WakeFailedError(env.id, result.error.message, waited / 1000));
    });
  }

  #take(id: string, envHeld: number): void {
    this.#perEnvironment.set(id, envHeld + 1);
    this.#total++;
    this.#metrics.setHeld(this.#total);
  }

  #release(id: string): void {
    const left = (this.#perEnvironment.get(id) ?? 1) - 1;
    if (left === 0) this.#perEnvironment.delete(id);
    else this.#perEnvironment.set(id, left);
    this.#total--;
    this.#metrics.setHeld(this.#total);
    if (this.#total === 0) this.#logger.debug('no requests held');
  }
}

class ClientGone extends Error {
  override readonly name = 'ClientGone';
  constructor() {
    super('the client went away');
  }
}
