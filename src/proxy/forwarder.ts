import type { Dispatcher } from 'undici';
import { UpstreamError, upstreamErrorKind, type ProxyError, type UpstreamErrorKind } from './errors.js';
import type { ClientBound, ProxyRequest, ProxyResponse } from './exchange.js';
import type { RequestContext } from './request-context.js';
import type { RequestHead } from './request-headers.js';
import { rewriteResponseHead, type RawField } from './response-headers.js';
import type { UpstreamPools } from './upstream-pools.js';

/** What a route resolves to, as far as forwarding is concerned. */
export interface ForwardTarget {
  /** Environment name, for errors, logs and (optionally) metric labels. */
  readonly environment: string;
  /** `http://host:port` */
  readonly origin: string;
}

/** Told once per request, when its answer is complete or abandoned. */
export interface ForwardObserver {
  finished(req: ProxyRequest, status: number, ctx: RequestContext, target: ForwardTarget | undefined): void;
  upstreamError(kind: UpstreamErrorKind, err: unknown, target: ForwardTarget): void;
  /** A local reply (error) is due; the observer writes it. */
  reply(req: ProxyRequest, res: ProxyResponse, error: ProxyError, ctx: RequestContext, target: ForwardTarget | undefined): void;
  /** The server answered a request it could not parse (or that was too slow) by itself. */
  rejected(status: number): void;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * Streams one request to its upstream and the response back, through undici's `dispatch` with a
 * handler object (no per-request closures, no intermediate streams).
 *
 * Contract:
 * - backpressure both ways: the request body is a stream undici pauses; a response chunk the client
 *   cannot take yet pauses the upstream until `drain`;
 * - the client going away aborts the upstream request (its socket is not reused half-read);
 * - one retry, only when the request can be replayed safely: the connection was refused, or it was
 *   reset before any response byte (the stale keep-alive race: the upstream closed an idle socket as
 *   we wrote to it), the method is idempotent, and the body was never read;
 * - a failure before the response head becomes a 502/504 problem; after it, the client connection
 *   is destroyed so the response stays visibly incomplete (nginx: "incomplete responses shouldn't
 *   lose information about their incompleteness").
 */
export class Forwarder {
  readonly #pools: UpstreamPools;
  readonly #observer: ForwardObserver;
  readonly #viaEntry: string;
  readonly #coldStartHeader: boolean;

  /** `coldStartHeader`: answers that waited for a wake carry `x-wakegate-cold-start` and `Server-Timing`. */
  constructor(deps: { pools: UpstreamPools; observer: ForwardObserver; viaEntry: string; coldStartHeader: boolean }) {
    this.#pools = deps.pools;
    this.#observer = deps.observer;
    this.#viaEntry = deps.viaEntry;
    this.#coldStartHeader = deps.coldStartHeader;
  }

  forward(req: ProxyRequest, res: ProxyResponse, target: ForwardTarget, head: RequestHead, path: string, ctx: RequestContext): void {
    const handler = new ForwardHandler(this, req, res, target, ctx, {
      origin: target.origin,
      method: req.method,
      path,
      headers: head.headers,
      body: head.hasBody ? req.body : null,
    });
    if (head.expectContinue) res.writeContinue();
    handler.dispatch();
  }

  /** @internal */
  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    this.#pools.get(opts.origin as string).dispatch(opts, handler);
  }

  /** @internal */
  get observer(): ForwardObserver {
    return this.#observer;
  }

  /** @internal */
  get viaEntry(): string {
    return this.#viaEntry;
  }

  /** @internal */
  get coldStartHeader(): boolean {
    return this.#coldStartHeader;
  }
}

class ForwardHandler implements Dispatcher.DispatchHandler, ClientBound {
  readonly #forwarder: Forwarder;
  readonly #req: ProxyRequest;
  readonly #res: ProxyResponse;
  readonly #target: ForwardTarget;
  readonly #ctx: RequestContext;
  readonly #opts: Dispatcher.DispatchOptions;
  #abort: ((reason?: Error) => void) | null = null;
  #resume: (() => void) | null = null;
  #status = 0;
  /** Content-Length of the response, or -1. */
  #contentLength = -1;
  /**
   * A response body that arrived whole in one chunk waits here for `onComplete`, so head and body
   * leave in one `res.end()` — no separate write, no cork-until-next-tick. Anything streamed (no
   * length, or more than one chunk) is written as it comes.
   */
  #held: Buffer | null = null;
  #attempts = 0;
  #done = false;
  #clientGone = false;

  constructor(forwarder: Forwarder, req: ProxyRequest, res: ProxyResponse, target: ForwardTarget, ctx: RequestContext, opts: Dispatcher.DispatchOptions) {
    this.#forwarder = forwarder;
    this.#req = req;
    this.#res = res;
    this.#target = target;
    this.#ctx = ctx;
    this.#opts = opts;
    req.bind(this);
  }

  dispatch(): void {
    this.#attempts++;
    try {
      this.#forwarder.dispatch(this.#opts, this);
    } catch (err) {
      this.onError(err as Error);
    }
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.#abort = abort;
    if (this.#clientGone) abort();
  }

  onHeaders(statusCode: number, rawHeaders: RawField[], resume: () => void, statusText: string): boolean {
    // 1xx other than 101 (e.g. 103 Early Hints) are not relayed; the final response follows.
    if (statusCode < 200) return true;
    this.#status = statusCode;
    this.#resume = resume;
    const head = rewriteResponseHead(rawHeaders, this.#forwarder.viaEntry);
    this.#contentLength = head.contentLength;
    const waited = this.#ctx.coldStartMs;
    if (waited !== null) {
      this.#ctx.onFirstByte?.();
      if (this.#forwarder.coldStartHeader) head.headers.push('x-wakegate-cold-start', String(waited), 'server-timing', `wake;dur=${waited}`);
    }
    this.#res.writeHead(statusCode, statusText, head.headers);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#held === null && chunk.length === this.#contentLength) {
      this.#held = chunk;
      return true;
    }
    const res = this.#res;
    if (this.#held !== null) {
      res.write(this.#held);
      this.#held = null;
    }
    if (res.write(chunk)) return true;
    // The slow path: a client that reads slower than the upstream sends. Undici waits for resume().
    res.onceDrain(() => this.#resume?.());
    return false;
  }

  onComplete(): void {
    this.#done = true;
    this.#req.unbind(this);
    const held = this.#held;
    if (held !== null) {
      this.#held = null;
      this.#res.end(held);
    } else {
      this.#res.end();
    }
    this.#forwarder.observer.finished(this.#req, this.#status, this.#ctx, this.#target);
  }

  onError(err: Error): void {
    if (this.#done) return;
    const res = this.#res;
    this.#held = null;
    if (this.#clientGone) {
      // The client left; nobody is waiting for an answer. Not an upstream failure.
      this.#done = true;
      this.#forwarder.observer.finished(this.#req, 499, this.#ctx, this.#target);
      return;
    }
    const kind = upstreamErrorKind(err);
    if (!res.headersSent && this.#retryable(kind)) {
      this.#abort = null;
      this.dispatch();
      return;
    }
    this.#done = true;
    this.#req.unbind(this);
    this.#forwarder.observer.upstreamError(kind, err, this.#target);
    if (res.headersSent) {
      res.destroy();
      this.#forwarder.observer.finished(this.#req, this.#status, this.#ctx, this.#target);
      return;
    }
    const error = new UpstreamError(kind, this.#target.environment, this.#opts.origin as string, { cause: err });
    this.#forwarder.observer.reply(this.#req, res, error, this.#ctx, this.#target);
  }

  #retryable(kind: UpstreamErrorKind): boolean {
    if (this.#attempts > 1 || (kind !== 'refused' && kind !== 'reset')) return false;
    if (!IDEMPOTENT.has(this.#opts.method)) return false;
    return this.#opts.body === null || !this.#req.bodyRead;
  }

  clientClosed(): void {
    if (this.#done) return;
    this.#clientGone = true;
    this.#abort?.();
  }
}
