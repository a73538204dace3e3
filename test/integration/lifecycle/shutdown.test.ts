import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import { spawn } from 'node:child_process';
import { CLI, ROOT, startWakegateProcess, writeConfig } from '../../helpers/process.js';
import { TestUpstream } from '../../helpers/upstream.js';

let upstream: TestUpstream;

beforeAll(async () => {
  upstream = await new TestUpstream().listen();
});

afterAll(async () => {
  await upstream.close();
});

function environments(): unknown[] {
  return [{ name: 'app', hosts: ['app.test'], upstream: upstream.origin }];
}

describe('graceful shutdown of the wakegate process', () => {
  it('turns readiness off at once, finishes in-flight requests, then exits 0', async () => {
    const wg = await startWakegateProcess({ shutdown: { drainDelay: '400ms', grace: '10s' }, environments: environments() });
    expect((await send({ port: wg.adminPort, path: '/readyz' })).status).toBe(200);
    const slow = send({ port: wg.port, path: '/slow?ms=1200' });
    await new Promise((r) => setTimeout(r, 100));
    const signalledAt = Date.now();
    wg.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const ready = await send({ port: wg.adminPort, path: '/readyz' });
    expect(ready.status).toBe(503);
    // Still accepting during the drain delay, but telling clients to reconnect elsewhere.
    const during = await send({ port: wg.port, path: '/echo', agent: new http.Agent({ keepAlive: true }) });
    expect(during.status).toBe(200);
    expect(during.headers.connection).toBe('close');
    const slowReply = await slow;
    expect(slowReply.status).toBe(200);
    expect(await wg.exited).toBe(0);
    // Exited once the slow request was done, long before the 10 s grace.
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
  });

  it('exits at once when nothing is in flight', async () => {
    const wg = await startWakegateProcess({ shutdown: { grace: '30s' }, environments: environments() });
    const at = Date.now();
    wg.kill('SIGINT');
    expect(await wg.exited).toBe(0);
    expect(Date.now() - at).toBeLessThan(3_000);
  });

  it('closes idle keep-alive connections when it stops accepting', async () => {
    const wg = await startWakegateProcess({ shutdown: { grace: '30s' }, environments: environments() });
    const socket = net.connect(wg.port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write('GET /echo HTTP/1.1\r\nHost: app.test\r\n\r\n');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    wg.kill('SIGTERM');
    await closed;
    expect(await wg.exited).toBe(0);
  });

  it('cuts what is left when the grace period is over, and still exits 0', async () => {
    const wg = await startWakegateProcess({ shutdown: { grace: '500ms' }, environments: environments() });
    const hanging = send({ port: wg.port, path: '/hang' }).then(
      (r) => r.status,
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 100));
    const at = Date.now();
    wg.kill('SIGTERM');
    expect(await wg.exited).toBe(0);
    expect(Date.now() - at).toBeLessThan(3_000);
    expect(await hanging).toBe('cut');
  });

  it('exits at once on a second signal', async () => {
    const wg = await startWakegateProcess({ shutdown: { grace: '30s' }, environments: environments() });
    void send({ port: wg.port, path: '/hang' }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    wg.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    const at = Date.now();
    wg.kill('SIGTERM');
    expect(await wg.exited).not.toBe(0);
    expect(Date.now() - at).toBeLessThan(1_000);
  });

  it('still exits on SIGTERM when whatever read its logs has gone (broken stdout pipe)', async () => {
    const file = writeConfig({ listen: '127.0.0.1:0', admin: { listen: '127.0.0.1:0' }, environments: environments() });
    const child = spawn(process.execPath, [CLI, 'serve', '--config', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    process.once('exit', () => child.kill('SIGKILL'));
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    const code = await exited;
    clearTimeout(killer);
    expect(code).toBe(0);
  });
});
