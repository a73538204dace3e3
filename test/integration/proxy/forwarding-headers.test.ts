import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import { rawRequest } from '../../helpers/raw-client.js';
import { rawUpstream, TestUpstream, type SeenRequest } from '../../helpers/upstream.js';
import { startWakegate, type StartedWakegate } from '../../helpers/wakegate.js';

let upstream: TestUpstream;
let hopHeavy: Awaited<ReturnType<typeof rawUpstream>>;
let untrusting: StartedWakegate;
let trusting: StartedWakegate;

beforeAll(async () => {
  upstream = await new TestUpstream().listen();
  hopHeavy = await rawUpstream((_req, socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive, X-Internal\r\nX-Internal: secret\r\nKeep-Alive: timeout=5\r\nProxy-Authenticate: Basic\r\nVia: 1.1 backend\r\nX-Kept: yes\r\n\r\nok');
  });
  const environments = [
    { name: 'app', hosts: ['app.test'], upstream: upstream.origin },
    { name: 'hop', hosts: ['hop.test'], upstream: hopHeavy.origin },
  ];
  untrusting = await startWakegate({ environments });
  trusting = await startWakegate({ environments, forward: { trustForwardedFrom: ['127.0.0.0/8', '::1'] } });
});

afterAll(async () => {
  await untrusting.stop();
  await trusting.stop();
  await upstream.close();
  await hopHeavy.close();
});

async function seenFor(port: number, headers: Record<string, string>): Promise<SeenRequest> {
  const reply = await send({ port, path: '/echo', headers });
  expect(reply.status).toBe(200);
  return reply.json<SeenRequest>();
}

describe('request headers sent upstream', () => {
  it('strips hop-by-hop fields and every field named in Connection', async () => {
    const seen = await seenFor(untrusting.port, {
      connection: 'keep-alive, X-Secret, X-Other',
      'keep-alive': 'timeout=5',
      'x-secret': 'drop me',
      'x-other': 'drop me too',
      te: 'trailers',
      'proxy-authorization': 'Basic Zm9v',
      'x-kept': 'stay',
    });
    expect(seen.headers['x-secret']).toBeUndefined();
    expect(seen.headers['x-other']).toBeUndefined();
    expect(seen.headers['keep-alive']).toBeUndefined();
    expect(seen.headers.te).toBeUndefined();
    expect(seen.headers['proxy-authorization']).toBeUndefined();
    expect(seen.headers['x-kept']).toBe('stay');
  });

  it('cannot be made to drop its own forwarding headers through Connection', async () => {
    const seen = await seenFor(untrusting.port, { connection: 'X-Forwarded-For, Via, X-Forwarded-Host', 'x-forwarded-for': '6.6.6.6' });
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-host']).toBe('app.test');
    expect(seen.headers.via).toBe('1.1 wakegate');
  });

  it('replaces X-Forwarded-* and drops Forwarded from an untrusted peer', async () => {
    const seen = await seenFor(untrusting.port, {
      'x-forwarded-for': '6.6.6.6',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.test',
      forwarded: 'for=6.6.6.6',
    });
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe('app.test');
    expect(seen.headers.forwarded).toBeUndefined();
  });

  it('appends to X-Forwarded-For and keeps the others from a trusted peer', async () => {
    const seen = await seenFor(trusting.port, {
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'public.example.com',
    });
    expect(seen.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('https');
    expect(seen.headers['x-forwarded-host']).toBe('public.example.com');
  });

  it('appends its Via entry to the one it received', async () => {
    const seen = await seenFor(untrusting.port, { via: '1.1 edge' });
    expect(seen.headers.via).toBe('1.1 edge, 1.1 wakegate');
  });

  it('strips an Upgrade that Connection does not announce', async () => {
    const seen = await seenFor(untrusting.port, { upgrade: 'websocket' });
    expect(seen.headers.upgrade).toBeUndefined();
  });

  it('serves an h2c upgrade request as the plain request it also is, never forwarding the upgrade', async () => {
    const exchange = await rawRequest(untrusting.port, 'GET /echo HTTP/1.1\r\nHost: app.test\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n');
    expect(exchange.statuses).toEqual([200]);
    const seen = upstream.seen.at(-1)!;
    expect(seen.headers.upgrade).toBeUndefined();
    expect(seen.headers['http2-settings']).toBeUndefined();
    expect(exchange.closed).toBe(true);
  });
});

describe('response headers sent to the client', () => {
  it('strips hop-by-hop fields and those the upstream names in Connection, and adds Via', async () => {
    const reply = await send({ port: untrusting.port, host: 'hop.test' });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('ok');
    expect(reply.headers['x-internal']).toBeUndefined();
    expect(reply.headers['proxy-authenticate']).toBeUndefined();
    expect(reply.headers['keep-alive']).not.toBe('timeout=5');
    expect(reply.headers['x-kept']).toBe('yes');
    expect(reply.headers.via).toBe('1.1 backend, 1.1 wakegate');
  });
});
