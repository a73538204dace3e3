import type { Socket } from 'node:net';
import { BadRequestError, HeadTooLargeError, RequestTimeoutError, problemReply, type ProxyError } from '../errors.js';
import type { RequestHandlers } from '../exchange.js';
import { handleOf, requestParser, type HttpParser, type ParserError, type RequestCallbacks } from '../native/llhttp.js';
import { Http1Request, type RequestOwner } from './http1-request.js';
import { Http1Response, type ResponseOwner } from './http1-response.js';

export interface ConnectionSettings {
  readonly maxHeaderSize: number;
  /** From the first byte of a request to the end of its head. */
  readonly headersTimeout: number;
  /** From the first byte of a request to its last. */
  readonly requestTimeout: number;
  /** Idle time allowed between requests. */
  readonly keepAliveTimeout: number;
}

/** The listener a connection belongs to. */
export interface ConnectionHost {
  readonly handlers: RequestHandlers;
  readonly settings: ConnectionSettings;
  readonly keepAliveSeconds: number;
  readonly draining: boolean;
  closed(connection: ClientConnection): void;
}

/**
 * One client connection: Node's llhttp reads the socket natively (`consume`: no `data` events, no
 * Buffer per read) and calls back per request; requests are answered one at a time, in order.
 *
 * - Pipelined requests parsed while an earlier one is being answered wait their turn, and the
 *   socket is not read further until they are all answered (what is queued is bounded by one read).
 * - A request body feeds a stream with backpressure (`RequestBody`); when the answer is out before
 *   the body was read (an early 413, say), the rest is read and dropped so the next request parses.
 * - Time limits are not timers: the listener's sweep calls `checkTimeouts` (`sweep()`), which asks
 *   the parser how long the current message has taken.
 * - An upgrade request (or CONNECT) ends HTTP on the connection: parsing stops where the request
 *   ends, and the socket goes to the upgrade handler with the bytes already read past it.
 * - A parse error is answered 400 (431 for an oversized head) as problem+json, then the connection
 *   closes; nothing of that request was forwarded, since nothing is dispatched before its head is
 *   complete and valid, and a body that turns out malformed aborts the upstream request.
 */
export class ClientConnection implements RequestOwner, ResponseOwner, RequestCallbacks {
  readonly socket: Socket;
  readonly remoteAddress: string | undefined;
  readonly #host: ConnectionHost;
  readonly #parser: HttpParser;
  /** Head fields and URL of a long head, delivered in parts. */
  #fields: string[] = [];
  #url = '';
  /** The request the parser is in (head complete, body not yet). */
  #reading: Http1Request | null = null;
  /** The request being answered, and its answer. */
  #active: Http1Request | null = null;
  #response: Http1Response | null = null;
  /** Pipelined requests waiting for their turn. */
  readonly #waiting: Http1Request[] = [];
  /** An upgrade request whose message just completed: parsing stops after this read. */
  #upgrading: Http1Request | null = null;
  #consumed = true;
  #bodyFull = false;
  #readStopped = false;
  #sawBytes = false;
  #idleSince = Date.now();
  #idleLimit: number;
  /** No further request is taken: the connection closes once its answer is out. */
  #closing = false;
  #upgraded = false;
  #closed = false;
  /** `#next` re-entered from a response finished synchronously: the running loop continues. */
  #advancing = false;
  #advanceAgain = false;

  constructor(socket: Socket, host: ConnectionHost) {
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress;
    this.#host = host;
    // A fresh connection gets as long to send its first head as any head gets.
    this.#idleLimit = host.settings.headersTimeout;
    this.#parser = requestParser(this, host.settings.maxHeaderSize);
    socket.on('error', noop);
    socket.once('close', () => this.#onClose());
    this.#parser.consume(handleOf(socket));
  }

  get draining(): boolean {
    return this.#host.draining;
  }

  get keepAliveSeconds(): number {
    return this.#host.keepAliveSeconds;
  }

  // ---- parser callbacks -------------------------------------------------------------------

  headers(fields: string[], url: string): void {
    for (const field of fields) this.#fields.push(field);
    this.#url += url;
  }

  headersComplete(_major: number, minor: number, fields: string[] | undefined, method: string, url: string | undefined, upgrade: boolean, keepAlive: boolean): void {
    if (fields === undefined) {
      fields = this.#fields;
      this.#fields = [];
    }
    if (url === undefined) {
      url = this.#url;
      this.#url = '';
    }
    if (this.#closing) return;
    const req = new Http1Request(this, method, url, fields, minor, upgrade, keepAlive);
    this.#reading = req;
    if (this.#active === null) {
      this.#start(req);
    } else {
      this.#waiting.push(req);
      this.#updateReading();
    }
  }

  body(chunk: Buffer): void {
    this.#reading?.pushBody(chunk);
  }

  messageComplete(): void {
    const req = this.#reading;
    if (req === null) return;
    this.#reading = null;
    req.completed();
    if (req.upgrade) {
      this.#upgrading = req;
      return;
    }
    // The answer went out before the body was all read: the connection moves on now.
    if (req === this.#active && this.#response?.finished === true) this.#next();
  }

  executed(result: number | ParserError): void {
    this.#sawBytes = true;
    if (typeof result !== 'number') {
      this.#failRequest(result.code === 'HPE_HEADER_OVERFLOW' ? new HeadTooLargeError(this.#host.settings.maxHeaderSize) : new BadRequestError(`the request is not valid HTTP/1.1 (${result.reason ?? result.code})`));
      return;
    }
    const req = this.#upgrading;
    if (req === null) return;
    // Whatever follows the upgrade request belongs to the other protocol.
    this.#upgrading = null;
    req.upgradeHead = this.#parser.getCurrentBuffer().subarray(result);
    this.#stopParsing();
    if (req === this.#active) this.#handOver(req, this.#response!);
  }

  // ---- RequestOwner / ResponseOwner -------------------------------------------------------

  bodyFull(): void {
    this.#bodyFull = true;
    this.#updateReading();
  }

  bodyWanted(): void {
    if (!this.#bodyFull) return;
    this.#bodyFull = false;
    this.#updateReading();
  }

  responseFinished(res: Http1Response): void {
    if (res !== this.#response || this.#closed) return;
    const req = this.#active!;
    if (this.#upgraded || !res.keepAlive || !req.keepAlive || this.#host.draining) {
      this.#close();
      return;
    }
    if (!req.complete) {
      req.discardBody();
      return;
    }
    this.#next();
  }

  // ---- the listener's side ----------------------------------------------------------------

  /** Enforces the head, request and idle time limits (`now` from `Date.now()`). */
  checkTimeouts(now: number): void {
    if (this.#closed || this.#closing || this.#upgraded) return;
    const settings = this.#host.settings;
    if (this.#sawBytes && this.#consumed) {
      const elapsed = this.#parser.duration();
      if (elapsed > 0) {
        if (!this.#parser.headersCompleted()) {
          if (elapsed > settings.headersTimeout) this.#failRequest(new RequestTimeoutError(`the request head did not arrive within ${settings.headersTimeout} ms`));
        } else if (this.#reading !== null && elapsed > settings.requestTimeout) {
          this.#failRequest(new RequestTimeoutError(`the request did not arrive whole within ${settings.requestTimeout} ms`));
        }
        return;
      }
    }
    if (this.#active === null && this.#waiting.length === 0 && now - this.#idleSince > this.#idleLimit) this.socket.destroy();
  }

  /** Closes the connection if nothing is in progress on it, not even a request head (draining). */
  closeIfIdle(): void {
    if (this.#active !== null || this.#reading !== null || this.#waiting.length > 0 || this.#upgraded || this.#closed) return;
    if (this.#sawBytes && this.#consumed && this.#parser.duration() > 0) return;
    this.socket.destroy();
  }

  // ---- internals --------------------------------------------------------------------------

  #start(req: Http1Request): void {
    this.#active = req;
    const res = new Http1Response(this, req.method === 'HEAD', req.httpVersionMinor === 0, req.keepAlive && !req.upgrade);
    this.#response = res;
    if (req.upgrade) {
      // Handed over once parsing has stopped behind it (`executed`).
      if (req.upgradeHead !== null) this.#handOver(req, res);
      return;
    }
    this.#host.handlers.request(req, res);
  }

  #handOver(req: Http1Request, res: Http1Response): void {
    this.#upgraded = true;
    this.#host.handlers.upgrade(req, res, this.socket, req.upgradeHead ?? Buffer.alloc(0));
  }

  /** The active exchange is over: the next pipelined request goes, or the connection idles. */
  #next(): void {
    this.#active = null;
    this.#response = null;
    if (this.#advancing) {
      this.#advanceAgain = true;
      return;
    }
    this.#advancing = true;
    try {
      do {
        this.#advanceAgain = false;
        const next = this.#waiting.shift();
        if (next === undefined) {
          this.#idleSince = Date.now();
          this.#idleLimit = this.#host.settings.keepAliveTimeout;
          this.#updateReading();
          if (this.#host.draining && this.#reading === null) this.#close();
          return;
        }
        this.#updateReading();
        this.#start(next);
      } while (this.#advanceAgain);
    } finally {
      this.#advancing = false;
    }
  }

  /**
   * Answers a request that cannot go on (malformed, too large, too slow) with `error` and closes
   * the connection. Work in flight for it is abandoned; an answer already begun is cut instead.
   */
  #failRequest(error: ProxyError): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#updateReading();
    this.#host.handlers.clientError(error.status);
    const begun = this.#response !== null && this.#response.headersSent;
    this.#abandonAll();
    if (begun || !this.socket.writable) {
      this.socket.destroy();
      return;
    }
    const reply = problemReply(error);
    const res = new Http1Response(this, false, false, false);
    res.writeHead(reply.status, undefined, reply.fields);
    res.end(reply.body);
    this.socket.destroySoon();
  }

  #close(): void {
    this.#closing = true;
    this.#updateReading();
    this.socket.destroySoon();
  }

  #abandonAll(): void {
    const requests = new Set<Http1Request>();
    if (this.#active !== null) requests.add(this.#active);
    if (this.#reading !== null) requests.add(this.#reading);
    for (const req of this.#waiting) requests.add(req);
    this.#waiting.length = 0;
    this.#reading = null;
    this.#active = null;
    this.#response?.abandon();
    this.#response = null;
    for (const req of requests) req.abandoned();
  }

  #updateReading(): void {
    if (!this.#consumed || this.#closed) return;
    const stop = this.#bodyFull || this.#waiting.length > 0 || this.#closing;
    if (stop === this.#readStopped) return;
    const handle = handleOf(this.socket);
    if (handle === null || handle === undefined) return;
    this.#readStopped = stop;
    handle.reading = !stop;
    if (stop) handle.readStop();
    else handle.readStart();
  }

  /** The socket is no longer read as HTTP: it is the upgrade handler's now. */
  #stopParsing(): void {
    if (!this.#consumed) return;
    this.#consumed = false;
    this.#parser.unconsume();
    if (this.#readStopped) {
      this.#readStopped = false;
      handleOf(this.socket).reading = true;
      handleOf(this.socket).readStart();
    }
  }

  #onClose(): void {
    this.#closed = true;
    if (!this.#upgraded) this.#abandonAll();
    if (this.#consumed) {
      this.#consumed = false;
      this.#parser.unconsume();
    }
    this.#parser.close();
    this.#host.closed(this);
  }
}

function noop(): void {}
