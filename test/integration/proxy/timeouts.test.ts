import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import { TestUpstream } from '../../helpers/upstream.js';
import { startWakegate, type StartedWakegate } from '../../helpers/wakegate.js';

let upstream: TestUpstream;
let wg: StartedWakegate;

beforeAll(async () => {
  upstream = await new TestUpstream().listen();
  wg = await startWakegate({
    server: { keepAliveTimeout: '300ms', headersTimeout: '1s', requestTimeout: '2s' },
    environments: [{ name: 'app', hosts: ['app.test'], upstream: upstream.origin }],
  });
});

afterAll(async () => {
  await wg.stop();
  await upstream.close();
});

/** Opens a connection and writes `parts` one by one, `gapMs` apart; resolves with what came back and when the server closed. */
function drip(parts: string[], gapMs: number): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(wg.port, '127.0.0.1');
    let text = '';
    let i = 0;
    const timer = setInterval(() => {
      if (i < parts.length && !socket.destroyed) socket.write(parts[i++]!);
    }, gapMs);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
    setTimeout(() => socket.destroy(), 8_000);
  });
}

describe('server timeouts', () => {
  it('cuts a client that drips its request head slower than headersTimeout, and forwards nothing for it', async () => {
    const before = upstream.seen.length;
    const head = 'GET /echo HTTP/1.1\r\nHost: app.test\r\nX-Slow: 1\r\n'.split('');
    const result = await drip(head, 100);
    expect(result.closedAfterMs).toBeLessThan(4_000);
    expect(result.text === '' || result.text.startsWith('HTTP/1.1 408')).toBe(true);
    expect(upstream.seen.length).toBe(before);
  });

  it('keeps answering others while slow clients hold connections', async () => {
    const slow = Array.from({ length: 50 }, () => drip('GET / HTTP/1.1\r\nHost: app.test\r\n'.split(''), 200));
    const started = Date.now();
    const reply = await send({ port: wg.port, path: '/echo' });
    expect(reply.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    await Promise.all(slow);
  });

  it('closes an idle keep-alive connection after keepAliveTimeout', async () => {
    const result = await drip(['GET /echo HTTP/1.1\r\nHost: app.test\r\n\r\n'], 10);
    expect(result.text.startsWith('HTTP/1.1 200')).toBe(true);
    expect(result.closedAfterMs).toBeLessThan(3_000);
  });

  it('bounds the time to receive a whole request body with requestTimeout', async () => {
    const parts = ['POST /echo HTTP/1.1\r\nHost: app.test\r\nContent-Length: 100\r\n\r\n', ...Array.from({ length: 60 }, () => 'x')];
    const result = await drip(parts, 100);
    expect(result.closedAfterMs).toBeLessThan(5_000);
    expect(upstream.seen.filter((s) => s.complete && s.bodyBytes === 100).length).toBe(0);
  });
});
