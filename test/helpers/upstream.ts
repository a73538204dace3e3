import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';

/** What the test upstream saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
  bodySha256: string;
  complete: boolean;
}

/**
 * A real HTTP upstream for tests, with behaviours chosen by path:
 * - `/echo…` answers JSON describing the request (method, url, raw headers, body size and hash);
 * - `/status/<code>` answers that status; `/big?bytes=N` streams N bytes;
 * - `/slow?ms=N` answers after N ms; `/hang` never answers; `/reset` destroys the socket;
 * - `/stream?chunks=N&ms=M` sends N chunks M ms apart;
 * - `/sse` a server-sent event stream that never ends by itself.
 * It counts connections and records every request it saw, complete or not.
 */
export class TestUpstream {
  readonly server: http.Server;
  readonly seen: SeenRequest[] = [];
  connections = 0;
  /** Body bytes `/big` has handed to its socket so far (across requests). */
  bigBytesWritten = 0;
  readonly openSockets = new Set<net.Socket>();
  port = 0;

  constructor() {
    this.server = http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => this.#handle(req, res));
    this.server.on('connection', (socket: net.Socket) => {
      this.connections++;
      this.openSockets.add(socket);
      socket.on('close', () => this.openSockets.delete(socket));
    });
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://upstream');
    // `/sink` only counts: hashing a gigabyte would measure the hash, not the proxy.
    const hash = req.url?.startsWith('/sink') ? null : createHash('sha256');
    let bytes = 0;
    const record: SeenRequest = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, headers: req.headers, bodyBytes: 0, bodySha256: '', complete: false };
    this.seen.push(record);
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash?.update(chunk);
    });
    req.on('end', () => {
      record.bodyBytes = bytes;
      record.bodySha256 = hash?.digest('hex') ?? '';
      record.complete = true;
      this.#respond(url, req, res, record);
    });
    req.on('error', () => undefined);
  }

  #respond(url: URL, req: IncomingMessage, res: ServerResponse, record: SeenRequest): void {
    const p = url.pathname;
    if (p.startsWith('/echo') || p === '/sink') {
      const body = JSON.stringify(record);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-upstream': 'test' });
      res.end(body);
    } else if (p.startsWith('/status/')) {
      const status = Number(p.slice('/status/'.length));
      res.writeHead(status, { 'x-upstream': 'test' });
      res.end(status === 204 || status === 304 ? undefined : `status ${status}\n`);
    } else if (p === '/big') {
      sendBig(res, Number(url.searchParams.get('bytes') ?? '1048576'), (n) => (this.bigBytesWritten += n));
    } else if (p === '/slow') {
      const timer = setTimeout(() => res.end('slow\n'), Number(url.searchParams.get('ms') ?? '100'));
      res.on('close', () => clearTimeout(timer));
    } else if (p === '/hang') {
      // never answers
    } else if (p === '/reset') {
      req.socket.destroy();
    } else if (p === '/stream') {
      streamChunks(res, Number(url.searchParams.get('chunks') ?? '5'), Number(url.searchParams.get('ms') ?? '10'));
    } else if (p === '/sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write('data: hello\n\n');
    } else {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'test' });
      res.end('hello\n');
    }
  }
}

function sendBig(res: ServerResponse, total: number, written: (n: number) => void): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      written(n);
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

function streamChunks(res: ServerResponse, chunks: number, ms: number): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  let i = 0;
  const timer = setInterval(() => {
    res.write(`chunk ${i}\n`);
    if (++i === chunks) {
      clearInterval(timer);
      res.end();
    }
  }, ms);
  res.on('close', () => clearInterval(timer));
}

/**
 * A raw TCP upstream that answers every connection with `respond(requestBytes)` — for responses
 * no well-behaved server would send (CL + TE, bad status lines).
 */
export async function rawUpstream(respond: (request: string, socket: net.Socket) => void): Promise<{ origin: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      if (buffered.includes('\r\n\r\n')) {
        respond(buffered, socket);
        buffered = '';
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A listener that only counts connections: it must see none. */
export async function connectionCounter(): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    count: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
