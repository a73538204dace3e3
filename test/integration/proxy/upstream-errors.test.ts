import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import { rawUpstream, TestUpstream } from '../../helpers/upstream.js';
import { startWakegate, type StartedWakegate } from '../../helpers/wakegate.js';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

let upstream: TestUpstream;
let splitting: Awaited<ReturnType<typeof rawUpstream>>;
let badStatus: Awaited<ReturnType<typeof rawUpstream>>;
let resetting: Awaited<ReturnType<typeof rawUpstream>>;
let truncating: Awaited<ReturnType<typeof rawUpstream>>;
let wg: StartedWakegate;

beforeAll(async () => {
  upstream = await new TestUpstream().listen();
  splitting = await rawUpstream((_req, socket) => {
    socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
  });
  badStatus = await rawUpstream((_req, socket) => {
    socket.end('HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok');
  });
  resetting = await rawUpstream((_req, socket) => {
    socket.resetAndDestroy();
  });
  truncating = await rawUpstream((_req, socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789');
    setTimeout(() => socket.destroy(), 20);
  });
  wg = await startWakegate({
    forward: { responseHeaderTimeout: '300ms' },
    environments: [
      { name: 'app', hosts: ['app.test'], upstream: upstream.origin },
      { name: 'gone', hosts: ['gone.test'], upstream: `http://127.0.0.1:${await closedPort()}` },
      { name: 'splitting', hosts: ['splitting.test'], upstream: splitting.origin },
      { name: 'badstatus', hosts: ['badstatus.test'], upstream: badStatus.origin },
      { name: 'resetting', hosts: ['resetting.test'], upstream: resetting.origin },
      { name: 'truncating', hosts: ['truncating.test'], upstream: truncating.origin },
    ],
  });
});

afterAll(async () => {
  await wg.stop();
  await upstream.close();
  await splitting.close();
  await badStatus.close();
  await resetting.close();
  await truncating.close();
});

describe('upstream failures', () => {
  it('answers 502 problem+json when the upstream refuses the connection', async () => {
    const reply = await send({ port: wg.port, host: 'gone.test' });
    expect(reply.status).toBe(502);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    const problem = reply.json();
    expect(problem.code).toBe('WAKEGATE_UPSTREAM_REFUSED');
    expect(problem.environment).toBe('gone');
  });

  it('answers 504 when the upstream accepts but sends no response head in time', async () => {
    const started = Date.now();
    const reply = await send({ port: wg.port, path: '/hang' });
    expect(reply.status).toBe(504);
    expect(reply.json().code).toBe('WAKEGATE_UPSTREAM_TIMEOUT');
    // Not before the limit, and not long after it (the deadline sweep runs every 75 ms here).
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answers 502 and does not relay a response carrying both Content-Length and Transfer-Encoding', async () => {
    const reply = await send({ port: wg.port, host: 'splitting.test' });
    expect(reply.status).toBe(502);
    expect(reply.json().code).toBe('WAKEGATE_UPSTREAM_PROTOCOL');
  });

  it('answers 502 for an invalid upstream status line', async () => {
    const reply = await send({ port: wg.port, host: 'badstatus.test' });
    expect(reply.status).toBe(502);
  });

  it('retries an idempotent request once when the upstream resets, then answers 502', async () => {
    const before = resetting.connections();
    const reply = await send({ port: wg.port, host: 'resetting.test' });
    expect(reply.status).toBe(502);
    expect(reply.json().code).toBe('WAKEGATE_UPSTREAM_RESET');
    expect(resetting.connections() - before).toBe(2);
  });

  it('never retries a POST', async () => {
    const before = resetting.connections();
    const reply = await send({ port: wg.port, host: 'resetting.test', method: 'POST', body: 'x' });
    expect(reply.status).toBe(502);
    expect(resetting.connections() - before).toBe(1);
  });

  it('leaves a response visibly incomplete when the upstream fails after the response head', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = http.get({ port: wg.port, host: '127.0.0.1', path: '/', headers: { host: 'truncating.test' }, agent: false });
      req.on('response', (res) => {
        expect(res.statusCode).toBe(200);
        res.on('data', () => undefined);
        res.on('end', () => resolve('complete'));
        res.on('error', () => resolve('truncated'));
        res.on('aborted', () => resolve('truncated'));
      });
      req.on('error', () => resolve('truncated'));
    });
    expect(outcome).toBe('truncated');
  });
});

describe('stale keep-alive sockets', () => {
  it('loses no request when the upstream closes idle connections just as they are reused', async () => {
    // An upstream whose keep-alive timeout is shorter than the pool's: sockets die while idle.
    const shortLived = http.createServer({ keepAliveTimeout: 50 }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => shortLived.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(shortLived.address() as AddressInfo).port}`;
    const proxy = await startWakegate({ forward: { upstreamKeepAlive: '10s' }, environments: [{ name: 'short', hosts: ['short.test'], upstream: origin }] });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        statuses.push((await send({ port: proxy.port, host: 'short.test' })).status);
        await new Promise((r) => setTimeout(r, 40 + (i % 5) * 5));
      }
      expect(statuses.every((s) => s === 200)).toBe(true);
    } finally {
      await proxy.stop();
      shortLived.closeAllConnections();
      await new Promise<void>((r) => shortLived.close(() => r()));
    }
  });
});

describe('idle upstream connections', () => {
  it('closes an idle upstream connection after upstreamKeepAlive, and opens a new one for the next request', async () => {
    const opened: net.Socket[] = [];
    const closedAt: number[] = [];
    const app = http.createServer({ keepAliveTimeout: 60_000 }, (_req, res) => res.end('ok'));
    app.on('connection', (socket: net.Socket) => {
      opened.push(socket);
      socket.on('close', () => closedAt.push(Date.now()));
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const proxy = await startWakegate({ forward: { upstreamKeepAlive: '300ms' }, environments: [{ name: 'idle', hosts: ['idle.test'], upstream: origin }] });
    try {
      expect((await send({ port: proxy.port, host: 'idle.test' })).status).toBe(200);
      const answeredAt = Date.now();
      expect(opened).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(closedAt).toHaveLength(1);
      expect(closedAt[0]! - answeredAt).toBeGreaterThanOrEqual(250);
      expect((await send({ port: proxy.port, host: 'idle.test' })).status).toBe(200);
      expect(opened).toHaveLength(2);
    } finally {
      await proxy.stop();
      app.closeAllConnections();
      await new Promise<void>((r) => app.close(() => r()));
    }
  });
});
