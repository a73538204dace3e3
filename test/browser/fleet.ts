import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../helpers/ports.js';
import { startWakegate, type StartedWakegate } from '../helpers/wakegate.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APPS = path.join(ROOT, 'test/fixtures/apps');
export const IMAGES = path.join(ROOT, 'docs/images');

/** Chromium headless; every `*.localhost` name resolves to loopback, so nothing leaves the machine. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP localhost 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
    timeout: 30_000,
  });
}

export interface FleetOptions {
  /** `admin.token`: writes (and the waiting page's keep-awake) then need it. */
  readonly token?: string;
  /** How long `slow` takes to listen after it starts. */
  readonly slowStartMs?: number;
  /** How long `hello` takes to listen after it starts. */
  readonly helloStartMs?: number;
  /** `costs.perReplicaHour`, in USD: the savings then come with money. */
  readonly perReplicaHour?: number;
}

/**
 * A wakegate like the bundled demo, on loopback port 0: local environments `hello` (hosts
 * hello.localhost and *.preview.localhost) and `slow` (slow.localhost) running the wake fixture
 * app, two local preview environments nobody wakes, and a static `docs`. Nothing runs until woken.
 */
export async function startFleet(options: FleetOptions = {}): Promise<StartedWakegate> {
  const local = async (name: string, hosts: string[], env: Record<string, string> = {}, extra: Record<string, unknown> = {}) => {
    const port = await freePort();
    return {
      name,
      hosts,
      upstream: `http://127.0.0.1:${port}`,
      command: [process.execPath, 'wake-app.mjs'],
      cwd: APPS,
      env: { PORT: String(port), ...env },
      ready: { httpGet: '/healthz' },
      ...extra,
    };
  };
  return startWakegate({
    ...(options.token === undefined ? {} : { admin: { token: options.token } }),
    ...(options.perReplicaHour === undefined ? {} : { costs: { perReplicaHour: options.perReplicaHour, currency: 'USD' } }),
    log: { level: 'warn' },
    sleep: { idleAfter: '10m', minAwake: '1s', checkEvery: '1s' },
    wake: { timeout: '30s' },
    environments: [
      await local('hello', ['hello.localhost', '*.preview.localhost'], { DELAY_MS: String(options.helloStartMs ?? 1_500) }),
      await local('slow', ['slow.localhost'], { DELAY_MS: String(options.slowStartMs ?? 3_000) }, { idleAfter: '20m' }),
      await local('pr-17-checkout', ['pr-17.preview.example.test']),
      await local('pr-21-search', ['pr-21.preview.example.test']),
      { name: 'docs', hosts: ['docs.localhost'], upstream: `http://127.0.0.1:${await freePort()}` },
    ],
  });
}

/** A GET of the proxy for `host`, as a non-browser client: held while the environment wakes. */
export function getThroughProxy(wg: StartedWakegate, host: string, pathName = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: wg.port, path: pathName, headers: { host, accept: 'application/json' }, agent: false, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** A GET of the admin API, parsed. */
export async function adminJson<T = Record<string, unknown>>(wg: StartedWakegate, pathName: string): Promise<T> {
  const res = await fetch(`${wg.adminUrl}${pathName}`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${pathName}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Console errors, page errors and refused requests (a CSP violation shows as a console error). */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(IMAGES, { recursive: true });
  const file = path.join(IMAGES, name);
  await page.screenshot({ path: file, type: 'png' });
  return file;
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'a condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Where the admin server serves the dashboard. */
export function dashboardUrl(wg: StartedWakegate): string {
  return `${wg.adminUrl}/`;
}
