import net, { type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { upstreamDeadlines, type SweptConnection } from './deadline-sweep.js';
import { writeLatin1 } from './direct-write.js';
import { handleOf, responseParser, type HttpParser, type ParserError } from './llhttp.js';

/** A failure of the upstream exchange with a stable code (mapped to a status by `upstreamErrorKind`). */
export class UpstreamExchangeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamExchangeError';
  }
}

/** The part of a pool a connection reports to. */
export interface ConnectionOwner {
  /** The connection finished its exchange and can take another (it stays open). */
  released(connection: UpstreamConnection): void;
  /** The connection is closed for good. */
  removed(connection: UpstreamConnection): void;
}

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly keepAliveTimeout: number;
  readonly headersTimeout: number;
  readonly connectTimeout: number;
}

/**
 * One request in flight: undici's dispatch options and (legacy) handler, so the forwarder drives
 * either transport the same way.
 */
export class Exchange {
  readonly opts: Dispatcher.DispatchOptions;
  readonly handler: Dispatcher.DispatchHandler;
  connection: UpstreamConnection | null = null;
  done = false;
  #onAbort: ((exchange: Exchange) => void) | null = null;

  constructor(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    this.opts = opts;
    this.handler = handler;
  }

  /** Handed to the handler's `onConnect`: ends the exchange at once, the connection is not reused. */
  readonly abort = (): void => {
    if (this.done) return;
    if (this.connection !== null) this.connection.abort(this);
    else this.#onAbort?.(this);
  };

  whenAbortedWhileQueued(fn: (exchange: Exchange) => void): void {
    this.#onAbort = fn;
  }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.handler.onError?.(err);
  }
}

type State = 'open' | 'busy' | 'idle' | 'closed';

/**
 * One keep-alive HTTP/1.1 connection to an upstream, parsing responses with Node's own llhttp.
 *
 * Contract: one exchange at a time (no pipelining). The request head goes out in one write; a body
 * streams with backpressure (re-framed as chunked when it has no length). A response head that does
 * not arrive within `headersTimeout` fails the exchange; bodies may idle as long as they like. The
 * connection is reused only after a complete exchange on a keep-alive response whose request body
 * was fully sent; anything else (abort, error, `Connection: close`) closes it.
 *
 * Time limits: the connect timeout is the socket's own timer (once per connection); the response
 * head and keep-alive limits are deadlines checked by the shared `upstreamDeadlines` sweep, so a
 * request arms no timer.
 */
export class UpstreamConnection implements SweptConnection {
  readonly #owner: ConnectionOwner;
  readonly #options: ConnectionOptions;
  readonly #socket: Socket;
  readonly #parser: HttpParser;
  #state: State = 'open';
  #exchange: Exchange | null = null;
  #connected = false;
  #fields: string[] | null = null;
  #interim = false;
  #keepAlive = true;
  #requestDone = false;
  #responseStarted = false;
  /** The response is complete; the connection is handed back after the current read. */
  #finished = false;
  #paused = false;
  #consumed = false;
  /** Stops feeding the request body to this connection; set while a body streams. */
  #detachBody: (() => void) | null = null;
  #error: Error | null = null;
  /** When the current limit runs out (`Date.now()` ms): the response head's, or the idle one's. */
  #deadline = Infinity;

  constructor(owner: ConnectionOwner, options: ConnectionOptions) {
    this.#owner = owner;
    this.#options = options;
    this.#parser = responseParser({
      headers: (fields) => {
        this.#fields = this.#fields === null ? fields : this.#fields.concat(fields);
      },
      headersComplete: (fields, statusCode, statusMessage, upgrade, keepAlive) => this.#onHeaders(fields, statusCode, statusMessage, upgrade, keepAlive),
      body: (chunk) => this.#onBody(chunk),
      messageComplete: () => this.#onMessageComplete(),
      executed: (result) => this.#onExecuted(result),
    });
    const socket = (this.#socket = net.connect({ host: options.host, port: options.port, noDelay: true }));
    socket.setTimeout(options.connectTimeout);
    upstreamDeadlines.add(this, Math.min(options.headersTimeout, options.keepAliveTimeout));
    socket.once('connect', () => {
      this.#connected = true;
      socket.setTimeout(0);
      // The response head's time starts once the request can be sent.
      if (this.#state === 'busy' && !this.#responseStarted) this.#deadline = Date.now() + options.headersTimeout;
      // From here the parser reads the socket natively (as node:http does); `data` never fires.
      this.#parser.consume(handleOf(socket));
      this.#consumed = true;
    });
    socket.on('data', (data: Buffer) => this.#onExecuted(this.#parser.execute(data)));
    socket.on('end', () => this.#onEnd());
    socket.on('timeout', () => this.#onTimeout());
    socket.on('error', (err) => {
      this.#error ??= err;
    });
    socket.once('close', () => this.#onClose());
  }

  get idle(): boolean {
    return this.#state === 'idle';
  }

  /** Starts `exchange` on this connection. */
  send(exchange: Exchange): void {
    this.#state = 'busy';
    this.#exchange = exchange;
    exchange.connection = this;
    this.#fields = null;
    this.#interim = false;
    this.#keepAlive = true;
    this.#responseStarted = false;
    this.#requestDone = false;
    this.#finished = false;
    const socket = this.#socket;
    if (this.#connected) this.#deadline = Date.now() + this.#options.headersTimeout;
    const { method, path, headers, body } = exchange.opts;
    const fields = headers as string[];
    let head = `${method} ${path} HTTP/1.1\r\n`;
    let hasLength = false;
    for (let i = 0; i < fields.length; i += 2) {
      const name = fields[i]!;
      if (name.length === 14 && name.toLowerCase() === 'content-length') hasLength = true;
      head += `${name}: ${fields[i + 1]!}\r\n`;
    }
    if (body === null || body === undefined) {
      writeLatin1(socket, `${head}\r\n`);
      this.#requestDone = true;
      return;
    }
    socket.write(hasLength ? `${head}\r\n` : `${head}transfer-encoding: chunked\r\n\r\n`, 'latin1');
    this.#streamBody(body as Readable, !hasLength, exchange);
  }

  /** Parks the connection between exchanges; it closes itself after the keep-alive timeout. */
  park(): void {
    this.#state = 'idle';
    this.#exchange = null;
    this.#deadline = Date.now() + this.#options.keepAliveTimeout;
  }

  /** Called by the sweep: fails a response head that is late, closes a connection idle too long. */
  checkDeadline(now: number): void {
    if (now < this.#deadline) return;
    this.#deadline = Infinity;
    if (this.#state === 'busy' && !this.#responseStarted && this.#exchange !== null) {
      const ms = this.#options.headersTimeout;
      this.#fail(new UpstreamExchangeError('WAKEGATE_UPSTREAM_HEADERS_TIMEOUT', `no response head within ${ms} ms`));
    } else if (this.#state === 'idle') {
      this.destroy();
    }
  }

  /** The exchange's client went away: fail it and close, since the upstream may still be answering. */
  abort(exchange: Exchange): void {
    if (this.#exchange !== exchange) return;
    exchange.fail(new UpstreamExchangeError('WAKEGATE_REQUEST_ABORTED', 'the client went away'));
    this.destroy();
  }

  destroy(): void {
    if (this.#state === 'closed') return;
    // Closed from now on, though 'close' comes later: an idle connection must not be picked again.
    this.#state = 'closed';
    this.#socket.destroy();
  }

  #streamBody(body: Readable, chunked: boolean, exchange: Exchange): void {
    const socket = this.#socket;
    const onData = (chunk: Buffer): void => {
      let ok: boolean;
      if (chunked) {
        socket.cork();
        socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
        socket.write(chunk);
        ok = socket.write('\r\n', 'latin1');
        socket.uncork();
      } else {
        ok = socket.write(chunk);
      }
      if (!ok) {
        body.pause();
        socket.once('drain', () => body.resume());
      }
    };
    const onEnd = (): void => {
      cleanup();
      if (chunked) socket.write('0\r\n\r\n', 'latin1');
      this.#requestDone = true;
    };
    const onClose = (): void => {
      // The client's body ended early (it went away, or its framing was bad): the upstream must
      // never see a complete request made of part of one.
      cleanup();
      if (this.#exchange === exchange && !this.#requestDone) {
        exchange.fail(new UpstreamExchangeError('WAKEGATE_REQUEST_ABORTED', 'the request body ended before it was complete'));
        this.destroy();
      }
    };
    const cleanup = (): void => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      body.off('error', onClose);
      this.#detachBody = null;
    };
    this.#detachBody = (): void => {
      // The upstream answered before the body was all sent (a 413, say): the rest is read and
      // dropped, as nginx does, so the client's connection stays in step.
      cleanup();
      body.resume();
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('close', onClose);
    body.once('error', onClose);
  }

  #onHeaders(fields: string[] | undefined, statusCode: number, statusMessage: string, upgrade: boolean, keepAlive: boolean): 0 | 1 {
    const exchange = this.#exchange;
    const all = this.#fields === null ? (fields ?? []) : this.#fields.concat(fields ?? []);
    this.#fields = null;
    if (exchange === null || exchange.done) return 1;
    if (statusCode < 200 && !upgrade) {
      // 1xx interim response: a complete message of its own; the final response follows.
      this.#interim = true;
      return 0;
    }
    if (upgrade) {
      this.#fail(new UpstreamExchangeError('HPE_UNEXPECTED_UPGRADE', 'the upstream switched protocols on a plain request'));
      return 1;
    }
    this.#responseStarted = true;
    this.#keepAlive = keepAlive;
    this.#deadline = Infinity;
    // undici's handler type says Buffer[]; Node's parser gives strings, which our handlers take as
    // well (RawField in response-headers.ts).
    const proceed = exchange.handler.onHeaders?.(statusCode, all as unknown as Buffer[], this.#resume, statusMessage);
    if (proceed === false) this.#pause();
    return exchange.opts.method === 'HEAD' ? 1 : 0;
  }

  #onBody(chunk: Buffer): void {
    const exchange = this.#exchange;
    if (exchange === null || exchange.done) return;
    if (exchange.handler.onData?.(chunk) === false) this.#pause();
  }

  #onMessageComplete(): void {
    if (this.#interim) {
      this.#interim = false;
      return;
    }
    const exchange = this.#exchange;
    if (exchange === null || exchange.done) return;
    exchange.done = true;
    exchange.connection = null;
    this.#finished = true;
    exchange.handler.onComplete?.(null);
  }

  #onExecuted(result: number | ParserError): void {
    if (typeof result !== 'number') {
      this.#fail(new UpstreamExchangeError(result.code, `invalid response: ${result.reason ?? result.message}`));
      return;
    }
    if (this.#exchange === null) {
      // Bytes on an idle connection belong to no request: the upstream is confused. Never reuse it.
      if (result > 0) this.destroy();
      return;
    }
    // Handed back only once the parser is done with this read, never from inside its callbacks.
    if (this.#finished) this.#afterExchange();
  }

  #afterExchange(): void {
    this.#finished = false;
    this.#exchange = null;
    if (this.#keepAlive && this.#requestDone && this.#error === null && this.#state === 'busy') {
      this.#resume();
      this.#owner.released(this);
    } else {
      this.#detachBody?.();
      this.destroy();
    }
  }

  #onEnd(): void {
    if (this.#exchange !== null && this.#responseStarted) {
      // A close-delimited body ends here; a truncated one is reported by the parser.
      const result = this.#parser.finish();
      if (result !== undefined) this.#fail(new UpstreamExchangeError(result.code, `the upstream closed the connection mid-response (${result.reason ?? result.message})`));
    }
    this.destroy();
  }

  /** The socket's timer: only the connect timeout uses it. */
  #onTimeout(): void {
    if (this.#connected) return;
    const ms = this.#options.connectTimeout;
    if (this.#exchange !== null) this.#fail(new UpstreamExchangeError('WAKEGATE_UPSTREAM_CONNECT_TIMEOUT', `could not connect within ${ms} ms`));
    else this.destroy();
  }

  #onClose(): void {
    this.#state = 'closed';
    upstreamDeadlines.delete(this);
    const exchange = this.#exchange;
    this.#exchange = null;
    if (exchange !== null && !exchange.done) {
      exchange.fail(this.#error ?? new UpstreamExchangeError('WAKEGATE_UPSTREAM_CLOSED', 'the upstream closed the connection before the response was complete'));
    }
    if (this.#consumed) this.#parser.unconsume();
    this.#parser.close();
    this.#owner.removed(this);
  }

  #fail(err: Error): void {
    this.#exchange?.fail(err);
    this.destroy();
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    if (this.#consumed) handleOf(this.#socket).readStop();
    else this.#socket.pause();
  }

  readonly #resume = (): void => {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#consumed) handleOf(this.#socket).readStart();
    else this.#socket.resume();
  };
}
