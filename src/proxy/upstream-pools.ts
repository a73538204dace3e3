import { LRUCache } from 'lru-cache';
import { Pool, type Dispatcher } from 'undici';
import { nativeParserAvailable } from './native/llhttp.js';
import { NativePool } from './native/native-pool.js';

/** What the forwarder needs of a pool: undici's `Pool` and our `NativePool` both are one. */
export interface UpstreamPool {
  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean;
  close(): Promise<void>;
  destroy(): Promise<void>;
  readonly closed: boolean;
  readonly destroyed: boolean;
}

/**
 * One pool per upstream origin, created on first use and held in a bounded LRU: thousands of
 * environments do not mean thousands of idle pools. An evicted pool is closed gracefully — its
 * in-flight requests finish, then its sockets close — and the next request to that origin simply
 * gets a fresh pool.
 *
 * Plain requests use the configured transport: `native` (`NativePool`, Node's own llhttp; ~25 % less
 * CPU per request than undici in `bench/`) or `undici` (`Pool`). WebSocket upgrades always go
 * through undici pools, kept in a second LRU of the same bound. Either way: no pipelining (a proxy
 * must not queue a request behind another one's slow response on the same socket), and at most
 * `connections` sockets per origin so a burst cannot SYN-flood a just-woken pod.
 */
export interface UpstreamPoolOptions {
  readonly maxPools: number;
  readonly connectionsPerPool: number;
  /** Idle socket lifetime; keep it below the upstream's own keep-alive timeout (Node's default is 5 s). */
  readonly keepAliveTimeout: number;
  /** No response head within this → 504. */
  readonly headersTimeout: number;
  readonly connectTimeout: number;
  readonly transport: 'native' | 'undici';
}

export class UpstreamPools {
  readonly #options: UpstreamPoolOptions;
  readonly #native: boolean;
  readonly #pools: LRUCache<string, UpstreamPool>;
  readonly #upgradePools: LRUCache<string, Pool>;
  readonly #closing = new Set<Promise<void>>();

  constructor(options: UpstreamPoolOptions) {
    this.#options = options;
    this.#native = options.transport === 'native' && nativeParserAvailable();
    const retire = (pool: UpstreamPool): void => this.#retire(pool);
    this.#pools = new LRUCache<string, UpstreamPool>({ max: options.maxPools, dispose: retire });
    this.#upgradePools = new LRUCache<string, Pool>({ max: options.maxPools, dispose: retire });
  }

  /** The transport plain requests use (`native` falls back to `undici` if Node lacks the parser). */
  get transport(): 'native' | 'undici' {
    return this.#native ? 'native' : 'undici';
  }

  /** The pool for plain requests to `origin` (`http://host:port`), created when absent. */
  get(origin: string): UpstreamPool {
    let pool = this.#pools.get(origin);
    if (pool === undefined || pool.closed || pool.destroyed) {
      pool = this.#native ? this.#createNative(origin) : this.#createUndici(origin);
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  /** The undici pool that carries WebSocket handshakes to `origin`. */
  forUpgrade(origin: string): Pool {
    let pool = this.#upgradePools.get(origin);
    if (pool === undefined || pool.closed || pool.destroyed) {
      pool = this.#createUndici(origin);
      this.#upgradePools.set(origin, pool);
    }
    return pool;
  }

  get size(): number {
    return this.#pools.size;
  }

  /** Closes every pool, letting in-flight requests finish. */
  async close(): Promise<void> {
    this.#pools.clear();
    this.#upgradePools.clear();
    await Promise.all([...this.#closing]);
  }

  /** Closes every pool at once, failing what is in flight. */
  async destroy(): Promise<void> {
    const pools: UpstreamPool[] = [...this.#pools.values(), ...this.#upgradePools.values()];
    this.#pools.clear();
    this.#upgradePools.clear();
    await Promise.all([...pools.map((p) => p.destroy()), ...this.#closing]);
  }

  #createNative(origin: string): NativePool {
    const o = this.#options;
    return new NativePool(origin, {
      connections: o.connectionsPerPool,
      keepAliveTimeout: o.keepAliveTimeout,
      headersTimeout: o.headersTimeout,
      connectTimeout: o.connectTimeout,
    });
  }

  #createUndici(origin: string): Pool {
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

  #retire(pool: UpstreamPool): void {
    if (pool.closed || pool.destroyed) return;
    const done = pool.close().catch(() => undefined);
    this.#closing.add(done);
    void done.finally(() => this.#closing.delete(done));
  }
}
