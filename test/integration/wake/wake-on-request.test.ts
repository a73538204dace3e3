import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, send } from '../../helpers/http-client.js';
import { freePort } from '../../helpers/ports.js';
import { startWakegate, type StartedWakegate } from '../../helpers/wakegate.js';

const APP = fileURLToPath(new URL('../../fixtures/apps/wake-app.mjs', import.meta.url));

let running: StartedWakegate[] = [];

afterEach(async () => {
  await Promise.all(running.map((wg) => wg.stop()));
  running = [];
});

interface AppOptions {
  readonly delayMs?: number;
  readonly exitCode?: number;
  readonly idleAfter?: string;
}

/** A wakegate with one local environment `app` (host app.test) running the wake fixture. */
async function wakegateWithApp(app: AppOptions = {}, config: Record<string, unknown> = {}): Promise<{ wg: StartedWakegate; starts: () => number }> {
  const port = await freePort();
  const startsFile = path.join(mkdtempSync(path.join(tmpdir(), 'wakegate-starts-')), 'starts');
  writeFileSync(startsFile, '');
  const env: Record<string, string> = { PORT: String(port), STARTS_FILE: startsFile };
  if (app.delayMs !== undefined) env.DELAY_MS = String(app.delayMs);
  if (app.exitCode !== undefined) env.EXIT_CODE = String(app.exitCode);
  const wg = await startWakegate({
    ...config,
    environments: [
      {
        name: 'app',
        hosts: ['app.test'],
        upstream: `http://127.0.0.1:${port}`,
        command: [process.execPath, APP],
        env,
        ...(app.idleAfter !== undefined && { idleAfter: app.idleAfter }),
      },
    ],
  });
  running.push(wg);
  const starts = (): number => readFileSync(startsFile, 'utf8').split('\n').filter(Boolean).length;
  return { wg, starts };
}

async function phaseOf(wg: StartedWakegate, id = 'app'): Promise<string> {
  const reply = await send({ port: wg.adminPort, path: `/api/v1/environments/${id}` });
  return reply.json<{ phase: string }>().phase;
}

describe('wake on request', () => {
  it('starts one process for 500 concurrent requests and answers every one', async () => {
    const { wg, starts } = await wakegateWithApp({ delayMs: 300 });
    expect(await phaseOf(wg)).toBe('asleep');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 500 });
    const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => send({ port: wg.port, path: `/r/${i}`, agent, timeoutMs: 30_000 })));
    agent.destroy();
    expect(replies.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    expect(starts()).toBe(1);
    expect(new Set(replies.map((r) => r.json<{ pid: number }>().pid)).size).toBe(1);
    expect(Number(replies[0]!.headers['x-wakegate-cold-start'])).toBeGreaterThan(0);
    expect(replies[0]!.headers['server-timing']).toMatch(/^wake;dur=\d+$/);
    expect(await phaseOf(wg)).toBe('awake');
    // Warm now: no cold-start header.
    const warm = await send({ port: wg.port, path: '/' });
    expect(warm.headers['x-wakegate-cold-start']).toBeUndefined();
  });

  it('answers 504 naming the environment when it is not ready within wake.timeout', async () => {
    const { wg } = await wakegateWithApp({ delayMs: 5_000 }, { wake: { timeout: '1s' } });
    const started = Date.now();
    const reply = await send({ port: wg.port, path: '/' });
    expect(reply.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(reply.json()).toMatchObject({ code: 'WAKEGATE_WAKE_TIMEOUT', environment: 'app' });
    expect(reply.json<{ waitedSeconds: number }>().waitedSeconds).toBeGreaterThanOrEqual(0.9);
    expect(reply.json<{ notReady: string }>().notReady).toContain('accept connections');
  });

  it('answers 503 with Retry-After beyond the hold limit', async () => {
    const { wg } = await wakegateWithApp({ delayMs: 1_000 }, { wake: { maxHeldPerEnvironment: 2 } });
    const replies = await Promise.all([0, 1, 2].map((i) => send({ port: wg.port, path: `/${i}` })));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 503]);
    const refused = replies.find((r) => r.status === 503)!;
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json()).toMatchObject({ code: 'WAKEGATE_HOLD_LIMIT', environment: 'app' });
  });

  it('frees the slot of a client that leaves while held, and the wake goes on for the others', async () => {
    const { wg } = await wakegateWithApp({ delayMs: 800 }, { wake: { maxHeldPerEnvironment: 1 } });
    const leaver = net.connect(wg.port, '127.0.0.1');
    leaver.write('GET / HTTP/1.1\r\nHost: app.test\r\n\r\n');
    await eventually(async () => (await phaseOf(wg)) === 'waking');
    leaver.destroy();
    // Its slot is free again: the next request is held (not refused) and answered once awake.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reply = await send({ port: wg.port, path: '/' });
    expect(reply.status).toBe(200);
  });

  it('answers 502 with the exit code when the process dies while waking, and retries on the next request', async () => {
    const { wg, starts } = await wakegateWithApp({ exitCode: 3 }, { wake: { timeout: '20s' } });
    const started = Date.now();
    const first = await send({ port: wg.port, path: '/' });
    expect(first.status).toBe(502);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(first.json()).toMatchObject({ code: 'WAKEGATE_WAKE_FAILED', environment: 'app' });
    expect(first.json<{ cause: string }>().cause).toContain('code 3');
    expect(await phaseOf(wg)).toBe('failed');
    const second = await send({ port: wg.port, path: '/' });
    expect(second.status).toBe(502);
    expect(starts()).toBe(2);
  });

  it('puts an idle environment to sleep, but not while a request is in flight', async () => {
    const { wg } = await wakegateWithApp({ idleAfter: '1s' }, { sleep: { minAwake: '0s', checkEvery: '200ms' } });
    const slow = send({ port: wg.port, path: '/slow?ms=2500' });
    await eventually(async () => (await phaseOf(wg)) === 'awake', 10_000, 'awake');
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    expect(await phaseOf(wg)).toBe('awake');
    expect((await slow).status).toBe(200);
    await eventually(async () => (await phaseOf(wg)) === 'asleep', 6_000, 'asleep after the request');
    const view = (await send({ port: wg.adminPort, path: '/api/v1/environments/app' })).json<{ reason: string }>();
    expect(view.reason).toContain('no requests');
    // And a request wakes it again.
    expect((await send({ port: wg.port, path: '/' })).status).toBe(200);
  });

  it('never wakes an environment for a probe or crawler', async () => {
    const { wg, starts } = await wakegateWithApp();
    const reply = await send({ port: wg.port, path: '/', headers: { 'user-agent': 'kube-probe/1.30' } });
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBeDefined();
    expect(reply.json()).toMatchObject({ code: 'WAKEGATE_NOT_WOKEN_FOR_CLIENT' });
    expect(await phaseOf(wg)).toBe('asleep');
    expect(starts()).toBe(0);
  });

  it('gives a browser the waiting page at once, wakes the environment, then serves the app', async () => {
    const { wg } = await wakegateWithApp({ delayMs: 500 });
    const browser = { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
    const page = await send({ port: wg.port, path: '/', headers: browser });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('/.wakegate/events?env=app');
    await eventually(async () => (await phaseOf(wg)) === 'awake', 10_000, 'awake');
    const app = await send({ port: wg.port, path: '/', headers: browser });
    expect(app.json()).toHaveProperty('pid');
  });

  it('streams wake progress to the waiting page', async () => {
    const { wg } = await wakegateWithApp({ delayMs: 500 });
    const events = await new Promise<string>((resolve, reject) => {
      let text = '';
      const req = http.get({ host: '127.0.0.1', port: wg.port, path: '/.wakegate/events?env=app', headers: { host: 'app.test' } }, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      setTimeout(() => void send({ port: wg.port, path: '/' }), 200);
    });
    expect(events).toContain('"phase":"asleep"');
    expect(events).toContain('"phase":"waking"');
    expect(events).toContain('event: progress');
    expect(events).toContain('"phase":"awake"');
  });

  it('holds a WebSocket handshake through the wake and tunnels it', async () => {
    const { wg } = await wakegateWithApp({ delayMs: 300 });
    const ws = new WebSocket(`ws://127.0.0.1:${wg.port}/socket`, { headers: { host: 'app.test' } });
    const echoed = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('hello through a wake'));
      ws.on('message', (data: Buffer) => resolve(data.toString()));
      ws.on('error', reject);
    });
    ws.close();
    expect(echoed).toBe('hello through a wake');
  });

  it('delivers a 10 MiB body held through a wake byte-exact', async () => {
    const { wg } = await wakegateWithApp({ delayMs: 500 });
    const body = randomBytes(10 * 1024 * 1024);
    const reply = await send({ port: wg.port, method: 'POST', path: '/echo', body, headers: { 'content-type': 'application/octet-stream' }, timeoutMs: 30_000 });
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ method: 'POST', bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  });

  it('answers Expect: 100-continue only once the request is forwarded, after the wake', async () => {
    const { wg } = await wakegateWithApp({ delayMs: 600 });
    const socket = net.connect(wg.port, '127.0.0.1');
    const sent = Date.now();
    socket.write('POST /echo HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    let text = '';
    let continuedAfter = -1;
    await new Promise<void>((resolve) => {
      socket.on('data', (d: Buffer) => {
        text += d.toString();
        if (continuedAfter < 0 && text.startsWith('HTTP/1.1 100')) {
          continuedAfter = Date.now() - sent;
          socket.write('hello');
        }
      });
      socket.on('close', () => resolve());
    });
    expect(continuedAfter).toBeGreaterThanOrEqual(500);
    expect(text).toContain('"bytes":5');
  });

  it('wakes an environment again when a request arrives while it is going to sleep', async () => {
    const { wg, starts } = await wakegateWithApp();
    expect((await send({ port: wg.port, path: '/' })).status).toBe(200);
    const sleeping = send({ port: wg.adminPort, method: 'POST', path: '/api/v1/environments/app/sleep' });
    await eventually(async () => (await phaseOf(wg)) !== 'awake', 3_000, 'sleeping');
    const reply = await send({ port: wg.port, path: '/' });
    expect(reply.status).toBe(200);
    expect((await sleeping).status).toBe(200);
    expect(starts()).toBe(2);
    expect(await phaseOf(wg)).toBe('awake');
  });

  it('counts cold starts, held requests and phases in its metrics', async () => {
    const { wg } = await wakegateWithApp({ delayMs: 300 });
    expect((await send({ port: wg.port, path: '/' })).status).toBe(200);
    const metrics = (await send({ port: wg.adminPort, path: '/metrics' })).text;
    expect(metrics).toMatch(/wakegate_cold_starts_total\{result="success"\} 1/);
    expect(metrics).toMatch(/wakegate_wake_duration_seconds_count 1/);
    expect(metrics).toMatch(/wakegate_held_requests 0/);
    expect(metrics).toMatch(/wakegate_environments\{phase="awake"\} 1/);
    expect(metrics).toMatch(/wakegate_environments\{phase="asleep"\} 0/);
  });

  it('refuses a wake beyond the hourly wake budget with 503 and Retry-After', async () => {
    const { wg, starts } = await wakegateWithApp({}, { wake: { maxWakesPerHour: 1 } });
    expect((await send({ port: wg.port, path: '/' })).status).toBe(200);
    expect((await send({ port: wg.adminPort, method: 'POST', path: '/api/v1/environments/app/sleep' })).status).toBe(200);
    const refused = await send({ port: wg.port, path: '/' });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3_000);
    expect(refused.json()).toMatchObject({ code: 'WAKEGATE_WAKE_BUDGET', environment: 'app' });
    expect(starts()).toBe(1);
  });

  it('wakes and sleeps through the admin API', async () => {
    const { wg } = await wakegateWithApp();
    const woken = await send({ port: wg.adminPort, method: 'POST', path: '/api/v1/environments/app/wake' });
    expect(woken.status).toBe(200);
    expect(woken.json()).toMatchObject({ id: 'app', phase: 'awake', kind: 'local' });
    const view = (await send({ port: wg.adminPort, path: '/api/v1/environments/app' })).json<{ output: string[]; awakeBecause: string; lastWakeSeconds: number }>();
    expect(view.output.join('\n')).toContain('listening');
    expect(view.awakeBecause).toBeTruthy();
    expect(view.lastWakeSeconds).toBeGreaterThan(0);
    const slept = await send({ port: wg.adminPort, method: 'POST', path: '/api/v1/environments/app/sleep' });
    expect(slept.status).toBe(200);
    expect(slept.json()).toMatchObject({ phase: 'asleep' });
  });
});
