import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import { rawRequest } from '../../helpers/raw-client.js';
import { TestUpstream, type SeenRequest } from '../../helpers/upstream.js';
import { startWakegate, type StartedWakegate } from '../../helpers/wakegate.js';

let upstream: TestUpstream;
let wg: StartedWakegate;

beforeAll(async () => {
  upstream = await new TestUpstream().listen();
  wg = await startWakegate({
    environments: [{ name: 'app', hosts: ['app.test'], upstream: upstream.origin }],
  });
});

afterAll(async () => {
  await wg.stop();
  await upstream.close();
});

function bodyOf(text: string): string {
  return text.slice(text.indexOf('\r\n\r\n') + 4);
}

function headerOf(text: string, name: string): string | undefined {
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

describe('the HTTP/1.1 server', () => {
  it('forwards a head of many fields and a long target intact', async () => {
    // More than 32 fields and a long target: the parser hands them over in parts.
    const fields = Array.from({ length: 80 }, (_, i) => `X-Field-${i}: value-${i}`).join('\r\n');
    const target = `/echo/${'p'.repeat(6_000)}?q=${'v'.repeat(2_000)}`;
    const exchange = await rawRequest(wg.port, `GET ${target} HTTP/1.1\r\nHost: app.test\r\n${fields}\r\nConnection: close\r\n\r\n`);
    expect(exchange.statuses).toEqual([200]);
    const seen = JSON.parse(bodyOf(exchange.text)) as SeenRequest;
    expect(seen.url).toBe(target);
    for (let i = 0; i < 80; i++) expect(seen.headers[`x-field-${i}`]).toBe(`value-${i}`);
  });

  it('answers hundreds of pipelined requests in order behind a slow one', async () => {
    const many = Array.from({ length: 500 }, (_, i) => `GET /echo/${i} HTTP/1.1\r\nHost: ${i % 2 === 0 ? 'app.test' : 'unknown.test'}\r\n\r\n`).join('');
    const exchange = await rawRequest(wg.port, `GET /slow?ms=200 HTTP/1.1\r\nHost: app.test\r\n\r\n${many}GET /echo/last HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n`, { idleMs: 3_000 });
    expect(exchange.closed).toBe(true);
    expect(exchange.statuses).toEqual([200, ...Array.from({ length: 500 }, (_, i) => (i % 2 === 0 ? 200 : 404)), 200]);
    const urls = [...exchange.text.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
    expect(urls).toEqual([...Array.from({ length: 250 }, (_, i) => `/echo/${i * 2}`), '/echo/last']);
  });

  it('closes an HTTP/1.0 connection after a body of unknown length, and keeps one that asked for keep-alive', async () => {
    const streamed = await rawRequest(wg.port, 'GET /stream?chunks=3&ms=5 HTTP/1.0\r\nHost: app.test\r\n\r\n', { idleMs: 2_000 });
    expect(streamed.statuses).toEqual([200]);
    expect(streamed.closed).toBe(true);
    expect(headerOf(streamed.text, 'transfer-encoding')).toBeUndefined();
    expect(bodyOf(streamed.text)).toBe('chunk 0\nchunk 1\nchunk 2\n');

    const kept = await rawRequest(wg.port, 'GET /echo/a HTTP/1.0\r\nHost: app.test\r\nConnection: keep-alive\r\n\r\n', { idleMs: 300 });
    expect(kept.statuses).toEqual([200]);
    expect(kept.closed).toBe(false);
    expect(headerOf(kept.text, 'connection')?.toLowerCase()).toBe('keep-alive');
  });

  it('frames a body of unknown length as chunked for HTTP/1.1 clients', async () => {
    const exchange = await rawRequest(wg.port, 'GET /stream?chunks=2&ms=5 HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n', { idleMs: 2_000 });
    expect(headerOf(exchange.text, 'transfer-encoding')).toBe('chunked');
    expect(bodyOf(exchange.text)).toBe('8\r\nchunk 0\n\r\n8\r\nchunk 1\n\r\n0\r\n\r\n');
  });

  it('answers an expectation other than 100-continue with 417 and forwards nothing', async () => {
    const before = upstream.seen.length;
    const exchange = await rawRequest(wg.port, 'POST /echo HTTP/1.1\r\nHost: app.test\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\nhi');
    expect(exchange.statuses).toEqual([417]);
    expect(JSON.parse(bodyOf(exchange.text))).toMatchObject({ status: 417, code: 'WAKEGATE_EXPECTATION_FAILED' });
    expect(upstream.seen.length).toBe(before);
  });

  it('answers a request it cannot parse with 400 problem+json, closes, and counts it', async () => {
    const exchange = await rawRequest(wg.port, 'GET / HTTP/1.1\r\nHost: app.test\r\nBad Header: x\r\n\r\n');
    expect(exchange.statuses).toEqual([400]);
    expect(exchange.closed).toBe(true);
    expect(headerOf(exchange.text, 'content-type')).toBe('application/problem+json');
    expect(JSON.parse(bodyOf(exchange.text))).toMatchObject({ status: 400, code: 'WAKEGATE_BAD_REQUEST' });
    const metrics = await send({ port: wg.adminPort, path: '/metrics' });
    expect(metrics.text).toMatch(/wakegate_requests_total\{code_class="4xx"\} [1-9]/);
  });

  it('answers a head larger than the limit with 431 problem+json', async () => {
    const exchange = await rawRequest(wg.port, `GET / HTTP/1.1\r\nHost: app.test\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(exchange.statuses).toEqual([431]);
    expect(JSON.parse(bodyOf(exchange.text))).toMatchObject({ status: 431, code: 'WAKEGATE_HEAD_TOO_LARGE' });
  });

  it('keeps a connection for the next request after an answer given before the body was read', async () => {
    // /status/413 answers at once; the body the client still sends is read and dropped.
    const body = 'x'.repeat(200_000);
    const exchange = await rawRequest(
      wg.port,
      [`POST /status/413 HTTP/1.1\r\nHost: app.test\r\nContent-Length: ${body.length}\r\n\r\n`, body, 'GET /echo/after HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n'],
      { idleMs: 3_000 },
    );
    expect(exchange.statuses).toEqual([413, 200]);
    expect(exchange.text).toContain('"url":"/echo/after"');
  });

  it('announces its keep-alive timeout and a Date', async () => {
    const exchange = await rawRequest(wg.port, 'GET /echo HTTP/1.1\r\nHost: app.test\r\n\r\n');
    expect(headerOf(exchange.text, 'connection')).toBe('keep-alive');
    expect(headerOf(exchange.text, 'keep-alive')).toBe('timeout=65');
    expect(Date.parse(headerOf(exchange.text, 'date') ?? '')).toBeGreaterThan(0);
  });
});
