import { existsSync } from 'node:fs';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { Environment, type EnvironmentSpec } from '../../src/environments/environment.js';
import { NodeResponse } from '../../src/proxy/node-http/node-response.js';
import { EVENTS_PATH, eventsTarget } from '../../src/wake/event-path.js';
import { streamEnvironmentEvents } from '../../src/wake/event-stream.js';
import { renderWaitingPage } from '../../src/wake/waiting-page.js';
import type { StartedWakegate } from '../helpers/wakegate.js';
import { adminJson, launchChromium, screenshot, startFleet, watchProblems } from './fleet.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM}`);

const spec: EnvironmentSpec = { id: 'shop', kind: 'static', hosts: ['127.0.0.1'], paths: [], upstream: 'http://127.0.0.1:9', idleAfter: Infinity };


/**
 * The part of wakegate a browser meets while an environment wakes: the waiting page while it is
 * not awake, its event stream, and the app (`<h1>the app</h1>`) once it is.
 */
class PageServer {
  readonly env = new Environment(spec, 'asleep', Date.now());
  /** Requests for `/` (the app has no icon link, so the browser also asks for /favicon.ico). */
  pages = 0;
  streams = 0;
  /** Answer the event stream with 503, as a proxy in front that does not pass it would. */
  refuseEvents = false;
  /** Offer the keep-awake banner; its endpoint wants `Bearer sesame`, as with `admin.token` set. */
  keepAwake = false;
  /** The keep-awake requests: their authorization and body. */
  readonly keepAwakeCalls: { authorization: string | undefined; body: string }[] = [];
  /** The `until` of the last keep-awake answered 200, ms epoch. */
  keptUntil = 0;
  readonly #server = http.createServer((req, res) => {
    if (req.method === 'POST') return this.#keepAwake(req, res);
    this.#handle(req.url ?? '/', res);
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #handle(url: string, res: ServerResponse): void {
    if (url.startsWith(EVENTS_PATH)) {
      if (this.refuseEvents || eventsTarget(url) !== this.env.id) {
        res.writeHead(503).end();
        return;
      }
      this.streams++;
      const stop = streamEnvironmentEvents(new NodeResponse(res), this.env);
      res.on('close', stop);
      return;
    }
    if (url === '/') this.pages++;
    if (this.env.phase === 'awake') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>app</title><h1>the app</h1>');
      return;
    }
    const now = Date.now();
    const html = renderWaitingPage({
      environment: this.env.id,
      phase: this.env.phase,
      startedAt: this.env.wakeStartedAt ?? now,
      eventsUrl: `${EVENTS_PATH}?env=${encodeURIComponent(this.env.id)}`,
      now,
      ...(this.keepAwake ? { keepAwakeUrl: `/.wakegate/keep-awake?env=${encodeURIComponent(this.env.id)}` } : {}),
    });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  }

  #keepAwake(req: http.IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      this.keepAwakeCalls.push({ authorization: req.headers.authorization, body });
      if (req.url !== '/.wakegate/keep-awake?env=shop') return void res.writeHead(404).end();
      if (req.headers.authorization !== 'Bearer sesame') {
        return void res.writeHead(401, { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer realm="wakegate"' }).end('{"status":401}');
      }
      const hours = Number(/"for":"(\d+)h"/.exec(body)?.[1] ?? 0);
      this.keptUntil = Date.now() + hours * 3_600_000;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ until: new Date(this.keptUntil).toISOString(), by: 'the waiting page' }));
    });
  }
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasChromium)(`the waiting page in Chromium${hasChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`, () => {
  let browser: Browser;
  let server: PageServer;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await page?.close();
    await server?.close();
  });

  async function open(): Promise<string> {
    server = new PageServer();
    const url = await server.listen();
    page = await browser.newPage();
    problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    return url;
  }

  it('follows the wake live and continues to the app when it is awake', async () => {
    const url = await open();
    await page.goto(url);
    await expect(page.locator('h1').textContent()).resolves.toBe('shop');
    await until(() => server.streams === 1);
    await sleep(1_000);

    const env = server.env;
    env.wakeStartedAt = Date.now();
    env.setPhase('waking', Date.now());
    env.progress('Scaling deployment web to 1', Date.now());
    const step = page.locator('#steps li span', { hasText: 'Scaling deployment web to 1' });
    await step.waitFor({ state: 'visible', timeout: 5_000 });
    await expect(page.locator('#phase').textContent()).resolves.toBe('Starting');
    const elapsed = await page.locator('#elapsed').textContent();
    expect(elapsed).toMatch(/^\d+ s$/);

    env.setPhase('awake', Date.now());
    await page.locator('h1', { hasText: 'the app' }).waitFor({ timeout: 10_000 });
    expect(server.pages).toBe(2);
    expect(problems).toEqual([]);
  });

  it('shows the reason of a failed wake and a retry link that starts again', async () => {
    const url = await open();
    await page.goto(url);
    await until(() => server.streams === 1);

    const env = server.env;
    env.wakeStartedAt = Date.now();
    env.setPhase('waking', Date.now());
    env.setPhase('failed', Date.now(), 'the deployment web has no image');
    const retry = page.getByRole('link', { name: 'Try again' });
    await retry.waitFor({ state: 'visible', timeout: 5_000 });
    await expect(page.locator('#reason').textContent()).resolves.toBe('the deployment web has no image');
    await expect(page.locator('#phase').textContent()).resolves.toBe('Could not start');
    expect(problems).toEqual([]);

    // The retry is a plain navigation to the same page: here the environment is awake by then.
    env.setPhase('awake', Date.now());
    await retry.click();
    await page.locator('h1', { hasText: 'the app' }).waitFor({ timeout: 10_000 });
  });

  it('keeps the environment awake from its banner, asking for the token once, and waits for that before opening the app', async () => {
    const url = await open();
    server.keepAwake = true;
    await page.goto(url);
    await until(() => server.streams === 1);
    const env = server.env;
    env.wakeStartedAt = Date.now();
    env.setPhase('waking', Date.now());

    await page.getByRole('button', { name: '8 hours' }).click();
    const token = page.getByLabel('Admin token');
    await token.waitFor({ state: 'visible', timeout: 5_000 });
    await expect(page.locator('#keep-status').textContent()).resolves.toBe('Keeping it awake needs the admin token.');

    // Awake while the token is being typed: the page stays, so the answer is not lost.
    env.setPhase('awake', Date.now());
    await page.locator('#phase', { hasText: 'Ready, opening once you are done here' }).waitFor({ timeout: 5_000 });
    await sleep(500);
    expect(server.pages).toBe(1);

    await token.fill('wrong');
    await page.getByRole('button', { name: 'Keep awake', exact: true }).click();
    await page.locator('#keep-status', { hasText: 'That token was not accepted.' }).waitFor({ timeout: 5_000 });
    await token.fill('sesame');
    await token.press('Enter');
    const kept = page.locator('#keep-status', { hasText: /^Kept awake until \d\d:\d\d$/ });
    await kept.waitFor({ timeout: 5_000 });
    expect(server.keptUntil - Date.now()).toBeGreaterThan(8 * 3_600_000 - 10_000);
    const expected = new Date(server.keptUntil);
    const hhmm = `${String(expected.getHours()).padStart(2, '0')}:${String(expected.getMinutes()).padStart(2, '0')}`;
    await expect(kept.textContent()).resolves.toBe(`Kept awake until ${hhmm}`);
    expect(server.keepAwakeCalls).toEqual([
      { authorization: undefined, body: '{"for":"8h"}' },
      { authorization: 'Bearer wrong', body: '{"for":"8h"}' },
      { authorization: 'Bearer sesame', body: '{"for":"8h"}' },
    ]);
    // The token stays in the page's memory only: this page runs on the app's origin.
    await expect(page.evaluate('sessionStorage.length + localStorage.length')).resolves.toBe(0);

    // Then the app opens.
    await page.locator('h1', { hasText: 'the app' }).waitFor({ timeout: 10_000 });
    expect(server.pages).toBe(2);
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  });

  it('shows each step as it comes, with the keep-awake banner (docs/images/waiting-page.png)', async () => {
    const url = await open();
    server.keepAwake = true;
    await page.setViewportSize({ width: 900, height: 720 });
    await page.goto(url);
    await until(() => server.streams === 1);
    const env = server.env;
    // Times are counted from when the page was served, which started the wake.
    env.wakeStartedAt = Date.now();
    env.setPhase('waking', Date.now());
    env.progress('starting: node server.js', Date.now());
    env.progress('started (pid 48213)', Date.now());
    await sleep(1_300);
    env.progress('waiting for GET /healthz to answer', Date.now());
    const steps = page.locator('#steps li');
    await steps.nth(2).waitFor({ timeout: 5_000 });
    await expect(steps.allTextContents()).resolves.toEqual([
      expect.stringMatching(/^starting: node server\.js\+[01] s$/),
      expect.stringMatching(/^started \(pid 48213\)\+[01] s$/),
      expect.stringMatching(/^waiting for GET \/healthz to answer\+[12] s$/),
    ]);
    // The steps before the last are done; the last is what is being waited for.
    await expect(steps.evaluateAll((items: { className: string }[]) => items.map((item) => item.className))).resolves.toEqual(['done', 'done', '']);
    await page.getByRole('region', { name: 'Keep awake' }).waitFor();
    await page.locator('#elapsed', { hasText: /^[2-9] s$/ }).waitFor({ timeout: 5_000 });
    await screenshot(page, 'waiting-page.png');
    expect(problems).toEqual([]);
  });

  it('shows no banner without a keep-awake URL', async () => {
    const url = await open();
    await page.goto(url);
    await until(() => server.streams === 1);
    await expect(page.getByRole('region', { name: 'Keep awake' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /Keep awake/ }).count()).resolves.toBe(0);
  });

  it('falls back to reloading when the event stream is refused', async () => {
    const url = await open();
    server.refuseEvents = true;
    await page.goto(url);
    await page.locator('#phase', { hasText: 'Checking again in a moment' }).waitFor({ timeout: 10_000 });
    server.env.setPhase('awake', Date.now());
    await page.locator('h1', { hasText: 'the app' }).waitFor({ timeout: 10_000 });
    expect(server.pages).toBe(2);
  });
});

/**
 * The same page served by a real wakegate for a local environment (`slow`, 4 s to start): it follows
 * the wake, offers to keep the environment awake, and turns into the app.
 */
describe.skipIf(!hasChromium)('the waiting page of a real wakegate', () => {
  let browser: Browser;
  let wg: StartedWakegate;

  beforeAll(async () => {
    browser = await launchChromium();
    wg = await startFleet({ token: 'sesame', slowStartMs: 4_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await wg?.stop();
  });

  it('follows the wake, keeps it awake for 4 hours with the admin token, and lands on the app', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 720 } });
    const problems = watchProblems(page);
    const app = `http://slow.localhost:${wg.port}/`;
    await page.goto(app);
    await expect(page.locator('h1').textContent()).resolves.toBe('slow');
    await page.locator('#phase', { hasText: 'Starting' }).waitFor({ timeout: 5_000 });
    await page.locator('#elapsed', { hasText: /^[1-9]\d* s$/ }).waitFor({ timeout: 5_000 });
    const banner = page.getByRole('region', { name: 'Keep awake' });
    await banner.waitFor({ timeout: 1_000 });

    const posts: { authorization: string | undefined; body: string | null }[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST') posts.push({ authorization: req.headers().authorization, body: req.postData() });
    });
    await banner.getByRole('button', { name: 'Keep awake for 4 hours' }).click();
    // A token is configured: the first try is refused, and the banner asks for it once.
    await banner.getByLabel('Admin token').fill('sesame');
    await expect(page.locator('#keep-status').textContent()).resolves.toBe('Keeping it awake needs the admin token.');
    await banner.getByRole('button', { name: 'Keep awake', exact: true }).click();
    await page.locator('#keep-status', { hasText: /^Kept awake until \d\d:\d\d$/ }).waitFor({ timeout: 5_000 });
    expect(posts).toEqual([
      { authorization: undefined, body: '{"for":"4h"}' },
      { authorization: 'Bearer sesame', body: '{"for":"4h"}' },
    ]);

    // Then it opens the app (the fixture answers JSON with its pid).
    await page.locator('body', { hasText: /"pid":\d+/ }).waitFor({ timeout: 15_000 });
    expect(page.url()).toBe(app);

    const view = await adminJson<{ phase: string; keepAwake: { until: string; by: string } | null }>(wg, '/api/v1/environments/slow');
    expect(view.phase).toBe('awake');
    expect(view.keepAwake?.by).toBe('the waiting page');
    const left = Date.parse(view.keepAwake!.until) - Date.now();
    expect(left).toBeGreaterThan(4 * 3_600_000 - 60_000);
    // The wish is rounded up to a whole second (so a Kubernetes watch brings back the same one).
    expect(left).toBeLessThanOrEqual(4 * 3_600_000 + 1_000);
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    await page.close();
  });
});
