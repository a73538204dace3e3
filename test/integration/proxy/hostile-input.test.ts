import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import { rawRequest } from '../../helpers/raw-client.js';
import { connectionCounter, TestUpstream } from '../../helpers/upstream.js';
import { startWakegate, type StartedWakegate } from '../../helpers/wakegate.js';

let upstream: TestUpstream;
let secret: Awaited<ReturnType<typeof connectionCounter>>;
let wg: StartedWakegate;

beforeAll(async () => {
  upstream = await new TestUpstream().listen();
  secret = await connectionCounter();
  wg = await startWakegate({
    server: { maxHeadersCount: 50 },
    environments: [{ name: 'app', hosts: ['app.test'], upstream: upstream.origin }],
  });
});

afterAll(async () => {
  await wg.stop();
  await upstream.close();
  await secret.close();
});

/** Sends raw bytes and asserts the answer's status, and that the upstream saw nothing new. */
async function rejected(payload: string, expected: number[]): Promise<string> {
  const before = upstream.seen.length;
  const connectionsBefore = upstream.connections;
  const exchange = await rawRequest(wg.port, payload);
  expect(expected).toContain(exchange.statuses[0]);
  expect(upstream.seen.length).toBe(before);
  expect(upstream.connections).toBe(connectionsBefore);
  return exchange.text;
}

describe('malformed and hostile requests never reach an upstream', () => {
  it('answers 404 problem+json for an unknown host without contacting any upstream', async () => {
    const before = upstream.connections;
    const reply = await send({ port: wg.port, host: 'nobody.test', path: '/x' });
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.json()).toMatchObject({ status: 404, code: 'WAKEGATE_NO_ROUTE', host: 'nobody.test' });
    expect(upstream.connections).toBe(before);
  });

  it('rejects Content-Length together with Transfer-Encoding', async () => {
    await rejected('POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', [400]);
  });

  it('rejects two different Content-Length headers', async () => {
    await rejected('POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde', [400]);
  });

  it('rejects two identical Content-Length headers', async () => {
    await rejected('POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd', [400]);
  });

  it('rejects a bad chunk size and completes no request upstream', async () => {
    const before = upstream.seen.filter((s) => s.complete).length;
    const exchange = await rawRequest(wg.port, 'POST /echo HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n');
    expect(exchange.statuses[0] ?? 400).toBe(400);
    await new Promise((r) => setTimeout(r, 100));
    expect(upstream.seen.filter((s) => s.complete).length).toBe(before);
  });

  it('rejects an unknown transfer coding', async () => {
    await rejected('POST / HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n', [400, 501]);
  });

  it('rejects a header name containing a space', async () => {
    await rejected('GET / HTTP/1.1\r\nHost: app.test\r\nBad Header: x\r\n\r\n', [400]);
  });

  it('rejects a header block larger than the limit with 431', async () => {
    await rejected(`GET / HTTP/1.1\r\nHost: app.test\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, [431]);
  });

  it('rejects more header fields than the limit with 431', async () => {
    const fields = Array.from({ length: 60 }, (_, i) => `X-F${i}: v\r\n`).join('');
    await rejected(`GET / HTTP/1.1\r\nHost: app.test\r\n${fields}\r\n`, [431]);
  });

  it('rejects two Host headers', async () => {
    await rejected('GET / HTTP/1.1\r\nHost: app.test\r\nHost: other.test\r\n\r\n', [400]);
  });

  it('rejects a Host with a space or a slash', async () => {
    await rejected('GET / HTTP/1.1\r\nHost: app.test/evil\r\n\r\n', [400]);
    await rejected('GET / HTTP/1.1\r\nHost: app test\r\n\r\n', [400]);
  });

  it('rejects an HTTP/1.1 request without Host', async () => {
    await rejected('GET / HTTP/1.1\r\n\r\n', [400]);
  });

  it('never dials the authority of an absolute-form request to a foreign host', async () => {
    const before = secret.count();
    const text = await rejected(`GET http://127.0.0.1:${secret.port}/ HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n`, [404]);
    expect(text).toContain('WAKEGATE_NO_ROUTE');
    expect(secret.count()).toBe(before);
  });

  it('routes an absolute-form request by its authority, which replaces Host', async () => {
    const exchange = await rawRequest(wg.port, 'GET http://app.test/echo?q=1 HTTP/1.1\r\nHost: other.test\r\nConnection: close\r\n\r\n');
    expect(exchange.statuses).toEqual([200]);
    const seen = upstream.seen.at(-1)!;
    expect(seen.url).toBe('/echo?q=1');
    expect(seen.headers.host).toBe('app.test');
  });

  it('never lets a Host naming an internal listener reach it', async () => {
    const before = secret.count();
    await rejected(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${secret.port}\r\nX-Forwarded-Host: 127.0.0.1:${secret.port}\r\n\r\n`, [404]);
    expect(secret.count()).toBe(before);
  });

  it('answers CONNECT with 405', async () => {
    const exchange = await rawRequest(wg.port, `CONNECT 127.0.0.1:${secret.port} HTTP/1.1\r\nHost: 127.0.0.1:${secret.port}\r\n\r\n`);
    expect(exchange.statuses[0]).toBe(405);
    expect(secret.count()).toBe(0);
  });

  it('answers a request that already passed through this proxy with 508', async () => {
    await rejected('GET / HTTP/1.1\r\nHost: app.test\r\nVia: 1.1 edge, 1.1 wakegate\r\n\r\n', [508]);
  });

  it('keeps the process healthy after a path carrying an encoded CRLF', async () => {
    const exchange = await rawRequest(wg.port, 'GET /echo/%0d%0aX-Injected:%201 HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n');
    expect(exchange.statuses).toEqual([200]);
    expect(exchange.text).not.toMatch(/\r\nX-Injected:/i);
    const health = await send({ port: wg.adminPort, path: '/healthz' });
    expect(health.status).toBe(200);
  });

  it('rejects a chunk extension flood', async () => {
    const exchange = await rawRequest(wg.port, `POST /echo HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n5;${'a'.repeat(30_000)}\r\nhello\r\n0\r\n\r\n`);
    expect([400, 413]).toContain(exchange.statuses[0] ?? 400);
    expect(upstream.seen.filter((s) => s.url === '/echo' && s.complete && s.bodyBytes === 5).length).toBe(0);
  });
});
