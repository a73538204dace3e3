import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, send } from '../../helpers/http-client.js';
import { rawRequest } from '../../helpers/raw-client.js';
import { TestUpstream, type SeenRequest } from '../../helpers/upstream.js';
import { startWakegate, type StartedWakegate } from '../../helpers/wakegate.js';

let upstream: TestUpstream;
let api: TestUpstream;
let wg: StartedWakegate;

beforeAll(async () => {
  upstream = await new TestUpstream().listen();
  api = await new TestUpstream().listen();
  wg = await startWakegate({
    environments: [
      { name: 'app', hosts: ['app.test'], upstream: upstream.origin },
      { name: 'api', hosts: ['app.test'], paths: ['/api'], upstream: api.origin },
      { name: 'previews', hosts: ['*.preview.test'], upstream: upstream.origin },
    ],
  });
});

afterAll(async () => {
  await wg.stop();
  await upstream.close();
  await api.close();
});

function lastSeen(u: TestUpstream = upstream): SeenRequest {
  const seen = u.seen.at(-1);
  if (seen === undefined) throw new Error('upstream saw nothing');
  return seen;
}

describe('forwarding', () => {
  it('forwards method, path and query unchanged and returns the upstream answer', async () => {
    const reply = await send({ port: wg.port, method: 'DELETE', path: '/echo/items/7?x=1&y=%20z' });
    expect(reply.status).toBe(200);
    expect(reply.headers['x-upstream']).toBe('test');
    const seen = reply.json<SeenRequest>();
    expect(seen.method).toBe('DELETE');
    expect(seen.url).toBe('/echo/items/7?x=1&y=%20z');
  });

  it('routes by host case-insensitively, ignoring the port', async () => {
    const reply = await send({ port: wg.port, host: 'APP.Test:8080', path: '/echo' });
    expect(reply.status).toBe(200);
  });

  it('routes a path prefix to its own environment, longest prefix first', async () => {
    const before = api.seen.length;
    const reply = await send({ port: wg.port, path: '/api/echo' });
    expect(reply.status).toBe(200);
    expect(api.seen.length).toBe(before + 1);
    const other = await send({ port: wg.port, path: '/apix/echo' });
    expect(other.status).toBe(200);
    expect(lastSeen().url).toBe('/apix/echo');
  });

  it('routes any host under a wildcard', async () => {
    const reply = await send({ port: wg.port, host: 'pr-42.preview.test', path: '/echo' });
    expect(reply.status).toBe(200);
    expect(lastSeen().headers.host).toBe('pr-42.preview.test');
  });

  it('keeps the Host header the client sent, so the ingress behind can route by it', async () => {
    await send({ port: wg.port, host: 'app.test', path: '/echo' });
    expect(lastSeen().headers.host).toBe('app.test');
  });

  it('streams a request body with a content length intact', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const reply = await send({ port: wg.port, method: 'POST', path: '/echo', body });
    const seen = reply.json<SeenRequest>();
    expect(seen.bodyBytes).toBe(body.length);
    expect(seen.headers['content-length']).toBe(String(body.length));
  });

  it('forwards a chunked request body re-framed, without the client framing headers', async () => {
    const parts = ['alpha-', 'beta-', 'gamma'];
    const reply = await send({ port: wg.port, method: 'PUT', path: '/echo', body: Readable.from(parts.map((p) => Buffer.from(p))), headers: { 'transfer-encoding': 'chunked' } });
    const seen = reply.json<SeenRequest>();
    expect(seen.bodyBytes).toBe('alpha-beta-gamma'.length);
    expect(seen.complete).toBe(true);
  });

  it('streams a large response body to the client', async () => {
    const reply = await send({ port: wg.port, path: '/big?bytes=8388608' });
    expect(reply.status).toBe(200);
    expect(reply.body.length).toBe(8 * 1024 * 1024);
  });

  it('relays a streamed response chunk by chunk', async () => {
    const reply = await send({ port: wg.port, path: '/stream?chunks=4&ms=5' });
    expect(reply.text).toBe('chunk 0\nchunk 1\nchunk 2\nchunk 3\n');
  });

  it('answers HEAD with the upstream headers and no body', async () => {
    const reply = await send({ port: wg.port, method: 'HEAD', path: '/big?bytes=1000' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe('1000');
    expect(reply.body.length).toBe(0);
  });

  it('relays 204 and 304 without a body and keeps the connection usable', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const a = await send({ port: wg.port, path: '/status/204', agent });
    const b = await send({ port: wg.port, path: '/status/304', agent });
    const c = await send({ port: wg.port, path: '/echo', agent });
    agent.destroy();
    expect([a.status, b.status, c.status]).toEqual([204, 304, 200]);
    expect(a.body.length + b.body.length).toBe(0);
  });

  it('relays error statuses from the upstream as they are', async () => {
    const reply = await send({ port: wg.port, path: '/status/503' });
    expect(reply.status).toBe(503);
    expect(reply.text).toBe('status 503\n');
  });

  it('answers Expect: 100-continue itself when it starts forwarding, and the body follows', async () => {
    const result = await new Promise<{ continued: boolean; status: number; body: string }>((resolve, reject) => {
      let continued = false;
      const req = http.request({ port: wg.port, host: '127.0.0.1', method: 'POST', path: '/echo', agent: false, headers: { host: 'app.test', expect: '100-continue', 'content-length': '5' } });
      req.on('continue', () => {
        continued = true;
        req.end('hello');
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ continued, status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(result.continued).toBe(true);
    expect(result.status).toBe(200);
    const seen = JSON.parse(result.body) as SeenRequest;
    expect(seen.bodyBytes).toBe(5);
    expect(seen.headers.expect).toBeUndefined();
  });

  it('answers pipelined requests in order, each for its own path', async () => {
    const exchange = await rawRequest(
      wg.port,
      'GET /echo/1 HTTP/1.1\r\nHost: app.test\r\n\r\n' +
        'POST /echo/2 HTTP/1.1\r\nHost: app.test\r\nContent-Length: 3\r\n\r\nabc' +
        'GET /echo/3 HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n',
    );
    expect(exchange.statuses).toEqual([200, 200, 200]);
    const urls = [...exchange.text.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
    expect(urls).toEqual(['/echo/1', '/echo/2', '/echo/3']);
  });

  it('reuses upstream connections across requests (keep-alive pool)', async () => {
    const before = upstream.connections;
    for (let i = 0; i < 20; i++) await send({ port: wg.port, path: '/echo' });
    expect(upstream.connections - before).toBeLessThanOrEqual(1);
  });

  it('aborts the upstream request when the client goes away', async () => {
    const before = upstream.openSockets.size;
    const socket = net.connect(wg.port, '127.0.0.1');
    socket.write('GET /hang HTTP/1.1\r\nHost: app.test\r\n\r\n');
    await eventually(() => lastSeen().url === '/hang', 3_000, 'the upstream to see /hang');
    expect(upstream.openSockets.size).toBeGreaterThan(0);
    socket.destroy();
    // The pooled socket that carried /hang is closed rather than reused half-read.
    await eventually(() => upstream.openSockets.size <= before, 3_000, 'the upstream socket to close');
  });

  it('pauses the upstream while a client does not read (backpressure)', async () => {
    const before = upstream.bigBytesWritten;
    const socket = net.connect(wg.port, '127.0.0.1');
    socket.write('GET /big?bytes=268435456 HTTP/1.1\r\nHost: app.test\r\n\r\n');
    socket.pause();
    await new Promise((r) => setTimeout(r, 500));
    const written = upstream.bigBytesWritten - before;
    // Of 256 MiB, only what fits in socket and stream buffers along the way has left the upstream.
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(32 * 1024 * 1024);
    socket.destroy();
  });
});
