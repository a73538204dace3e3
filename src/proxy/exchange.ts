import type { Duplex, Readable } from 'node:stream';

/**
 * What the proxy sees of one client request and writes back, whichever HTTP/1.1 server carries it:
 * wakegate's own on Node's llhttp (`http1/`) or `node:http` (`node-http/`, the fallback). Everything
 * above this line — validation, routing, forwarding, waiting — is written against these two.
 */
export interface ProxyRequest {
  readonly method: string;
  /** The request target as sent (origin-form, absolute-form, `*`, or an authority for CONNECT). */
  readonly url: string;
  /** Header fields as received, flat `[name, value, …]`. */
  readonly rawHeaders: readonly string[];
  /** `1.0` clients get close-delimited bodies and need `Connection: keep-alive` to stay. */
  readonly httpVersionMinor: number;
  readonly remoteAddress: string | undefined;
  /** True once the whole request, body included, has been read. */
  readonly complete: boolean;
  /** The request body as a stream (created on first use). Only read it when the head announced one. */
  readonly body: Readable;
  /** Whether any of the body was read yet (a request whose body was read cannot be replayed). */
  readonly bodyRead: boolean;
  /** `item.clientClosed()` is called if the client connection closes before `unbind`. */
  bind(item: ClientBound): void;
  unbind(item: ClientBound): void;
}

/** Something in flight on behalf of a client request, to be told when its connection closes. */
export interface ClientBound {
  clientClosed(): void;
}

export interface ProxyResponse {
  readonly headersSent: boolean;
  /** `end()` or `destroy()` was called. */
  readonly finished: boolean;
  /** Set false to close the connection once this response is out. */
  keepAlive: boolean;
  /**
   * Fields are flat `[name, value, …]`, validated by whoever produced them (llhttp or undici for
   * upstream heads). Framing (`Content-Length` kept, else chunked or close-delimited), `Date`,
   * `Connection` and `Keep-Alive` are the server's business.
   */
  writeHead(status: number, reason: string | undefined, fields: readonly string[]): void;
  /** False when the client is not keeping up: wait for `onceDrain`. */
  write(chunk: Buffer): boolean;
  onceDrain(fn: () => void): void;
  end(chunk?: Buffer | string): void;
  /** `100 Continue`, for a client that sent `Expect: 100-continue`. */
  writeContinue(): void;
  /** Cuts the connection: an unfinished response stays visibly incomplete. */
  destroy(): void;
}

/** What a front-end hands the proxy. */
export interface RequestHandlers {
  request(req: ProxyRequest, res: ProxyResponse): void;
  /**
   * An upgrade request (or CONNECT): the connection is no longer parsed as HTTP. `socket` is the
   * client's, `head` the bytes that followed the request head. `res` writes one HTTP answer on it
   * and then closes it.
   */
  upgrade(req: ProxyRequest, res: ProxyResponse, socket: Duplex, head: Buffer): void;
  /** The server answered a request it could not parse, or one that timed out, by itself. */
  clientError(status: number): void;
}

/** An HTTP/1.1 listener carrying `RequestHandlers`. */
export interface ProxyListener {
  listen(host: string, port: number): Promise<{ host: string; port: number }>;
  /** Client connections open now, upgraded ones included. */
  readonly openConnections: number;
  /** From now on every response carries `Connection: close`. */
  startDraining(): void;
  /** Stops accepting, closes idle connections; resolves when every connection has closed. */
  drain(): Promise<void>;
  /** Ends every connection at once. */
  closeAllConnections(): void;
  /** Stops accepting (for a failed start). */
  close(): void;
}
