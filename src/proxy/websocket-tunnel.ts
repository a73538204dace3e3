import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { UpstreamError, upstreamErrorKind } from './errors.js';
import type { ForwardObserver, ForwardTarget } from './forwarder.js';
import type { RequestHead } from './request-headers.js';
import { rewriteResponseHead, upgradeResponseHead, type RawField } from './response-headers.js';
import type { UpstreamPools } from './upstream-pools.js';

/**
 * A response object on a socket that Node's HTTP server has handed over (the `upgrade` event):
 * local replies and declined upgrades are written with the ordinary `ServerResponse` machinery,
 * then the connection is closed, since the server no longer parses it.
 */
export function detachedResponse(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as never);
  // Stays attached so that `close` is emitted when the socket closes, as for any response.
  res.once('finish', () => socket.end());
  return res;
}

/**
 * Tunnels a WebSocket handshake once the upstream has agreed to it (101): only then are the two
 * sockets joined, and the bytes the client sent right after its handshake (`head`) go upstream
 * first. An upstream that declines gets its answer relayed as an ordinary response. Either side
 * closing or failing tears down both, so no socket outlives its peer.
 */
export class WebSocketTunnel implements Dispatcher.DispatchHandler {
  readonly #req: IncomingMessage;
  readonly #socket: Duplex;
  readonly #head: Buffer;
  readonly #target: ForwardTarget;
  readonly #observer: ForwardObserver;
  readonly #viaEntry: string;
  readonly #startedAt: number;
  #abort: ((reason?: Error) => void) | null = null;
  #res: ServerResponse | null = null;
  #status = 0;
  #settled = false;

  constructor(args: {
    req: IncomingMessage;
    socket: Duplex;
    head: Buffer;
    target: ForwardTarget;
    observer: ForwardObserver;
    viaEntry: string;
    startedAt: number;
  }) {
    this.#req = args.req;
    this.#socket = args.socket;
    this.#head = args.head;
    this.#target = args.target;
    this.#observer = args.observer;
    this.#viaEntry = args.viaEntry;
    this.#startedAt = args.startedAt;
    this.#socket.once('close', this.#onClientClose);
    this.#socket.on('error', noop);
  }

  open(pools: UpstreamPools, head: RequestHead, path: string): void {
    try {
      pools.forUpgrade(this.#target.origin).dispatch(
        {
          origin: this.#target.origin,
          method: this.#req.method ?? 'GET',
          path,
          headers: head.headers,
          body: null,
          upgrade: 'websocket',
        },
        this,
      );
    } catch (err) {
      this.onError(err as Error);
    }
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.#abort = abort;
    if (this.#socket.destroyed) abort();
  }

  onUpgrade(statusCode: number, rawHeaders: RawField[] | null, upstream: Duplex): void {
    this.#settled = true;
    const client = this.#socket;
    if (client.destroyed) {
      upstream.destroy();
      return;
    }
    client.off('close', this.#onClientClose);
    client.write(upgradeResponseHead(statusCode, 'Switching Protocols', rawHeaders ?? [], this.#viaEntry));
    if (this.#head.length > 0) upstream.write(this.#head);
    join(client, upstream);
    this.#observer.finished(this.#req, statusCode, this.#startedAt, this.#target);
  }

  // The upstream declined: relay its answer as a normal response, then close.
  onHeaders(statusCode: number, rawHeaders: RawField[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true;
    this.#status = statusCode;
    const res = (this.#res = detachedResponse(this.#req, this.#socket));
    const { headers } = rewriteResponseHead(rawHeaders, this.#viaEntry);
    if (statusText) res.writeHead(statusCode, statusText, headers);
    else res.writeHead(statusCode, headers);
    res.on('drain', resume);
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.#res?.write(chunk) ?? true;
  }

  onComplete(): void {
    this.#settled = true;
    this.#res?.end();
    this.#observer.finished(this.#req, this.#status, this.#startedAt, this.#target);
  }

  onError(err: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#socket.destroyed) {
      this.#observer.finished(this.#req, 499, this.#startedAt, this.#target);
      return;
    }
    const kind = upstreamErrorKind(err);
    this.#observer.upstreamError(kind, err, this.#target);
    if (this.#res !== null) {
      this.#socket.destroy();
      this.#observer.finished(this.#req, this.#status, this.#startedAt, this.#target);
      return;
    }
    const error = new UpstreamError(kind, this.#target.environment, this.#target.origin, { cause: err });
    this.#observer.reply(this.#req, detachedResponse(this.#req, this.#socket), error, this.#startedAt, this.#target);
  }

  #onClientClose = (): void => {
    if (this.#settled) return;
    this.#abort?.();
  };
}

function join(a: Duplex, b: Duplex): void {
  for (const s of [a, b] as const) {
    const sock = s as Duplex & { setNoDelay?: (v: boolean) => void; setTimeout?: (ms: number) => void; setKeepAlive?: (on: boolean, ms: number) => void };
    sock.setNoDelay?.(true);
    sock.setTimeout?.(0);
    sock.setKeepAlive?.(true, 60_000);
  }
  const teardown = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on('error', teardown);
  b.on('error', teardown);
  a.on('close', teardown);
  b.on('close', teardown);
  a.pipe(b);
  b.pipe(a);
}

function noop(): void {}
