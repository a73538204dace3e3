import http, { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import { problemReply, HeadTooLargeError, BadRequestError, RequestTimeoutError, type ProxyError } from '../errors.js';
import type { ClientBound, ProxyListener, ProxyRequest, RequestHandlers } from '../exchange.js';
import type { ConnectionSettings } from '../http1/client-connection.js';
import { bindToClient, unbindFromClient, watchClientConnection } from './client-connections.js';
import { NodeResponse } from './node-response.js';
import { listenOn } from '../listen.js';

/**
 * The same proxy on `node:http`: used when Node's parser is not reachable from userland (it is an
 * internal module that a future release may hide), and selectable with `server.engine: node`.
 * Slower, same behaviour; the test suite runs over both.
 */
export class NodeHttpListener implements ProxyListener {
  readonly #server: http.Server;
  readonly #handlers: RequestHandlers;
  readonly #maxHeaderSize: number;
  #draining = false;
  #connections = 0;
  #closed: Promise<void> | null = null;
  /** Upgraded client sockets: the HTTP server no longer tracks them. */
  readonly #tunnels = new Set<Duplex>();

  constructor(handlers: RequestHandlers, settings: ConnectionSettings, maxHeadersCount: number) {
    this.#handlers = handlers;
    this.#maxHeaderSize = settings.maxHeaderSize;
    this.#server = http.createServer({
      keepAliveTimeout: settings.keepAliveTimeout,
      headersTimeout: settings.headersTimeout,
      requestTimeout: settings.requestTimeout,
      maxHeaderSize: settings.maxHeaderSize,
      // How often Node checks headersTimeout and requestTimeout (default 30 s).
      connectionsCheckingInterval: 1_000,
      requireHostHeader: false,
      joinDuplicateHeaders: false,
    });
    // Node silently drops fields beyond maxHeadersCount; the proxy wants to see them and answer 431.
    this.#server.maxHeadersCount = maxHeadersCount + 1;
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      if (this.#draining) res.shouldKeepAlive = false;
      handlers.request(new NodeRequest(req), new NodeResponse(res));
    };
    this.#server.on('request', onRequest);
    this.#server.on('checkContinue', onRequest);
    this.#server.on('checkExpectation', onRequest);
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      this.#tunnels.add(socket);
      socket.once('close', () => this.#tunnels.delete(socket));
      handlers.upgrade(new NodeRequest(req), new NodeResponse(detachedResponse(req, socket)), socket, head);
    };
    this.#server.on('upgrade', onUpgrade);
    this.#server.on('connect', onUpgrade);
    this.#server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => this.#onClientError(err, socket));
    this.#server.on('connection', (socket: Socket) => {
      this.#connections++;
      socket.once('close', () => this.#connections--);
      watchClientConnection(socket);
    });
  }

  get openConnections(): number {
    return this.#connections;
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return listenOn(this.#server, host, port);
  }

  startDraining(): void {
    this.#draining = true;
  }

  drain(): Promise<void> {
    this.#draining = true;
    this.#closed ??= new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    return this.#closed;
  }

  closeAllConnections(): void {
    this.#server.closeAllConnections();
    for (const socket of this.#tunnels) socket.destroy();
  }

  close(): void {
    this.#server.close();
  }

  /** Node's own answer would be a bare 400; the proxy answers problem+json and counts it. */
  #onClientError(err: Error & { code?: string }, socket: Duplex): void {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const error: ProxyError =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? new HeadTooLargeError(this.#maxHeaderSize)
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new RequestTimeoutError('the request did not arrive in time')
          : new BadRequestError(`the request is not valid HTTP/1.1 (${(err as { reason?: string }).reason ?? err.code ?? err.message})`);
    this.#handlers.clientError(error.status);
    const reply = problemReply(error);
    let head = `HTTP/1.1 ${reply.status} ${http.STATUS_CODES[reply.status] ?? ''}\r\n`;
    for (let i = 0; i < reply.fields.length; i += 2) head += `${reply.fields[i]!}: ${reply.fields[i + 1]!}\r\n`;
    socket.end(`${head}connection: close\r\n\r\n${reply.body}`);
  }
}

class NodeRequest implements ProxyRequest {
  readonly #req: IncomingMessage;
  /** Captured at once: Node clears `req.socket` when a request with a body has been read. */
  readonly #socket: Socket;
  readonly remoteAddress: string | undefined;
  #body: Readable | null = null;

  constructor(req: IncomingMessage) {
    this.#req = req;
    this.#socket = req.socket;
    this.remoteAddress = req.socket.remoteAddress;
  }

  get method(): string {
    return this.#req.method ?? 'GET';
  }

  get url(): string {
    return this.#req.url ?? '/';
  }

  get rawHeaders(): readonly string[] {
    return this.#req.rawHeaders;
  }

  get httpVersionMinor(): number {
    return this.#req.httpVersionMinor;
  }

  get complete(): boolean {
    return this.#req.complete;
  }

  get body(): Readable {
    return (this.#body ??= detachableBody(this.#req));
  }

  get bodyRead(): boolean {
    return this.#body?.readableDidRead ?? false;
  }

  bind(item: ClientBound): void {
    bindToClient(this.#socket, item);
  }

  unbind(item: ClientBound): void {
    unbindFromClient(this.#socket, item);
  }
}

/**
 * The request body as the forwarder reads it: a pass-through fed by the request, so that whoever
 * reads it may destroy it early without stopping the client connection. undici does that when the
 * upstream answers before reading the whole body (a 413, say); an `IncomingMessage` destroyed so
 * refuses what the parser pushes next, Node's server then stops reading the socket, and the
 * connection hung until `server.requestTimeout`. Here the rest of the body is read and dropped
 * instead, as nginx discards it, and the connection carries on with its next request. A client that
 * goes away mid-body still ends the body early, so the upstream sees the request cut short.
 */
function detachableBody(req: IncomingMessage): Readable {
  const body = new PassThrough();
  req.pipe(body);
  body.once('close', () => {
    if (req.complete) return;
    req.unpipe(body);
    req.resume();
  });
  req.once('close', () => {
    if (!req.complete) body.destroy();
  });
  return body;
}

/**
 * A response object on a socket that Node's HTTP server has handed over (the `upgrade` event):
 * written with the ordinary `ServerResponse` machinery, then the connection is closed, since the
 * server no longer parses it.
 */
function detachedResponse(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as never);
  res.once('finish', () => socket.end());
  return res;
}
