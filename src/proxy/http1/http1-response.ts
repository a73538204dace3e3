import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ProxyResponse } from '../exchange.js';
import { writeLatin1 } from '../native/direct-write.js';

/** How the body of a response is delimited on the wire. */
const enum Framing {
  /** HEAD, 1xx, 204, 304: no body, whatever the fields say. */
  None,
  Length,
  Chunked,
  /** An HTTP/1.0 client and no length: the body ends when the connection does. */
  Close,
}

/** A body up to this size leaves in the same write as its head. */
const SMALL_BODY = 2048;

/** The connection a response is written on. */
export interface ResponseOwner {
  readonly socket: Socket;
  readonly draining: boolean;
  /** `keep-alive: timeout=N` announced to clients, in seconds (0: not announced). */
  readonly keepAliveSeconds: number;
  responseFinished(res: Http1Response): void;
}

/**
 * One response on a client connection. The head is held until the first body write or `end`, so
 * head and a small body leave in one `writev`; a whole response in one `end(chunk)` is one syscall.
 * Framing follows the request: `Content-Length` when the fields carry one, else chunked for HTTP/1.1
 * clients and close-delimited for HTTP/1.0 ones; a HEAD request or a 1xx/204/304 status never gets
 * a body written (RFC 9112 §6.3).
 */
export class Http1Response implements ProxyResponse {
  keepAlive: boolean;
  readonly #owner: ResponseOwner;
  readonly #headRequest: boolean;
  readonly #http10: boolean;
  #head: string | null = null;
  #framing = Framing.None;
  #headersSent = false;
  #finished = false;

  constructor(owner: ResponseOwner, headRequest: boolean, http10: boolean, keepAlive: boolean) {
    this.#owner = owner;
    this.#headRequest = headRequest;
    this.#http10 = http10;
    this.keepAlive = keepAlive;
  }

  get headersSent(): boolean {
    return this.#headersSent;
  }

  get finished(): boolean {
    return this.#finished;
  }

  writeHead(status: number, reason: string | undefined, fields: readonly string[]): void {
    if (this.#headersSent) throw new Error('the response head was already written');
    this.#headersSent = true;
    let head = `HTTP/1.1 ${status} ${reason || (STATUS_CODES[status] ?? 'Unknown')}\r\n`;
    let hasLength = false;
    let hasDate = false;
    for (let i = 0; i < fields.length; i += 2) {
      const name = fields[i]!;
      if (name.length === 14) hasLength ||= name.toLowerCase() === 'content-length';
      else if (name.length === 4) hasDate ||= name.toLowerCase() === 'date';
      head += `${name}: ${fields[i + 1]!}\r\n`;
    }
    if (!hasDate) head += `date: ${httpDate()}\r\n`;
    if (this.#headRequest || status < 200 || status === 204 || status === 304) {
      this.#framing = Framing.None;
    } else if (hasLength) {
      this.#framing = Framing.Length;
    } else if (!this.#http10) {
      this.#framing = Framing.Chunked;
      head += 'transfer-encoding: chunked\r\n';
    } else {
      this.#framing = Framing.Close;
      this.keepAlive = false;
    }
    if (this.#owner.draining) this.keepAlive = false;
    if (!this.keepAlive) head += 'connection: close\r\n\r\n';
    else if (this.#owner.keepAliveSeconds === 0) head += 'connection: keep-alive\r\n\r\n';
    else head += `connection: keep-alive\r\nkeep-alive: timeout=${this.#owner.keepAliveSeconds}\r\n\r\n`;
    this.#head = head;
  }

  write(chunk: Buffer): boolean {
    if (this.#finished) return false;
    if (!this.#headersSent) this.writeHead(200, undefined, []);
    const socket = this.#owner.socket;
    if (chunk.length === 0 || this.#framing === Framing.None) {
      if (this.#head !== null) socket.write(this.#takeHead(), 'latin1');
      return !socket.writableNeedDrain;
    }
    const head = this.#takeHead();
    if (this.#framing === Framing.Chunked) {
      socket.cork();
      socket.write(`${head}${chunk.length.toString(16)}\r\n`, 'latin1');
      socket.write(chunk);
      const ok = socket.write('\r\n', 'latin1');
      socket.uncork();
      return ok;
    }
    if (head === '') return socket.write(chunk);
    socket.cork();
    socket.write(head, 'latin1');
    const ok = socket.write(chunk);
    socket.uncork();
    return ok;
  }

  onceDrain(fn: () => void): void {
    this.#owner.socket.once('drain', fn);
  }

  end(chunk?: Buffer | string): void {
    if (this.#finished) return;
    if (!this.#headersSent) this.writeHead(200, undefined, []);
    this.#finished = true;
    const socket = this.#owner.socket;
    const body = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const head = this.#takeHead();
    if (socket.writable) {
      if (body === undefined || body.length === 0 || this.#framing === Framing.None) {
        const tail = this.#framing === Framing.Chunked ? '0\r\n\r\n' : '';
        if (head !== '' || tail !== '') writeLatin1(socket, head + tail);
      } else if (this.#framing === Framing.Chunked) {
        socket.cork();
        socket.write(`${head}${body.length.toString(16)}\r\n`, 'latin1');
        socket.write(body);
        socket.write('\r\n0\r\n\r\n', 'latin1');
        socket.uncork();
      } else if (head === '') {
        socket.write(body);
      } else if (body.length <= SMALL_BODY) {
        // One string, one write: no corked buffering and no writev bookkeeping (latin1 maps bytes 1:1).
        writeLatin1(socket, head + body.toString('latin1'));
      } else {
        socket.cork();
        socket.write(head, 'latin1');
        socket.write(body);
        socket.uncork();
      }
    }
    this.#owner.responseFinished(this);
  }

  writeContinue(): void {
    if (!this.#headersSent) this.#owner.socket.write('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
  }

  destroy(): void {
    if (this.#finished && this.#owner.socket.destroyed) return;
    this.#finished = true;
    this.keepAlive = false;
    this.#owner.socket.destroy();
  }

  /** @internal The connection gave up on this exchange (and may answer it itself): writes are ignored. */
  abandon(): void {
    this.#finished = true;
    this.#head = null;
  }

  #takeHead(): string {
    const head = this.#head;
    if (head === null) return '';
    this.#head = null;
    return head;
  }
}

let dateSecond = 0;
let dateText = '';

/** The IMF-fixdate of now, computed at most once a second. */
export function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}
