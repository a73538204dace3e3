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
  readonly #server = http.createServer((req, res) => this.#handle(req.url ?? '/', res));

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
    });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
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
