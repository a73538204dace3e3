import { Readable } from 'node:stream';
import type { ClientBound, ProxyRequest } from '../exchange.js';

/** The connection a request arrived on. */
export interface RequestOwner {
  readonly remoteAddress: string | undefined;
  /** The body buffer is full: stop reading the socket until `bodyWanted`. */
  bodyFull(): void;
  bodyWanted(): void;
}

/**
 * A request body as a stream, fed by the parser. Pushing past the high-water mark stops the socket
 * from being read; the consumer reading again restarts it — backpressure reaches the client's TCP
 * window, as with `node:http`.
 */
class RequestBody extends Readable {
  readonly #owner: RequestOwner;
  constructor(owner: RequestOwner) {
    super({ highWaterMark: 64 * 1024 });
    this.#owner = owner;
  }
  override _read(): void {
    this.#owner.bodyWanted();
  }
}

export class Http1Request implements ProxyRequest {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: readonly string[];
  readonly httpVersionMinor: number;
  readonly upgrade: boolean;
  readonly keepAlive: boolean;
  /** The bytes after the head of an upgrade request, once the connection stopped parsing. */
  upgradeHead: Buffer | null = null;
  readonly #owner: RequestOwner;
  #complete = false;
  #body: RequestBody | null = null;
  /** The answer is out and the rest of the body is being read only to reach the next request. */
  #discarding = false;
  #bound: ClientBound | null = null;

  constructor(owner: RequestOwner, method: string, url: string, rawHeaders: string[], versionMinor: number, upgrade: boolean, keepAlive: boolean) {
    this.#owner = owner;
    this.method = method;
    this.url = url;
    this.rawHeaders = rawHeaders;
    this.httpVersionMinor = versionMinor;
    this.upgrade = upgrade;
    this.keepAlive = keepAlive;
  }

  get remoteAddress(): string | undefined {
    return this.#owner.remoteAddress;
  }

  get complete(): boolean {
    return this.#complete;
  }

  get body(): Readable {
    if (this.#body === null) {
      this.#body = new RequestBody(this.#owner);
      if (this.#complete) this.#body.push(null);
    }
    return this.#body;
  }

  get bodyRead(): boolean {
    return this.#body !== null && this.#body.readableDidRead;
  }

  bind(item: ClientBound): void {
    this.#bound = item;
  }

  unbind(item: ClientBound): void {
    if (this.#bound === item) this.#bound = null;
  }

  /** @internal A body chunk from the parser. */
  pushBody(chunk: Buffer): void {
    if (this.#discarding) return;
    const body = (this.#body ??= new RequestBody(this.#owner));
    if (!body.push(chunk)) this.#owner.bodyFull();
  }

  /** @internal The parser reached the end of this request. */
  completed(): void {
    this.#complete = true;
    if (!this.#discarding) this.#body?.push(null);
  }

  /** @internal The response is out: the rest of the body is read and dropped. */
  discardBody(): void {
    this.#discarding = true;
    const body = this.#body;
    if (body !== null && !body.destroyed) {
      body.destroy();
      this.#owner.bodyWanted();
    }
  }

  /** @internal The connection closed while this request was still in play. */
  abandoned(): void {
    const bound = this.#bound;
    this.#bound = null;
    bound?.clientClosed();
    if (!this.#complete) this.#body?.destroy();
  }
}
