import type { ServerResponse } from 'node:http';
import type { ProxyResponse } from '../exchange.js';

/** `ProxyResponse` over `node:http`'s `ServerResponse`. */
export class NodeResponse implements ProxyResponse {
  readonly #res: ServerResponse;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  get headersSent(): boolean {
    return this.#res.headersSent;
  }

  get finished(): boolean {
    return this.#res.writableEnded || this.#res.destroyed;
  }

  get keepAlive(): boolean {
    return this.#res.shouldKeepAlive;
  }

  set keepAlive(value: boolean) {
    this.#res.shouldKeepAlive = value;
  }

  writeHead(status: number, reason: string | undefined, fields: readonly string[]): void {
    if (reason) this.#res.writeHead(status, reason, fields as string[]);
    else this.#res.writeHead(status, fields as string[]);
  }

  write(chunk: Buffer): boolean {
    return this.#res.write(chunk);
  }

  onceDrain(fn: () => void): void {
    this.#res.once('drain', fn);
  }

  end(chunk?: Buffer | string): void {
    if (chunk === undefined) this.#res.end();
    else this.#res.end(chunk);
  }

  writeContinue(): void {
    this.#res.writeContinue();
  }

  destroy(): void {
    this.#res.destroy();
  }
}
