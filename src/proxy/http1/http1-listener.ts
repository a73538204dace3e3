import net from 'node:net';
import type { ProxyListener, RequestHandlers } from '../exchange.js';
import { listenOn } from '../listen.js';
import { ClientConnection, type ConnectionHost, type ConnectionSettings } from './client-connection.js';

/**
 * wakegate's HTTP/1.1 server: a `net` listener whose connections are parsed by Node's own llhttp
 * (`ClientConnection`). Same parser, same strictness as `node:http`, without its per-request
 * `IncomingMessage`/`ServerResponse` streams and per-socket timers — about a third less CPU per
 * proxied request in `bench/`.
 *
 * Time limits are enforced by one sweep over the connections (every second, or more often when a
 * limit is shorter), as `node:http` does with `connectionsCheckingInterval`.
 */
export class Http1Listener implements ProxyListener, ConnectionHost {
  readonly handlers: RequestHandlers;
  readonly settings: ConnectionSettings;
  readonly keepAliveSeconds: number;
  readonly #server: net.Server;
  readonly #connections = new Set<ClientConnection>();
  readonly #sweepEvery: number;
  #sweeper: NodeJS.Timeout | null = null;
  #draining = false;
  #closed: Promise<void> | null = null;

  /** `keepAliveTimeout` and `requestTimeout` of 0 mean no limit. */
  constructor(handlers: RequestHandlers, settings: ConnectionSettings) {
    this.handlers = handlers;
    this.settings = {
      ...settings,
      keepAliveTimeout: settings.keepAliveTimeout === 0 ? Infinity : settings.keepAliveTimeout,
      requestTimeout: settings.requestTimeout === 0 ? Infinity : settings.requestTimeout,
    };
    this.keepAliveSeconds = settings.keepAliveTimeout === 0 ? 0 : Math.max(1, Math.floor(settings.keepAliveTimeout / 1000));
    this.#sweepEvery = Math.max(50, Math.min(1_000, Math.floor(Math.min(this.settings.keepAliveTimeout, settings.headersTimeout) / 4)));
    this.#server = net.createServer({ noDelay: true, allowHalfOpen: false }, (socket) => {
      this.#connections.add(new ClientConnection(socket, this));
    });
    this.#server.on('close', () => this.#stopSweeping());
  }

  get draining(): boolean {
    return this.#draining;
  }

  get openConnections(): number {
    return this.#connections.size;
  }

  async listen(host: string, port: number): Promise<{ host: string; port: number }> {
    const address = await listenOn(this.#server, host, port);
    this.#sweeper = setInterval(() => this.#sweep(), this.#sweepEvery);
    this.#sweeper.unref();
    return address;
  }

  closed(connection: ClientConnection): void {
    this.#connections.delete(connection);
  }

  startDraining(): void {
    this.#draining = true;
  }

  drain(): Promise<void> {
    this.#draining = true;
    this.#closed ??= new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const connection of this.#connections) connection.closeIfIdle();
    return this.#closed;
  }

  closeAllConnections(): void {
    for (const connection of this.#connections) connection.socket.destroy();
  }

  close(): void {
    this.#server.close();
  }

  #sweep(): void {
    const now = Date.now();
    for (const connection of this.#connections) connection.checkTimeouts(now);
  }

  #stopSweeping(): void {
    if (this.#sweeper !== null) clearInterval(this.#sweeper);
    this.#sweeper = null;
  }
}
