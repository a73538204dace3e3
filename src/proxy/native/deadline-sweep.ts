/** Something with a deadline the sweep checks: `now` is `Date.now()`. */
export interface SweptConnection {
  checkDeadline(now: number): void;
}

/**
 * One timer for the deadlines of every open upstream connection — the response-head timeout of a
 * busy one, the keep-alive timeout of an idle one — instead of a socket timer each, which Node
 * re-arms by allocating a new `Timeout` (and a bound callback) on every call: twice per request.
 *
 * A deadline is noticed within one period of passing. The period is a quarter of the shortest
 * limit registered, between 25 ms and 1 s, as the client side's sweep (`Http1Listener`) and
 * `node:http`'s `connectionsCheckingInterval` do. The timer runs only while connections are open
 * and never keeps the process alive.
 */
export class DeadlineSweep {
  readonly #connections = new Set<SweptConnection>();
  #timer: NodeJS.Timeout | null = null;
  #every = Infinity;

  /** `shortestLimit`: the shortest time limit `connection` enforces, in ms. */
  add(connection: SweptConnection, shortestLimit: number): void {
    this.#connections.add(connection);
    const every = Math.max(25, Math.min(1_000, Math.floor(shortestLimit / 4)));
    if (this.#timer !== null && every >= this.#every) return;
    this.#every = every;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = setInterval(() => this.#sweep(), every);
    this.#timer.unref();
  }

  delete(connection: SweptConnection): void {
    this.#connections.delete(connection);
    if (this.#connections.size > 0 || this.#timer === null) return;
    clearInterval(this.#timer);
    this.#timer = null;
    this.#every = Infinity;
  }

  get size(): number {
    return this.#connections.size;
  }

  #sweep(): void {
    const now = Date.now();
    for (const connection of this.#connections) connection.checkDeadline(now);
  }
}

/** The sweep all native upstream connections of the process share. */
export const upstreamDeadlines = new DeadlineSweep();
