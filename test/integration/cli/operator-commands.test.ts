import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import { freePort } from '../../helpers/ports.js';
import { runCli } from '../../helpers/process.js';
import { startWakegate, type StartedWakegate } from '../../helpers/wakegate.js';
import { startCli } from './cli-process.js';

/** The steerable app: prints `line 1` … `line N` at start, `app: SIGTERM, stopping` when stopped. */
const APP = fileURLToPath(new URL('../../fixtures/apps/app.mjs', import.meta.url));

let running: StartedWakegate[] = [];
afterEach(async () => {
  await Promise.all(running.map((wg) => wg.stop()));
  running = [];
});

/**
 * A wakegate (in this process; the commands run as processes of their own) with a local
 * environment `app` that takes a moment to be ready — 300 ms to listen, 300 ms more until its
 * health check passes, printing three lines at start — and a static `site`.
 */
async function start(config: Record<string, unknown> = {}): Promise<StartedWakegate & { admin: string }> {
  const [appPort, sitePort] = [await freePort(), await freePort()];
  const wg = await startWakegate({
    ...config,
    environments: [
      { name: 'app', hosts: ['app.test'], upstream: `http://127.0.0.1:${appPort}`, command: [process.execPath, APP], env: { PORT: String(appPort), LINES: '3', DELAY_MS: '300', HEALTH_AFTER_MS: '300' }, ready: { httpGet: '/healthz' } },
      { name: 'site', hosts: ['site.test', 'www.site.test'], upstream: `http://127.0.0.1:${sitePort}` },
    ],
  });
  running.push(wg);
  return Object.assign(wg, { admin: wg.adminUrl });
}

function post(wg: StartedWakegate, path: string): Promise<number> {
  return send({ port: wg.adminPort, method: 'POST', path, timeoutMs: 15_000 }).then((r) => r.status);
}

/** The cells of the table row that starts with `id` (columns are two or more spaces apart). */
function row(table: string, id: string): string[] | undefined {
  const lines = table.split('\n').filter((l) => l.startsWith(`${id} `));
  return lines.at(-1)?.split(/\s{2,}/);
}

describe('wakegate status', () => {
  it('shows each environment\'s phase, activity, replicas and wish, filtered by phase or search', async () => {
    const wg = await start();
    const all = await runCli(['status', '--admin', wg.admin]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(/^ENVIRONMENT\s+PHASE\s+LAST ACTIVITY\s+SLEEPS IN\s+LAST WAKE\s+REPLICAS\s+KEPT AWAKE\s+HOSTS$/);
    expect(row(all.stdout, 'app')).toEqual(['app', 'asleep', '-', '-', '-', '0/1', '-', 'app.test']);
    expect(row(all.stdout, 'site')).toEqual(['site', 'awake', '-', '-', '-', '-', '-', 'site.test,www.site.test']);
    expect(all.stdout).not.toContain('\u001b');

    const asleep = await runCli(['status', '--phase', 'asleep', '--admin', wg.admin]);
    expect(asleep.stdout.trim().split('\n').map((l) => l.split(' ')[0])).toEqual(['ENVIRONMENT', 'app']);
    const searched = await runCli(['status', '--search', 'WWW.SITE', '--json', '--admin', wg.admin]);
    expect((JSON.parse(searched.stdout) as { environments: { id: string }[] }).environments.map((e) => e.id)).toEqual(['site']);
    const bad = await runCli(['status', '--phase', 'sleepy', '--admin', wg.admin]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/answered 400: phase: "sleepy"/);
  });

  it('prints the API document unchanged with --json, and colours only when asked to through a pipe', async () => {
    const wg = await start();
    const json = await runCli(['status', '--json', '--admin', wg.admin]);
    const direct = await send({ port: wg.adminPort, path: '/api/v1/environments' });
    const printed = JSON.parse(json.stdout) as { environments: Record<string, unknown>[] };
    const served = direct.json<{ environments: Record<string, unknown>[] }>();
    expect(Object.keys(printed)).toEqual(Object.keys(served));
    expect(printed.environments.map((e) => [e.id, e.phase, e.replicas])).toEqual(served.environments.map((e) => [e.id, e.phase, e.replicas]));

    const forced = await runCli(['status', '--admin', wg.admin], { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\u001b[2masleep');
    const refused = await runCli(['status', '--admin', wg.admin], { FORCE_COLOR: '1', NO_COLOR: '1', TERM: 'dumb' });
    expect(refused.stdout).toContain('\u001b['); // FORCE_COLOR wins, as Node has it
    const plain = await runCli(['status', '--admin', wg.admin], { NO_COLOR: '1' });
    expect(plain.stdout).not.toContain('\u001b');
  });

  it('with --watch, prints a new table when an environment wakes, and ends cleanly on SIGINT', async () => {
    const wg = await start();
    const watch = startCli(['status', '--watch', '--admin', wg.admin]);
    await watch.waitFor(/^app\s+asleep/m);
    const tablesBefore = watch.stdout().split('ENVIRONMENT').length - 1;
    expect(tablesBefore).toBe(1);
    expect(await post(wg, '/api/v1/environments/app/wake')).toBe(200);
    const out = await watch.waitFor(/^app\s+awake\s/m);
    expect(row(out, 'app')?.slice(0, 2)).toEqual(['app', 'awake']);
    expect(row(out, 'app')?.[5]).toBe('1/1');
    expect(await watch.interrupt()).toBe(0);
    // Not a terminal: frames are appended, only for changes (no clock), and never with escape codes.
    expect(watch.stdout()).not.toContain('\u001b');
    expect(watch.stdout().split('ENVIRONMENT').length - 1).toBeLessThanOrEqual(4);
    expect(watch.stderr()).toBe('');
  });

  it('with --watch --json, prints the views and then one JSON line per change', async () => {
    const wg = await start();
    const watch = startCli(['status', '--watch', '--json', '--admin', wg.admin]);
    await watch.waitFor(/"id":"site"/);
    expect(await post(wg, '/api/v1/environments/app/wake')).toBe(200);
    await watch.waitFor(/"id":"app","phase":"awake"/);
    expect(await watch.interrupt()).toBe(0);
    const views = watch
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; phase: string });
    expect(views.slice(0, 2).map((v) => [v.id, v.phase])).toEqual([
      ['app', 'asleep'],
      ['site', 'awake'],
    ]);
    expect(views.at(-1)).toMatchObject({ id: 'app', phase: 'awake' });
  });

  it('with --watch, says so when the event stream drops and reconnects when wakegate is back', async () => {
    const adminPort = await freePort();
    const first = await start({ admin: { listen: `127.0.0.1:${adminPort}` } });
    const watch = startCli(['status', '--watch', '--admin', first.admin]);
    await watch.waitFor(/^app\s+asleep/m);
    await first.stop();
    running = running.filter((wg) => wg !== first);
    await watch.waitFor(/event stream lost .*; reconnecting in 1 s/, { stream: 'stderr' });
    const second = await start({ admin: { listen: `127.0.0.1:${adminPort}` } });
    await watch.waitFor(/reconnected to the event stream/, { stream: 'stderr', ms: 15_000 });
    expect(await post(second, '/api/v1/environments/app/wake')).toBe(200);
    await watch.waitFor(/^app\s+awake\s/m);
    expect(await watch.interrupt()).toBe(0);
  }, 40_000);

  it('with --watch, exits 1 when the admin API cannot be reached at all', async () => {
    const port = await freePort();
    const result = await runCli(['status', '--watch', '--admin', `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the admin API at .*ECONNREFUSED/);
  });
});

describe('wakegate wake and sleep', () => {
  it('prints each step of the wake with the time since the start, then the final line', async () => {
    const wg = await start();
    const result = await runCli(['wake', 'app', '--admin', wg.admin]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^app is awake \(\d+\.\d s\)$/);
    const progress = lines.slice(0, -1);
    for (const line of progress) expect(line).toMatch(/^ {0,3}\d+\.\ds {2}\S/);
    const texts = progress.map((l) => l.replace(/^\s*\d+\.\ds {2}/, ''));
    expect(texts[0]).toBe('phase: waking');
    expect(texts).toContain(`starting: ${process.execPath} ${APP}`);
    expect(texts.some((t) => /^started \(pid \d+\)$/.test(t))).toBe(true);
    expect(texts).toContain('waiting for GET /healthz to answer');
    expect(texts.indexOf('waiting for GET /healthz to answer')).toBeGreaterThan(texts.indexOf(`starting: ${process.execPath} ${APP}`));
    // The times only go up, and the wait for health (300 ms after listening) is in them.
    const times = progress.map((l) => Number(/(\d+\.\d)s/.exec(l)![1]));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const slept = await runCli(['sleep', 'app', '--admin', wg.admin]);
    expect(slept.code, slept.stderr).toBe(0);
    expect(slept.stdout).toMatch(/app is asleep \(\d+\.\d s\)\n$/);
  });

  it('keeps the error as it was: exit 1 with the problem\'s detail', async () => {
    const wg = await start();
    const unknown = await runCli(['wake', 'nope', '--admin', wg.admin]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('wakegate: wake nope: 404 no environment with id "nope"\n');
    expect(unknown.stdout).toBe('');
    const staticSleep = await runCli(['sleep', 'site', '--admin', wg.admin]);
    expect(staticSleep.code).toBe(1);
    expect(staticSleep.stderr).toMatch(/^wakegate: sleep site: 409 /);
  });
});

describe('wakegate logs', () => {
  it('prints the kept output lines of a local environment, or the last N', async () => {
    const wg = await start();
    expect(await post(wg, '/api/v1/environments/app/wake')).toBe(200);
    const all = await runCli(['logs', 'app', '--admin', wg.admin]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/line 1\nline 2\nline 3\n/);
    const last = await runCli(['logs', 'app', '--lines', '1', '--admin', wg.admin]);
    expect(last.stdout.split('\n')).toHaveLength(2);
    expect(last.stdout).toBe(`${all.stdout.trimEnd().split('\n').at(-1)}\n`);
  });

  it('follows new lines until SIGINT', async () => {
    const wg = await start();
    expect(await post(wg, '/api/v1/environments/app/wake')).toBe(200);
    const follow = startCli(['logs', 'app', '--follow', '--admin', wg.admin]);
    await follow.waitFor(/^line 3$/m);
    expect(await post(wg, '/api/v1/environments/app/sleep')).toBe(200);
    await follow.waitFor(/^app: SIGTERM, stopping$/m);
    expect(await follow.interrupt()).toBe(0);
    expect(follow.stderr()).toBe('');
  });

  it('exits 1 with the problem\'s detail for an environment that has no logs or does not exist', async () => {
    const wg = await start();
    const statics = await runCli(['logs', 'site', '--admin', wg.admin]);
    expect(statics.code).toBe(1);
    expect(statics.stderr).toMatch(/^wakegate: logs site: 409 .*not a local environment/);
    const followed = await runCli(['logs', 'site', '--follow', '--admin', wg.admin]);
    expect(followed.code).toBe(1);
    expect(followed.stderr).toMatch(/^wakegate: logs site: 409 /);
    const unknown = await runCli(['logs', 'nope', '--admin', wg.admin]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('wakegate: logs nope: 404 no environment with id "nope"\n');
  });
});

describe('wakegate keep-awake', () => {
  it('records the wish, wakes the environment, and status shows who keeps it awake until when', async () => {
    const wg = await start();
    const kept = await runCli(['keep-awake', 'app', '2h', '--by', 'alice', '--admin', wg.admin]);
    expect(kept.code, kept.stderr).toBe(0);
    const lines = kept.stdout.trimEnd().split('\n');
    const until = new Date(Date.now() + 2 * 3_600_000);
    expect(lines[0]).toMatch(/^app is kept awake until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(by alice\)$/);
    const printed = Date.parse(`${lines[0]!.slice('app is kept awake until '.length, -' UTC (by alice)'.length).replace(' ', 'T')}:00Z`);
    expect(Math.abs(printed - until.getTime())).toBeLessThan(2 * 60_000);
    expect(lines.some((l) => /^ +\d+\.\ds {2}waiting for GET \/healthz to answer$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^app is awake \(\d+\.\d s\)$/);

    const status = await runCli(['status', '--admin', wg.admin]);
    expect(row(status.stdout, 'app')?.slice(0, 2)).toEqual(['app', 'awake']);
    expect(row(status.stdout, 'app')?.[6]).toMatch(/^until ([A-Z][a-z]{2} \d{1,2} )?\d\d:\d\d by alice$/);

    // Awake already: the wish is recorded and that is all; without --by, it is the user's at this host.
    const again = await runCli(['keep-awake', 'app', '30m', '--admin', wg.admin]);
    expect(again.stdout).toMatch(/^app is kept awake until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(by [^)]+\)\n$/);
    expect(again.stdout).toContain(`(by ${os.userInfo().username}@${os.hostname()})`);

    const cancelled = await runCli(['keep-awake', 'app', '--cancel', '--admin', wg.admin]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toBe('app is no longer kept awake\n');
    expect(row((await runCli(['status', '--admin', wg.admin])).stdout, 'app')?.[6]).toBe('-');
  });

  it('exits 1 with the problem\'s detail when the API refuses, and 2 for a missing duration', async () => {
    const wg = await start();
    const statics = await runCli(['keep-awake', 'site', '1h', '--admin', wg.admin]);
    expect(statics.code).toBe(1);
    expect(statics.stderr).toMatch(/^wakegate: keep-awake site: 409 .*static/);
    const tooLong = await runCli(['keep-awake', 'app', '200h', '--admin', wg.admin]);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toMatch(/^wakegate: keep-awake app: 400 .*168h/);
    const missing = await runCli(['keep-awake', 'app', '--admin', wg.admin]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('usage: wakegate keep-awake');
  });

  it('sends the token from WAKEGATE_ADMIN_TOKEN, and says 401 without it', async () => {
    const wg = await start({ admin: { token: 's3cret-token' } });
    const without = await runCli(['keep-awake', 'app', '1h', '--admin', wg.admin]);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/^wakegate: keep-awake app: 401 /);
    const withToken = await runCli(['keep-awake', 'app', '1h', '--by', 'bob', '--admin', wg.admin], { WAKEGATE_ADMIN_TOKEN: 's3cret-token' });
    expect(withToken.code, withToken.stderr).toBe(0);
    expect(withToken.stdout).toMatch(/\(by bob\)\n/);
    expect(withToken.stdout).toMatch(/app is awake/);
  });
});
