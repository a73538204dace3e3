import { LRUCache } from 'lru-cache';
import { Pool } from 'undici';

/**
 * One undici `Pool` per upstream origin, created on first use and held in a bounded LRU: thousands
 * of environments do not mean thousands of idle pools. An evicted pool is closed gracefully — its
 * in-flight requests finish, then its sockets close — and the next request to that origin simply
 * gets a fresh pool.
 *
 * `pipelining: 1`: a proxy must not queue a request behind another one's slow response on the same
 * socket. `connections` bounds the sockets per origin so a burst cannot SYN-flood a just-woken pod.
 */
export interface UpstreamPoolOptions {
  readonly maxPools: number;
  readonly connectionsPerPool: number;
  /** Idle socket lifetime; keep it below the upstream's own keep-alive timeout (Node's default is 5 s). */
  readonly keepAliveTimeout: number;
  /** No response head within this → `UND_ERR_HEADERS_TIMEOUT` → 504. */
  readonly headersTimeout: number;
  readonly connectTimeout: number;
}

export class UpstreamPools {
  readonly #options: UpstreamPoolOptions;
  readonly #pools: LRUCache<string, Pool>;
  readonly #closing = new Set<Promise<void>>();

  constructor(options: UpstreamPoolOptions) {
    this.#options = options;
    this.#pools = new LRUCache<string, Pool>({
      max: options.maxPools,
      dispose: (pool) => this.#retire(pool),
    });
  }

  /** The pool for `origin` (`http://host:port`), created when absent. */
  get(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (pool === undefined || pool.closed || pool.destroyed) {
      pool = this.#create(origin);
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  get size(): number {
    return this.#pools.size;
  }

  /** Closes every pool, letting in-flight requests finish. */
  async close(): Promise<void> {
    this.#pools.clear();
    await Promise.all([...this.#closing]);
  }

  /** Closes every pool at once, failing what is in flight. */
  async destroy(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all([...pools.map((p) => p.destroy()), ...this.#closing]);
  }

  #create(origin: string): Pool {
    const o = this.#options;
    return new Pool(origin, {
      connections: o.connectionsPerPool,
      pipelining: 1,
      keepAliveTimeout: o.keepAliveTimeout,
      keepAliveMaxTimeout: o.keepAliveTimeout,
      headersTimeout: o.headersTimeout,
      // Streams (server-sent events, long downloads) may idle between chunks for as long as they like.
      bodyTimeout: 0,
      connectTimeout: o.connectTimeout,
    });
  }

  #retire(pool: Pool): void {
    if (pool.closed || pool.destroyed) return;
    const done = pool.close().catch(() => undefined);
    this.#closing.add(done);
    void done.finally(() => this.#closing.delete(done));
  }
}
