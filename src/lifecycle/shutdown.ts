import type { Logger } from 'pino';

/** What a graceful stop needs from the proxy listener. */
export interface Drainable {
  /** From now on responses carry `Connection: close`. */
  startDraining(): void;
  /** Stop accepting, close idle connections; resolves when every client connection has closed. */
  drain(): Promise<void>;
  readonly openConnections: number;
  /** Ends every remaining connection at once. */
  closeAllConnections(): void;
}

export interface ShutdownDeps {
  readonly logger: Logger;
  readonly drainDelay: number;
  readonly grace: number;
  readonly proxy: Drainable;
  /** Told first, so `/readyz` answers 503 at once. */
  readonly onDraining: () => void;
  /** Run after the proxy has drained (close pools, the admin server, providers), in order. */
  readonly closers: readonly (() => Promise<void>)[];
  readonly exit: (code: number) => void;
  readonly setTimer?: (fn: () => void, ms: number) => { unref?: () => void };
}

/**
 * SIGTERM/SIGINT → readiness 503 at once and `Connection: close` on every response; after
 * `drainDelay` (time for the load balancer to stop sending) the listener stops accepting; in-flight
 * requests get up to `grace` to finish; then pools and the admin server close and the process exits 0
 * — as soon as nothing is left, not at the end of the grace period. A second signal exits at once.
 * (Knative's activator and nginx's graceful shutdown follow the same order.)
 */
export class GracefulShutdown {
  readonly #deps: ShutdownDeps;
  #started = false;

  constructor(deps: ShutdownDeps) {
    this.#deps = deps;
  }

  get started(): boolean {
    return this.#started;
  }

  /** Installs the signal handlers on `process`. */
  install(proc: Pick<NodeJS.Process, 'on'>): void {
    proc.on('SIGTERM', () => this.signal('SIGTERM'));
    proc.on('SIGINT', () => this.signal('SIGINT'));
  }

  signal(name: string): void {
    const { logger, exit } = this.#deps;
    if (this.#started) {
      logger.warn({ signal: name, openConnections: this.#deps.proxy.openConnections }, 'second signal: exiting now');
      exit(1);
      return;
    }
    this.#started = true;
    logger.info({ signal: name, drainDelayMs: this.#deps.drainDelay, graceMs: this.#deps.grace }, 'shutting down: readiness off, draining');
    void this.#run().then(
      () => exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  }

  async #run(): Promise<void> {
    const { proxy, logger, onDraining, closers } = this.#deps;
    onDraining();
    proxy.startDraining();
    await this.#sleep(this.#deps.drainDelay);
    const drained = proxy.drain().then(() => true);
    const inTime = await Promise.race([drained, this.#sleep(this.#deps.grace).then(() => false)]);
    if (!inTime) {
      logger.warn({ openConnections: proxy.openConnections, graceMs: this.#deps.grace }, 'grace period over: closing remaining connections');
      proxy.closeAllConnections();
    }
    for (const close of closers) await close();
    logger.info('stopped');
  }

  #sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    const setTimer = this.#deps.setTimer ?? ((fn: () => void, t: number) => setTimeout(fn, t));
    return new Promise((resolve) => {
      const timer = setTimer(resolve, ms);
      timer.unref?.();
    });
  }
}
