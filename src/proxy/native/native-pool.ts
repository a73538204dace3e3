import type { Dispatcher } from 'undici';
import { Exchange, UpstreamConnection, UpstreamExchangeError, type ConnectionOptions, type ConnectionOwner } from './upstream-connection.js';

export interface NativePoolOptions {
  readonly connections: number;
  readonly keepAliveTimeout: number;
  readonly headersTimeout: number;
  readonly connectTimeout: number;
}

/**
 * Keep-alive connections to one upstream origin, the same shape as undici's `Pool` as far as the
 * forwarder is concerned (`dispatch(opts, handler)` with a legacy handler, `close`, `destroy`).
 *
 * At most `connections` sockets; idle ones are reused last-in first-out (the warmest socket, and
 * the cold ones time out); requests beyond the bound wait in order. `close()` lets what is queued
 * and in flight finish; `destroy()` fails it.
 */
export class NativePool implements ConnectionOwner {
  readonly #options: ConnectionOptions;
  readonly #max: number;
  readonly #all = new Set<UpstreamConnection>();
  readonly #idle: UpstreamConnection[] = [];
  readonly #queue: Exchange[] = [];
  #closed = false;
  #destroyed = false;
  /** One promise for every caller of close() and destroy(): resolved when the last socket is gone. */
  #drained: Promise<void> | null = null;
  #resolveDrained: (() => void) | null = null;

  constructor(origin: string, options: NativePoolOptions) {
    const url = new URL(origin);
    if (url.protocol !== 'http:') throw new Error(`the native transport speaks plain HTTP only, not ${url.protocol}`);
    this.#max = options.connections;
    this.#options = {
      host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port === '' ? 80 : Number(url.port),
      keepAliveTimeout: options.keepAliveTimeout,
      headersTimeout: options.headersTimeout,
      connectTimeout: options.connectTimeout,
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const exchange = new Exchange(opts, handler);
    if (this.#closed) {
      exchange.fail(new UpstreamExchangeError('WAKEGATE_POOL_CLOSED', 'the connection pool is closed'));
      return false;
    }
    handler.onConnect?.(exchange.abort);
    if (exchange.done) return true;
    let idle = this.#idle.pop();
    // A connection the upstream closed while idle may still be listed until its 'close' arrives.
    while (idle !== undefined && !idle.idle) idle = this.#idle.pop();
    if (idle !== undefined) idle.send(exchange);
    else if (this.#all.size < this.#max) this.#open().send(exchange);
    else {
      exchange.whenAbortedWhileQueued((e) => this.#unqueue(e));
      this.#queue.push(exchange);
    }
    return true;
  }

  released(connection: UpstreamConnection): void {
    if (this.#closed && this.#queue.length === 0) {
      connection.destroy();
      return;
    }
    const next = this.#queue.shift();
    if (next !== undefined) connection.send(next);
    else {
      connection.park();
      this.#idle.push(connection);
    }
  }

  removed(connection: UpstreamConnection): void {
    this.#all.delete(connection);
    const i = this.#idle.indexOf(connection);
    if (i >= 0) this.#idle.splice(i, 1);
    // A queued request waits for a socket; one just went away, so open another for it.
    if (!this.#destroyed && this.#queue.length > 0 && this.#all.size < this.#max) this.#open().send(this.#queue.shift()!);
    if (this.#all.size === 0 && this.#queue.length === 0) this.#resolveDrained?.();
  }

  /** Lets queued and in-flight requests finish, then closes every socket. */
  close(): Promise<void> {
    this.#closed = true;
    const drained = this.#whenDrained();
    for (const connection of [...this.#idle]) connection.destroy();
    return drained;
  }

  /** Fails what is queued and in flight, and closes every socket at once. */
  destroy(): Promise<void> {
    this.#closed = true;
    this.#destroyed = true;
    const queued = this.#queue.splice(0);
    for (const exchange of queued) exchange.fail(new UpstreamExchangeError('WAKEGATE_POOL_CLOSED', 'the connection pool was destroyed'));
    const drained = this.#whenDrained();
    for (const connection of [...this.#all]) connection.destroy();
    return drained;
  }

  #whenDrained(): Promise<void> {
    if (this.#all.size === 0 && this.#queue.length === 0) return Promise.resolve();
    this.#drained ??= new Promise<void>((resolve) => (this.#resolveDrained = resolve));
    return this.#drained;
  }

  #open(): UpstreamConnection {
    const connection = new UpstreamConnection(this, this.#options);
    this.#all.add(connection);
    return connection;
  }

  #unqueue(exchange: Exchange): void {
    const i = this.#queue.indexOf(exchange);
    if (i >= 0) this.#queue.splice(i, 1);
    exchange.fail(new UpstreamExchangeError('WAKEGATE_REQUEST_ABORTED', 'the client went away'));
  }
}
