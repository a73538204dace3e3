import type { Duplex } from 'node:stream';
import type { Backend } from '../environments/backend.js';
import type { RouteTable } from '../routing/route-table.js';
import { normalizeHost } from '../routing/host.js';
import {
  BadRequestError,
  ExpectationFailedError,
  LoopDetectedError,
  MethodNotAllowedError,
  NoRouteError,
  TooManyHeadersError,
  UpgradeNotSupportedError,
  type ProxyError,
} from './errors.js';
import type { ProxyListener, ProxyRequest, ProxyResponse, RequestHandlers } from './exchange.js';
import { Forwarder, type ForwardObserver, type ForwardTarget } from './forwarder.js';
import { Http1Listener } from './http1/http1-listener.js';
import { nativeParserAvailable } from './native/llhttp.js';
import { NodeHttpListener } from './node-http/node-listener.js';
import { rewriteRequestHead, type ForwardingPolicy, type RequestHead } from './request-headers.js';
import type { UpstreamPools } from './upstream-pools.js';
import { WebSocketTunnel } from './websocket-tunnel.js';
import { RequestContext } from './request-context.js';
import type { ClientFilter } from '../wake/client-filter.js';
import { KEEP_AWAKE_PATH, OWN_PATHS, envTarget, eventsTarget } from '../wake/event-path.js';
import { answerKeepAwake, type KeepAwakeEndpointDeps } from '../wake/keep-awake-endpoint.js';
import { streamEnvironmentEvents } from '../wake/event-stream.js';
import type { HoldOutcome, Holds } from '../wake/holds.js';
import { IgnoredClientError } from '../wake/wake-errors.js';

/** The live route table: replaced whole when routes change, read once per request. */
export interface RouteSource<T extends ForwardTarget = Backend> {
  readonly current: RouteTable<T>;
}

/** Seconds an ignored client (probe, crawler) is told to wait before asking a sleeping environment again. */
const IGNORED_RETRY_AFTER = 60;

export interface ProxyServerOptions {
  readonly engine: 'native' | 'node';
  readonly keepAliveTimeout: number;
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly maxHeaderSize: number;
}

/**
 * The public listener: parse (Node's llhttp, strict), route, forward. Everything that can be
 * decided from the request head is decided before any upstream is contacted — a request that gets
 * a 400/404/417/431/508 never reaches one.
 */
export class ProxyServer implements RequestHandlers {
  readonly listener: ProxyListener;
  /** The HTTP/1.1 server in use (`native` falls back to `node` when Node's parser is unavailable). */
  readonly engine: 'native' | 'node';
  readonly #routes: RouteSource;
  readonly #policy: ForwardingPolicy;
  readonly #pools: UpstreamPools;
  readonly #observer: ForwardObserver;
  readonly #forwarder: Forwarder;
  readonly #holds: Holds;
  readonly #clients: ClientFilter;
  readonly #keepAwake: KeepAwakeEndpointDeps | null;

  constructor(deps: {
    routes: RouteSource;
    policy: ForwardingPolicy;
    pools: UpstreamPools;
    observer: ForwardObserver;
    holds: Holds;
    clients: ClientFilter;
    /** The waiting page's keep-awake banner; null: `/.wakegate/keep-awake` answers 404. */
    keepAwake?: KeepAwakeEndpointDeps | null;
    coldStartHeader: boolean;
    options: ProxyServerOptions;
  }) {
    this.#routes = deps.routes;
    this.#policy = deps.policy;
    this.#pools = deps.pools;
    this.#observer = deps.observer;
    this.#holds = deps.holds;
    this.#clients = deps.clients;
    this.#keepAwake = deps.keepAwake ?? null;
    this.#forwarder = new Forwarder({ pools: deps.pools, observer: deps.observer, viaEntry: deps.policy.viaEntry, coldStartHeader: deps.coldStartHeader });
    const o = deps.options;
    const settings = { maxHeaderSize: o.maxHeaderSize, headersTimeout: o.headersTimeout, requestTimeout: o.requestTimeout, keepAliveTimeout: o.keepAliveTimeout };
    this.engine = o.engine === 'native' && nativeParserAvailable() ? 'native' : 'node';
    this.listener = this.engine === 'native' ? new Http1Listener(this, settings) : new NodeHttpListener(this, settings, deps.policy.maxHeadersCount);
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return this.listener.listen(host, port);
  }

  /** Client connections still open (each in-flight request holds one). */
  get openConnections(): number {
    return this.listener.openConnections;
  }

  /** From now on every response carries `Connection: close` (clients reconnect elsewhere). */
  startDraining(): void {
    this.listener.startDraining();
  }

  /**
   * Stops accepting and closes idle keep-alive connections; resolves when every client connection
   * has closed — each in-flight request (or tunnel) holds its connection open, and while draining
   * every response carries `Connection: close`, so a connection closes once its last answer is out.
   */
  drain(): Promise<void> {
    return this.listener.drain();
  }

  /** Ends every connection at once (the grace period is over). */
  closeAllConnections(): void {
    this.listener.closeAllConnections();
  }

  request(req: ProxyRequest, res: ProxyResponse): void {
    const ctx = new RequestContext();
    const head = rewriteRequestHead(req.rawHeaders, req.remoteAddress, this.#policy);
    const problem = this.#validate(req, head);
    if (problem !== null) return this.#reject(req, res, problem, ctx);
    const target = requestTarget(req, head);
    if (target instanceof BadRequestError) return this.#reject(req, res, target, ctx);
    const { path, host } = target;
    if (path.startsWith(OWN_PATHS)) return this.#ownPath(req, res, host, path, head, ctx);
    const backend = this.#routes.current.lookup(host, path);
    if (backend === undefined) return this.#reject(req, res, noRoute(host, path), ctx);
    const env = backend.env;
    const ignored = this.#clients.ignores(head.userAgent);
    if (env.phase === 'awake') {
      if (!ignored) ctx.track(env.activity);
      return this.#forwarder.forward(req, res, backend, head, path, ctx);
    }
    if (ignored) return this.#reject(req, res, new IgnoredClientError(env.id, env.phase, IGNORED_RETRY_AFTER), ctx, backend);
    ctx.track(env.activity);
    const page = this.#holds.answerWithWaitingPage(req, res, env);
    if (page === true) return this.#observer.finished(req, 200, ctx, backend);
    if (page !== false) return this.#reject(req, res, page, ctx, backend);
    this.#holds.hold(req, env, ctx, this.#outcome(req, res, ctx, backend, () => this.#forwarder.forward(req, res, backend, head, path, ctx)));
  }

  upgrade(req: ProxyRequest, res: ProxyResponse, socket: Duplex, upgradeHead: Buffer): void {
    const ctx = new RequestContext();
    if (req.method === 'CONNECT') {
      return this.#reject(req, res, new MethodNotAllowedError('CONNECT is not supported: this is a reverse proxy', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'), ctx);
    }
    const head = rewriteRequestHead(req.rawHeaders, req.remoteAddress, this.#policy);
    const target = requestTarget(req, head);
    const problem = this.#validate(req, head) ?? validateUpgrade(req, head) ?? (target instanceof BadRequestError ? target : null);
    const { path, host } = target instanceof BadRequestError ? { path: '/', host: undefined } : target;
    const backend = problem === null ? this.#routes.current.lookup(host, path) : undefined;
    if (problem !== null || backend === undefined) return this.#reject(req, res, problem ?? noRoute(host, path), ctx);
    const env = backend.env;
    const ignored = this.#clients.ignores(head.userAgent);
    if (ignored && env.phase !== 'awake') return this.#reject(req, res, new IgnoredClientError(env.id, env.phase, IGNORED_RETRY_AFTER), ctx, backend);
    if (!ignored) ctx.track(env.activity);
    const open = (): void => {
      // Another protocol (h2c, …): never forwarded as an upgrade (HAProxy drops h2c too). A request
      // without a body is served as the plain request it also is, then the connection closes.
      if (!isWebSocket(head)) return this.#forwarder.forward(req, res, backend, head, path, ctx);
      const tunnel = new WebSocketTunnel({ req, res, socket, head: upgradeHead, target: backend, observer: this.#observer, viaEntry: this.#policy.viaEntry, ctx });
      tunnel.open(this.#pools, head, path);
    };
    if (env.phase === 'awake') return open();
    this.#holds.hold(req, env, ctx, this.#outcome(req, res, ctx, backend, open));
  }

  /** What a held request does once its wait is over. */
  #outcome(req: ProxyRequest, res: ProxyResponse, ctx: RequestContext, backend: Backend, forward: () => void): HoldOutcome {
    return {
      forward,
      reject: (error) => this.#reject(req, res, error, ctx, backend),
      abandoned: () => this.#observer.finished(req, 499, ctx, backend),
    };
  }

  /**
   * wakegate's own paths on a host of the environment they name: `/.wakegate/events?env=NAME`, the
   * waiting page's live progress, and `/.wakegate/keep-awake?env=NAME`, its banner. Anything else
   * under `/.wakegate/` (or naming another environment) is 404; nothing is forwarded.
   */
  #ownPath(req: ProxyRequest, res: ProxyResponse, host: string | undefined, path: string, head: RequestHead, ctx: RequestContext): void {
    const backend = this.#routes.current.lookup(host, '/');
    const events = eventsTarget(path);
    if (events !== null && backend !== undefined && backend.env.id === events) {
      const stop = streamEnvironmentEvents(res, backend.env);
      req.bind({ clientClosed: stop });
      return this.#observer.finished(req, 200, ctx, backend);
    }
    const keepAwake = envTarget(path, KEEP_AWAKE_PATH);
    if (keepAwake !== null && backend !== undefined && backend.env.id === keepAwake && this.#keepAwake !== null) {
      void answerKeepAwake(req, res, backend.env, head.hasBody, this.#keepAwake).then(
        (status) => this.#observer.finished(req, status, ctx, backend),
        () => res.destroy(),
      );
      return;
    }
    this.#reject(req, res, noRoute(host, path), ctx);
  }

  clientError(status: number): void {
    this.#observer.rejected(status);
  }

  #validate(req: ProxyRequest, head: RequestHead): ProxyError | null {
    if (head.tooManyHeaders) return new TooManyHeadersError(req.rawHeaders.length >> 1, this.#policy.maxHeadersCount);
    if (head.hostCount > 1) return new BadRequestError('the request has more than one Host header');
    if (head.contentLengthCount > 1) return new BadRequestError('the request has more than one Content-Length header');
    if (head.chunked && head.contentLength !== undefined) return new BadRequestError('the request has both Content-Length and Transfer-Encoding');
    if (head.chunked && !isChunkedOnly(req)) return new BadRequestError('only Transfer-Encoding: chunked is accepted');
    if (head.loop !== undefined) return new LoopDetectedError(head.loop);
    if (head.upgrade !== undefined && req.method !== 'GET') return new BadRequestError('an upgrade must be requested with GET');
    if (head.expectation !== undefined) return new ExpectationFailedError(truncate(head.expectation));
    return null;
  }

  #reject(req: ProxyRequest, res: ProxyResponse, error: ProxyError, ctx: RequestContext, backend?: Backend): void {
    // A body we will not read must not be taken for the next request on this connection.
    if (!req.complete && (error.status === 400 || error.status === 417 || error.status === 431 || error.status === 501)) res.keepAlive = false;
    this.#observer.reply(req, res, error, ctx, backend);
  }
}

function noRoute(host: string | undefined, path: string): ProxyError {
  if (host === undefined || normalizeHost(host) === null) return new BadRequestError(`the Host header "${truncate(host ?? '')}" is not a valid host`);
  return new NoRouteError(truncate(host), truncate(path));
}

function isWebSocket(head: RequestHead): boolean {
  return head.upgrade !== undefined && head.upgrade.trim().toLowerCase() === 'websocket';
}

/**
 * Upgrades other than WebSocket are served as plain requests, which the server can do only when no
 * body follows (Node has stopped parsing the connection). A WebSocket handshake must be complete.
 */
function validateUpgrade(req: ProxyRequest, head: RequestHead): ProxyError | null {
  if (!isWebSocket(head)) return head.hasBody ? new UpgradeNotSupportedError(truncate(head.upgrade ?? '')) : null;
  const raw = req.rawHeaders;
  let key = false;
  let version = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === 'sec-websocket-key') key = raw[i + 1]!.length > 0;
    else if (name === 'sec-websocket-version') version = raw[i + 1]!.length > 0;
  }
  if (!key || !version) return new BadRequestError('a WebSocket handshake needs Sec-WebSocket-Key and Sec-WebSocket-Version');
  return null;
}

function isChunkedOnly(req: ProxyRequest): boolean {
  const raw = req.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length !== 17 || raw[i]!.toLowerCase() !== 'transfer-encoding') continue;
    seen++;
    if (raw[i + 1]!.trim().toLowerCase() !== 'chunked') return false;
  }
  return seen === 1;
}

/**
 * Path and routing host of a request: origin-form as sent; absolute-form by its authority (which then
 * replaces Host in what is forwarded); anything else (asterisk-form) is not forwarded.
 */
function requestTarget(req: ProxyRequest, head: RequestHead): { path: string; host: string | undefined } | BadRequestError {
  const url = req.url;
  if (url.charCodeAt(0) === 47 /* '/' */) return { path: url, host: head.host };
  const target = absoluteTarget(url);
  if (target === null) return new BadRequestError(`the request target "${truncate(url)}" is not forwarded`);
  replaceHost(head, target.host);
  return target;
}

/**
 * Absolute-form request target (RFC 9112 §3.2.2): its authority replaces Host for routing, so a
 * target naming a host we do not serve is a 404 — the authority is never dialled.
 */
function absoluteTarget(target: string): { host: string; path: string } | null {
  const lower = target.slice(0, 8).toLowerCase();
  const start = lower.startsWith('http://') ? 7 : lower.startsWith('https://') ? 8 : -1;
  if (start < 0) return null;
  let end = start;
  while (end < target.length && target[end] !== '/' && target[end] !== '?') end++;
  const host = target.slice(start, end);
  if (host === '' || host.includes('@')) return null;
  const rest = target.slice(end);
  return { host, path: rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest };
}

function replaceHost(head: RequestHead, host: string): void {
  const h = head.headers;
  for (let i = 0; i < h.length; i += 2) {
    if (h[i]!.length === 4 && h[i]!.toLowerCase() === 'host') h[i + 1] = host;
    else if (h[i] === 'x-forwarded-host' && head.host !== undefined && h[i + 1] === head.host) h[i + 1] = host;
  }
  head.host = host;
}

function truncate(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
