import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, send } from '../../helpers/http-client.js';
import { freePort } from '../../helpers/ports.js';
import { startWakegate, type StartedWakegate } from '../../helpers/wakegate.js';

const APP = fileURLToPath(new URL('../../fixtures/apps/wake-app.mjs', import.meta.url));

let running: StartedWakegate[] = [];
afterEach(async () => {
  await Promise.all(running.map((wg) => wg.stop()));
  running = [];
});

/** A wakegate with local environments `app` and `other` (the wake fixture) and a static `site`. */
async function start(config: Record<string, unknown> = {}): Promise<StartedWakegate> {
  const [a, b, s] = [await freePort(), await freePort(), await freePort()];
  const local = (name: string, port: number) => ({ name, hosts: [`${name}.test`], upstream: `http://127.0.0.1:${port}`, command: [process.execPath, APP], env: { PORT: String(port) } });
  const wg = await startWakegate({ ...config, environments: [local('app', a), local('other', b), { name: 'site', hosts: ['site.test', 'www.site.test'], upstream: `http://127.0.0.1:${s}` }] });
  running.push(wg);
  return wg;
}

/** The parts of the API's documents these tests read (docs/admin-api.md). */
interface Wake {
  trigger: string;
  result: string;
  seconds: number;
  error: string | null;
  phases: { scaleRequest: number; start: number; readiness: number; firstByte: number | null };
}
interface View {
  id: string;
  phase: string;
  detail: string;
  awakeBecause: string | null;
  replicas: { current: number; awake: number } | null;
  keepAwake: { until: string; by: string } | null;
  savings: { last24h: { savedCost: number | null } };
  events: { type: string; phase?: string; step?: string; by?: string }[];
  wakes: Wake[];
  environments: View[];
  total: number;
}
interface SseData {
  id?: string;
  phase?: string;
  step?: string;
  line?: string;
}
type Summary = { phases: object; held: number; heldChart: object[]; wakeChart: { count: number }[]; savings: { last24h: { savedCost: number } } };

async function api(wg: StartedWakegate, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: <T = View>() => T; text: string; headers: http.IncomingHttpHeaders }> {
  const reply = await send({ port: wg.adminPort, method, path, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: reply.status, json: <T,>() => reply.json<T>(), text: reply.body.toString(), headers: reply.headers };
}

/** Reads a server-sent event stream until `until` is satisfied by the events so far (bounded). */
function readEvents(port: number, path: string, until: (events: { event: string; data: SseData }[]) => boolean, ms = 8_000): Promise<{ event: string; data: SseData }[]> {
  return new Promise((resolve, reject) => {
    const events: { event: string; data: SseData }[] = [];
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) as SseData });
        }
        if (until(events)) {
          clearTimeout(timer);
          req.destroy();
          resolve(events);
        }
      });
    });
    req.on('error', () => undefined);
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no matching events within ${ms} ms: ${JSON.stringify(events.map((e) => e.event))}`));
    }, ms);
  });
}

describe('the environment list', () => {
  it('is sorted, searched by id or host, filtered by phase and paged, with the total before paging', async () => {
    const wg = await start();
    const all = (await api(wg, 'GET', '/api/v1/environments')).json();
    expect(all.environments.map((e: { id: string }) => e.id)).toEqual(['app', 'other', 'site']);
    expect(all.total).toBe(3);
    const byHost = (await api(wg, 'GET', '/api/v1/environments?q=WWW.SITE')).json();
    expect(byHost.environments.map((e: { id: string }) => e.id)).toEqual(['site']);
    const asleep = (await api(wg, 'GET', '/api/v1/environments?phase=asleep')).json();
    expect(asleep.environments.map((e: { id: string }) => e.id)).toEqual(['app', 'other']);
    const page = (await api(wg, 'GET', '/api/v1/environments?offset=1&limit=1')).json();
    expect(page).toMatchObject({ total: 3, offset: 1, limit: 1 });
    expect(page.environments.map((e: { id: string }) => e.id)).toEqual(['other']);
  });

  it('answers 400 naming every bad parameter', async () => {
    const wg = await start();
    const reply = await api(wg, 'GET', '/api/v1/environments?phase=sleepy&limit=-1&offset=x');
    expect(reply.status).toBe(400);
    const detail = reply.json().detail;
    expect(detail).toContain('phase: "sleepy"');
    expect(detail).toContain('limit: "-1"');
    expect(detail).toContain('offset: "x"');
  });

  it('shows replicas, no keep-awake wish and zero savings for a fresh environment', async () => {
    const wg = await start();
    const app = (await api(wg, 'GET', '/api/v1/environments/app')).json();
    expect(app.replicas).toEqual({ current: 0, awake: 1 });
    expect(app.keepAwake).toBeNull();
    expect(app.savings.last24h).toMatchObject({ savedCost: null });
    expect((await api(wg, 'GET', '/api/v1/environments/site')).json().replicas).toBeNull();
  });
});

describe('an environment in detail', () => {
  it('lists the events of a wake and the wake itself with its time split by phase', async () => {
    const wg = await start();
    expect((await api(wg, 'POST', '/api/v1/environments/app/wake')).status).toBe(200);
    const detail = (await api(wg, 'GET', '/api/v1/environments/app')).json();
    const phases = detail.events.filter((e: { type: string }) => e.type === 'phase').map((e) => e.phase);
    expect(phases).toEqual(['asleep', 'waking', 'awake']);
    expect(detail.events.some((e: { type: string; step?: string }) => e.type === 'progress' && e.step?.startsWith('started (pid'))).toBe(true);
    expect(detail.wakes).toHaveLength(1);
    const wake = detail.wakes[0]!;
    expect(wake).toMatchObject({ trigger: 'the API', result: 'success', error: null });
    expect(wake.phases.scaleRequest).toBeGreaterThanOrEqual(0);
    expect(wake.phases.start).toBeGreaterThanOrEqual(0);
    expect(wake.phases.readiness).toBeGreaterThanOrEqual(0);
    // Woken through the API: no request was held, so there is no first byte to time.
    expect(wake.phases.firstByte).toBeNull();
    const total = wake.phases.scaleRequest + wake.phases.start + wake.phases.readiness;
    expect(Math.abs(total - wake.seconds)).toBeLessThan(0.01);
    expect(detail.replicas).toEqual({ current: 1, awake: 1 });
  });

  it('times the first byte of the first request a wake held, and exports every phase', async () => {
    const wg = await start();
    const reply = await send({ port: wg.port, host: 'app.test', path: '/' });
    expect(reply.status).toBe(200);
    await eventually(async () => (await api(wg, 'GET', '/api/v1/environments/app')).json().wakes[0]?.phases.firstByte !== null, 3_000, 'the first byte to be timed');
    const metrics = (await api(wg, 'GET', '/metrics')).text;
    for (const phase of ['scale_request', 'start', 'readiness', 'first_byte']) {
      expect(metrics).toMatch(new RegExp(`^wakegate_wake_phase_seconds_count\\{phase="${phase}"\\} 1$`, 'm'));
    }
  });
});

describe('keep awake', () => {
  it('records a wish with who asked, shows it, counts it, and withdraws it', async () => {
    const wg = await start();
    const before = Date.now();
    const kept = await api(wg, 'POST', '/api/v1/environments/app/keep-awake', { for: '4h', by: 'alice' });
    expect(kept.status).toBe(200);
    const until = Date.parse(kept.json().keepAwake!.until);
    expect(until).toBeGreaterThanOrEqual(before + 4 * 3_600_000);
    // Rounded up to a whole second, as the Kubernetes annotation holds it.
    expect(until % 1000).toBe(0);
    expect(until).toBeLessThanOrEqual(Date.now() + 4 * 3_600_000 + 1_000);
    expect(kept.json().keepAwake!.by).toBe('alice');
    // A wish does not wake the environment.
    expect(kept.json().phase).toBe('asleep');
    expect((await api(wg, 'GET', '/metrics')).text).toMatch(/^wakegate_keep_awake_environments 1$/m);
    const events = (await api(wg, 'GET', '/api/v1/environments/app')).json().events;
    expect(events.at(-1)).toMatchObject({ type: 'keep-awake', by: 'alice' });
    const withdrawn = await api(wg, 'DELETE', '/api/v1/environments/app/keep-awake');
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.json().keepAwake).toBeNull();
    expect((await api(wg, 'GET', '/metrics')).text).toMatch(/^wakegate_keep_awake_environments 0$/m);
  });

  it('keeps an idle environment awake past its idle timeout until the wish runs out', async () => {
    const port = await freePort();
    const wg = await startWakegate({
      sleep: { minAwake: '0s', checkEvery: '100ms' },
      environments: [{ name: 'app', hosts: ['app.test'], upstream: `http://127.0.0.1:${port}`, command: [process.execPath, APP], env: { PORT: String(port) }, idleAfter: '300ms' }],
    });
    running.push(wg);
    await api(wg, 'POST', '/api/v1/environments/app/wake');
    await api(wg, 'POST', '/api/v1/environments/app/keep-awake', { for: '1500ms' });
    await new Promise((r) => setTimeout(r, 900));
    const view = (await api(wg, 'GET', '/api/v1/environments/app')).json();
    expect(view.phase).toBe('awake');
    expect(view.awakeBecause).toMatch(/^kept awake until /);
    await eventually(async () => (await api(wg, 'GET', '/api/v1/environments/app')).json().phase === 'asleep', 4_000, 'sleep after the wish');
  });

  it('answers 400 naming the problem for a bad wish, and 409 for a static environment', async () => {
    const wg = await start();
    const cases: [unknown, string][] = [
      [{}, 'exactly one of "for"'],
      [{ for: '4h', until: '2030-01-01T00:00:00Z' }, 'exactly one of "for"'],
      [{ for: 'soon' }, '"for": "soon" is not a duration'],
      [{ for: '169h' }, 'at most 168h'],
      [{ until: '2001-01-01T00:00:00Z' }, 'is not in the future'],
      [{ for: '1h', by: 'x'.repeat(65) }, '"by" must be'],
      [{ for: '1h', who: 'me' }, 'unknown keys: who'],
      [[1], 'must be a JSON object'],
    ];
    for (const [body, problem] of cases) {
      const reply = await api(wg, 'POST', '/api/v1/environments/app/keep-awake', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.json().detail).toContain(problem);
    }
    expect((await api(wg, 'POST', '/api/v1/environments/site/keep-awake', { for: '1h' })).status).toBe(409);
    expect((await api(wg, 'POST', '/api/v1/environments/nope/keep-awake', { for: '1h' })).status).toBe(404);
  });

  it('needs the admin token when one is configured', async () => {
    const wg = await start({ admin: { token: 's3cret' } });
    const refused = await api(wg, 'POST', '/api/v1/environments/app/keep-awake', { for: '1h' });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('Bearer');
    expect((await api(wg, 'DELETE', '/api/v1/environments/app/keep-awake')).status).toBe(401);
    expect((await api(wg, 'POST', '/api/v1/environments/app/keep-awake', { for: '1h' }, { authorization: 'Bearer s3cret' })).status).toBe(200);
  });

  it('is offered on the environment host for the waiting page, under the same token rule', async () => {
    const wg = await start({ admin: { token: 's3cret' } });
    const body = JSON.stringify({ for: '4h' });
    const post = (host: string, env: string, headers: Record<string, string> = {}) => send({ port: wg.port, method: 'POST', host, path: `/.wakegate/keep-awake?env=${env}`, headers: { 'content-type': 'application/json', ...headers }, body });
    const refused = await post('app.test', 'app');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('Bearer');
    const other = await post('app.test', 'other', { authorization: 'Bearer s3cret' });
    expect(other.status).toBe(404);
    const kept = await post('app.test', 'app', { authorization: 'Bearer s3cret' });
    expect(kept.status).toBe(200);
    expect(kept.json()).toMatchObject({ by: 'the waiting page' });
    expect((await api(wg, 'GET', '/api/v1/environments/app')).json().keepAwake!.by).toBe('the waiting page');
    expect((await send({ port: wg.port, host: 'app.test', path: '/.wakegate/keep-awake?env=app' })).status).toBe(405);
    // Nothing under /.wakegate/ reaches an upstream, and no wake was started by any of this.
    expect((await send({ port: wg.port, host: 'app.test', path: '/.wakegate/anything' })).status).toBe(404);
    expect((await api(wg, 'GET', '/api/v1/environments/app')).json().phase).toBe('asleep');
  });
});

describe('logs', () => {
  it('answers the output lines of a local environment, the last N, and follows new ones', async () => {
    const wg = await start();
    await api(wg, 'POST', '/api/v1/environments/app/wake');
    const logs = await api(wg, 'GET', '/api/v1/environments/app/logs');
    expect(logs.status).toBe(200);
    expect(logs.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(logs.text).toMatch(/^wake-app \d+ starting$/m);
    expect((await api(wg, 'GET', '/api/v1/environments/app/logs?lines=1')).text.split('\n').filter(Boolean)).toHaveLength(1);
    expect((await api(wg, 'GET', '/api/v1/environments/app/logs?lines=0')).status).toBe(400);
    // Following: the kept lines, then the lines of a restart.
    const followed = readEvents(wg.adminPort, '/api/v1/environments/app/logs?follow=1', (events) => events.filter((e) => e.event === 'line' && /starting$/.test(e.data.line ?? '')).length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    await api(wg, 'POST', '/api/v1/environments/app/sleep');
    await api(wg, 'POST', '/api/v1/environments/app/wake');
    const lines = (await followed).filter((e) => e.event === 'line').map((e) => e.data.line ?? '');
    expect(lines.filter((l) => /^wake-app \d+ starting$/.test(l))).toHaveLength(2);
  });

  it('answers 409 for an environment whose output wakegate does not keep', async () => {
    const wg = await start();
    const reply = await api(wg, 'GET', '/api/v1/environments/site/logs');
    expect(reply.status).toBe(409);
    expect(reply.json().detail).toContain('not a local environment');
  });
});

describe('summary and events', () => {
  it('sums up phases, held requests and the charts, with a point for a wake that just ended', async () => {
    const wg = await start({ costs: { perReplicaHour: 0.05, currency: 'EUR' } });
    await api(wg, 'POST', '/api/v1/environments/app/wake');
    const summary = (await api(wg, 'GET', '/api/v1/summary')).json<Summary>();
    expect(summary.phases).toEqual({ awake: 2, waking: 0, asleep: 1, sleeping: 0, failed: 0 });
    expect(summary.held).toBe(0);
    expect(summary.heldChart).toHaveLength(360);
    expect(summary.wakeChart).toHaveLength(1);
    expect(summary.wakeChart[0]!.count).toBe(1);
    expect(summary.savings).toMatchObject({ currency: 'EUR', perReplicaHour: 0.05 });
    expect(summary.savings.last24h.savedCost).toBeGreaterThanOrEqual(0);
    const metrics = (await api(wg, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/^wakegate_saved_cost\{window="24h"\} /m);
    expect(metrics).toMatch(/^wakegate_asleep_hours\{window="7d"\} /m);
  });

  it('does not export a saved cost when no cost is configured', async () => {
    const wg = await start();
    const metrics = (await api(wg, 'GET', '/metrics')).text;
    expect(metrics).not.toContain('wakegate_saved_cost');
    expect(metrics).toMatch(/^wakegate_saved_replica_hours\{window="24h"\} /m);
  });

  it('streams the summary at once and the changed view of an environment as it wakes', async () => {
    const wg = await start();
    const seen = readEvents(wg.adminPort, '/api/v1/events', (events) => events.some((e) => e.event === 'environment' && e.data.id === 'other' && e.data.phase === 'awake'));
    await new Promise((r) => setTimeout(r, 200));
    await api(wg, 'POST', '/api/v1/environments/other/wake');
    const events = await seen;
    expect(events[0]!.event).toBe('summary');
    expect(events.filter((e) => e.event === 'environment').every((e) => e.data.id === 'other')).toBe(true);
  });

  it('streams the wake steps of one environment with ?env=', async () => {
    const wg = await start();
    const seen = readEvents(wg.adminPort, '/api/v1/events?env=app', (events) => events.some((e) => e.event === 'environment' && e.data.phase === 'awake'));
    await new Promise((r) => setTimeout(r, 200));
    await api(wg, 'POST', '/api/v1/environments/app/wake');
    const events = await seen;
    expect(events[0]).toMatchObject({ event: 'environment', data: { id: 'app', phase: 'asleep' } });
    expect(events.some((e) => e.event === 'progress' && e.data.id === 'app' && /^started \(pid/.test(e.data.step ?? ''))).toBe(true);
    expect(events.some((e) => e.event === 'summary')).toBe(false);
    expect((await api(wg, 'GET', '/api/v1/events?env=nope')).status).toBe(404);
  });

  it('ends open event streams when wakegate shuts down', async () => {
    const wg = await start();
    const ended = new Promise<boolean>((resolve) => {
      http.get({ host: '127.0.0.1', port: wg.adminPort, path: '/api/v1/events', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(true));
        res.on('error', () => resolve(true));
      });
    });
    await new Promise((r) => setTimeout(r, 200));
    const stopped = wg.stop();
    running = running.filter((w) => w !== wg);
    expect(await ended).toBe(true);
    await stopped;
  });
});
