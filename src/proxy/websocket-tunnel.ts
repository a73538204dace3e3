import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { UpstreamError, upstreamErrorKind } from './errors.js';
import type { ProxyRequest, ProxyResponse } from './exchange.js';
import type { RequestContext } from './request-context.js';
import type { ForwardObserver, ForwardTarget } from './forwarder.js';
import type { RequestHead } from './request-headers.js';
import { rewriteResponseHead, upgradeResponseHead, type RawField } from './response-headers.js';
import type { UpstreamPools } from './upstream-pools.js';

/**
 * Tunnels a WebSocket handshake once the upstream has agreed to it (101): only then are the two
 * sockets joined, and the bytes the client sent right after its handshake (`head`) go upstream
 * first. An upstream that declines gets its answer relayed as an ordinary response. Either side
 * closing or failing tears down both, so no socket outlives its peer.
 */
export class WebSocketTunnel implements Dispatcher.DispatchHandler {
  readonly #req: ProxyRequest;
  /** Writes one HTTP answer on the client socket and closes it: for declines and errors. */
  readonly #res: ProxyResponse;
  readonly #socket: Duplex;
  readonly #head: Buffer;
  readonly #target: ForwardTarget;
  readonly #observer: ForwardObserver;
  readonly #viaEntry: string;
  readonly #ctx: RequestContext;
  #abort: ((reason?: Error) => void) | null = null;
  #declined = false;
  #resume: (() => void) | null = null;
  #status = 0;
  #settled = false;

  constructor(args: {
    req: ProxyRequest;
    res: ProxyResponse;
    socket: Duplex;
    head: Buffer;
    target: ForwardTarget;
    observer: ForwardObserver;
    viaEntry: string;
    ctx: RequestContext;
  }) {
    this.#req = args.req;
    this.#res = args.res;
    this.#socket = args.socket;
    this.#head = args.head;
    this.#target = args.target;
    this.#observer = args.observer;
    this.#viaEntry = args.viaEntry;
    this.#ctx = args.ctx;
    this.#socket.once('close', this.#onClientClose);
    this.#socket.on('error', noop);
  }

  open(pools: UpstreamPools, head: RequestHead, path: string): void {
    try {
      pools.forUpgrade(this.#target.origin).dispatch(
        {
          origin: this.#target.origin,
          method: this.#req.method,
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
    // An open WebSocket is activity until it closes, not just until the 101.
    const activity = this.#ctx.detachActivity();
    join(client, upstream, () => activity?.end(Date.now()));
    this.#observer.finished(this.#req, statusCode, this.#ctx, this.#target);
  }

  // The upstream declined: relay its answer as a normal response, then close.
  onHeaders(statusCode: number, rawHeaders: RawField[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true;
    this.#status = statusCode;
    this.#declined = true;
    const { headers } = rewriteResponseHead(rawHeaders, this.#viaEntry);
    this.#res.writeHead(statusCode, statusText, headers);
    this.#resume = resume;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (!this.#declined) return true;
    if (this.#res.write(chunk)) return true;
    this.#res.onceDrain(() => this.#resume?.());
    return false;
  }

  onComplete(): void {
    this.#settled = true;
    if (this.#declined) this.#res.end();
    this.#observer.finished(this.#req, this.#status, this.#ctx, this.#target);
  }

  onError(err: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#socket.destroyed) {
      this.#observer.finished(this.#req, 499, this.#ctx, this.#target);
      return;
    }
    const kind = upstreamErrorKind(err);
    this.#observer.upstreamError(kind, err, this.#target);
    if (this.#declined) {
      this.#socket.destroy();
      this.#observer.finished(this.#req, this.#status, this.#ctx, this.#target);
      return;
    }
    const error = new UpstreamError(kind, this.#target.environment, this.#target.origin, { cause: err });
    this.#observer.reply(this.#req, this.#res, error, this.#ctx, this.#target);
  }

  #onClientClose = (): void => {
    if (this.#settled) return;
    this.#abort?.();
  };
}

function join(a: Duplex, b: Duplex, closed: () => void): void {
  for (const s of [a, b] as const) {
    const sock = s as Duplex & { setNoDelay?: (v: boolean) => void; setTimeout?: (ms: number) => void; setKeepAlive?: (on: boolean, ms: number) => void };
    sock.setNoDelay?.(true);
    sock.setTimeout?.(0);
    sock.setKeepAlive?.(true, 60_000);
  }
  let open = true;
  const teardown = (): void => {
    a.destroy();
    b.destroy();
    if (open) {
      open = false;
      closed();
    }
  };
  a.on('error', teardown);
  b.on('error', teardown);
  a.on('close', teardown);
  b.on('close', teardown);
  a.pipe(b);
  b.pipe(a);
}

function noop(): void {}
