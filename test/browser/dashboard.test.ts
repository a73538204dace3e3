import { Script } from 'node:vm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startWakegate, type StartedWakegate } from '../helpers/wakegate.js';
import { CHROMIUM, adminJson, dashboardUrl, getThroughProxy, hasChromium, launchChromium, screenshot, startFleet, until, watchProblems } from './fleet.js';

if (!hasChromium) console.warn(`dashboard browser tests skipped: no Chromium at ${CHROMIUM}`);

interface View {
  id: string;
  phase: string;
  sleepsAt: string | null;
  keepAwake: { until: string; by: string } | null;
}

/** What the tests read of an element in the page (the test code has no DOM types). */
interface Attributed {
  getAttribute(name: string): string | null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const ALL = ['docs', 'hello', 'pr-17-checkout', 'pr-21-search', 'slow'];

async function adminWrite(wg: StartedWakegate, method: string, path: string, token?: string): Promise<Response> {
  return fetch(`${wg.adminUrl}${path}`, { method, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
}

/** Wakes through the API (answers once awake); a no-op when it is awake. */
async function ensureAwake(wg: StartedWakegate, id: string, token?: string): Promise<void> {
  const res = await adminWrite(wg, 'POST', `/api/v1/environments/${id}/wake`, token);
  expect(res.status).toBe(200);
}

function rowIds(page: Page): Promise<string[]> {
  return page.locator('#rows tr[data-id]').evaluateAll((rows: Attributed[]) => rows.map((row) => row.getAttribute('data-id') ?? ''));
}

function phaseOf(page: Page, id: string): Promise<string | null> {
  return page.locator(`#rows tr[data-id="${id}"] .badge`).getAttribute('data-phase');
}

describe.skipIf(!hasChromium)(`the dashboard in Chromium${hasChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`, () => {
  let browser: Browser;
  let wg: StartedWakegate;
  let url: string;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    browser = await launchChromium();
    wg = await startFleet({ helloStartMs: 1_500, slowStartMs: 2_500, perReplicaHour: 0.25 });
    url = dashboardUrl(wg);
  });

  afterAll(async () => {
    await browser?.close();
    await wg?.stop();
  });

  afterEach(async () => {
    await page?.close();
  });

  async function open(hash = '', viewport = { width: 1280, height: 900 }): Promise<void> {
    page = await browser.newPage({ viewport });
    problems = watchProblems(page);
    await page.goto(url + hash);
    await page.locator('#rows tr[data-id]').first().waitFor({ timeout: 10_000 });
    await page.locator('#live[data-state=live]').waitFor({ timeout: 10_000 });
  }

  it('is served with its script and style by the admin server, under a strict content security policy', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = res.headers.get('content-security-policy')!;
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'"]) {
      expect(csp.split('; ')).toContain(directive);
    }
    const html = await res.text();
    const script = /<script src="([^"]+)"/.exec(html)![1]!;
    const style = /<link rel="stylesheet" href="([^"]+)"/.exec(html)![1]!;
    expect(script).toMatch(/^dashboard\/app\.[\w-]+\.js$/);
    expect(style).toMatch(/^dashboard\/app\.[\w-]+\.css$/);
    // Nothing inline: the policy allows no inline script or style, so there must be none.
    expect(html).not.toMatch(/<script>|<style|\sstyle=|\son\w+=/);

    const js = await fetch(new URL(script, url));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const css = await fetch(new URL(style, url));
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const code = await js.text();
    // It compiles (a syntax error would leave a blank page).
    expect(() => new Script(code)).not.toThrow();
    // Nothing from elsewhere (the SVG namespace is a name, not a request), and no HTML from data.
    for (const text of [html, code, await css.text()]) {
      expect(text.replaceAll("'http://www.w3.org/2000/svg'", '').replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\/|@import|url\(/);
    }
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);

    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(html)));
    expect(await head.text()).toBe('');
    expect((await fetch(new URL('dashboard/app.nope.js', url))).status).toBe(404);
  });

  it('lists the environments with their phases, and counts them in the header', async () => {
    await open();
    expect(await rowIds(page)).toEqual(ALL);
    expect(await phaseOf(page, 'docs')).toBe('awake');
    expect(await phaseOf(page, 'pr-17-checkout')).toBe('asleep');
    // The phase is written out next to its glyph, not shown by colour alone.
    await expect(page.locator('#rows tr[data-id="pr-17-checkout"] .badge').textContent()).resolves.toBe('○asleep');
    await expect(page.locator('#rows tr[data-id="docs"] th[scope=row] .meta').textContent()).resolves.toBe('static · docs.localhost');
    await page.locator('#total', { hasText: '5' }).waitFor({ timeout: 5_000 });
    const counts = await page.locator('#phase-counts .chip').allTextContents();
    expect(counts).toEqual(expect.arrayContaining([expect.stringMatching(/awake \d/), expect.stringMatching(/asleep \d/)]));
    await expect(page.locator('#range').textContent()).resolves.toBe('1–5 of 5 environments');
    // A cost is configured: the savings come with money, and the rate is shown.
    await page.locator('#money').waitFor();
    await expect(page.locator('#rate').textContent()).resolves.toBe('$0.25 per replica-hour');
    await page.locator('#money-7d').waitFor();
    await expect(page.locator('#cost-24h').textContent()).resolves.toMatch(/^\$\d+\.\d\d$/);
    await expect(page.locator('#held-limit').textContent()).resolves.toMatch(/^\d[\d,]*$/);
    // Table semantics: column headers and a row header per environment.
    await expect(page.locator('#environments thead th[scope=col]').count()).resolves.toBe(8);
    await expect(page.locator('#rows th[scope=row]').count()).resolves.toBe(5);
    // A static environment cannot be woken or put to sleep here.
    await expect(page.getByRole('button', { name: 'Sleep docs', exact: true }).isDisabled()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });

  it('shows a wake live: Wake turns the row waking, then awake, with no reload and no refetch of the list', async () => {
    expect((await adminJson<View>(wg, '/api/v1/environments/hello')).phase).toBe('asleep');
    await open();
    const listRequests: string[] = [];
    page.on('request', (req) => {
      if (req.url().includes('/api/v1/environments?')) listRequests.push(req.url());
    });
    let navigations = 0;
    page.on('framenavigated', () => navigations++);
    await page.evaluate('window.marker = 42');

    await page.getByRole('button', { name: 'Wake hello', exact: true }).click();
    const row = page.locator('#rows tr[data-id="hello"]');
    await row.locator('.badge[data-phase=waking]').waitFor({ timeout: 5_000 });
    await expect(row.locator('.step').textContent()).resolves.not.toBe('');
    await row.locator('.badge[data-phase=awake]').waitFor({ timeout: 20_000 });

    expect(navigations).toBe(0);
    await expect(page.evaluate('window.marker')).resolves.toBe(42);
    expect(listRequests).toEqual([]);
    await expect(row.getByRole('button', { name: 'Sleep hello', exact: true }).isEnabled()).resolves.toBe(true);
    await expect(row.locator('.c-wake').textContent()).resolves.toMatch(/^\d+\.\d+ s$/);
    expect((await adminJson<View>(wg, '/api/v1/environments/hello')).phase).toBe('awake');
    expect(problems).toEqual([]);
  });

  it('counts down to sleep every second, from the server\'s sleepsAt', async () => {
    await ensureAwake(wg, 'hello');
    expect((await adminJson<View>(wg, '/api/v1/environments/hello')).sleepsAt).not.toBeNull();
    await open();
    const cell = page.locator('#rows tr[data-id="hello"] .c-sleeps');
    const first = (await cell.textContent())!;
    expect(first).toMatch(/^\d+:\d\d$/);
    await sleep(2_200);
    const second = (await cell.textContent())!;
    expect(second).toMatch(/^\d+:\d\d$/);
    const seconds = (text: string): number => text.split(':').reduce((total, part) => total * 60 + Number(part), 0);
    expect(seconds(first) - seconds(second)).toBeGreaterThanOrEqual(1);
    expect(seconds(first) - seconds(second)).toBeLessThanOrEqual(4);
  });

  it('searches and filters on the server, and keeps the filter in the address', async () => {
    await open();
    const queries: string[] = [];
    page.on('request', (req) => {
      if (req.url().includes('/api/v1/environments?')) queries.push(new URL(req.url()).search);
    });
    await page.getByLabel('Search environments').fill('pr-');
    await until(async () => (await rowIds(page)).length === 2, 5_000, 'two rows');
    expect(await rowIds(page)).toEqual(['pr-17-checkout', 'pr-21-search']);
    expect(queries.at(-1)).toContain('q=pr-');
    expect(queries.at(-1)).toContain('limit=50');

    // Hosts count too.
    await page.getByLabel('Search environments').fill('slow.localhost');
    await until(async () => (await rowIds(page)).join() === 'slow', 5_000, 'the slow row');

    await page.getByLabel('Search environments').fill('no-such-thing');
    await page.locator('#rows td.empty', { hasText: 'No environment matches.' }).waitFor({ timeout: 5_000 });

    await page.getByLabel('Search environments').fill('');
    await until(async () => (await rowIds(page)).length === 5, 5_000, 'every row');

    await page.locator('#phase-filter').selectOption('asleep');
    await until(async () => (await rowIds(page)).length > 0 && !(await rowIds(page)).includes('docs'), 5_000, 'the asleep rows');
    const phases = await page.locator('#rows .badge').evaluateAll((badges: Attributed[]) => badges.map((b) => b.getAttribute('data-phase') ?? ''));
    expect(new Set(phases)).toEqual(new Set(['asleep']));
    expect(queries.at(-1)).toContain('phase=asleep');
    expect(page.url()).toContain('#phase=asleep');

    // The filter is in the address: a reload keeps it.
    await page.reload();
    await page.locator('#rows tr[data-id]').first().waitFor();
    await expect(page.locator('#phase-filter').inputValue()).resolves.toBe('asleep');
    expect(await rowIds(page)).not.toContain('docs');
  });

  it('shows an environment on its own: recent events, the last wake\'s phase bars, output, and follows its logs', async () => {
    await ensureAwake(wg, 'hello');
    await open();
    await page.locator('#rows tr[data-id="hello"] a').click();
    const panel = page.locator('#detail');
    await panel.waitFor({ state: 'visible' });
    expect(new URL(page.url()).hash).toBe('#env=hello');
    await expect(page.locator('#detail-title').textContent()).resolves.toBe('hello');

    const events = page.locator('#detail-events li');
    await events.filter({ hasText: 'ready' }).first().waitFor({ timeout: 5_000 });
    await expect(events.filter({ has: page.locator('.badge[data-phase=awake]') }).count()).resolves.toBeGreaterThan(0);
    await expect(events.filter({ hasText: /started \(pid \d+\)/ }).count()).resolves.toBeGreaterThan(0);

    const wake = page.locator('#detail-wakes li').first();
    await wake.locator('svg.bar').waitFor();
    const segments = await wake.locator('svg.bar rect').evaluateAll((rects: Attributed[]) => rects.map((r) => r.getAttribute('class') ?? ''));
    expect(segments).toEqual(expect.arrayContaining(['seg-scaleRequest', 'seg-start']));
    await expect(wake.locator('.phases').first().textContent()).resolves.toMatch(/^scale request \d+\.\d+ s · start \d+\.\d+ s · readiness \d+\.\d+ s · first byte /);
    await expect(wake.locator('.result').textContent()).resolves.toBe('success');
    await expect(page.locator('#detail-output').textContent()).resolves.toMatch(/wake-app \d+ listening/);

    const logs = page.waitForRequest((req) => req.url().includes('/api/v1/environments/hello/logs?follow=1'));
    await page.getByLabel('Follow logs').check();
    await logs;
    await until(async () => /wake-app \d+ starting/.test((await page.locator('#detail-output').textContent()) ?? ''), 5_000, 'followed lines');

    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    expect(new URL(page.url()).hash).toBe('');

    // The address opens the panel directly.
    await page.goto(`${url}#env=docs`);
    await page.locator('#detail-title', { hasText: 'docs' }).waitFor();
    await page.locator('#detail-facts').getByText('static', { exact: true }).waitFor();
    await expect(page.locator('#follow-label').isHidden()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });

  it('draws the charts from the summary, and is saved as docs/images/dashboard.png; fits 800 px', async () => {
    // Requests held while slow wakes: a peak in the held chart, and a second wake in the wake chart.
    const held = await Promise.all([1, 2, 3].map((n) => getThroughProxy(wg, 'slow.localhost', `/held-${n}`)));
    for (const answer of held) expect(answer.status, answer.body).toBe(200);
    await ensureAwake(wg, 'hello');
    await open('', { width: 1280, height: 960 });
    // The summary event comes every 5 s; the held minute shows once it has.
    await page.locator('#held-chart svg path.line').waitFor({ timeout: 12_000 });
    const marks = page.locator('#wake-chart svg .mark');
    await expect(marks.count()).resolves.toBeGreaterThanOrEqual(2);
    await expect(page.locator('#wake-chart svg text.axis-title').textContent()).resolves.toBe('seconds');
    await expect(page.locator('#wake-chart svg').getAttribute('aria-label')).resolves.toMatch(/latest p50 \d/);
    await expect(page.locator('#held-chart svg text.tick').allTextContents()).resolves.toEqual(expect.arrayContaining(['0', '3']));
    await expect(page.locator('#held-chart svg .mark').count()).resolves.toBeGreaterThanOrEqual(1);
    // Give the slow row's relative times a second to settle, then take the picture.
    await sleep(1_100);
    await screenshot(page, 'dashboard.png');

    await page.locator('#rows tr[data-id="slow"] a').click();
    await page.locator('#detail-wakes li svg.bar').first().waitFor();
    await screenshot(page, 'dashboard-environment.png');
    await page.keyboard.press('Escape');

    await page.setViewportSize({ width: 800, height: 960 });
    await sleep(200);
    const overflow = await page.evaluate<{ page: number; table: number }>(`({
      page: document.documentElement.scrollWidth,
      table: document.querySelector('.table-wrap').scrollWidth - document.querySelector('.table-wrap').clientWidth,
    })`);
    expect(overflow.page).toBeLessThanOrEqual(800);
    expect(overflow.table).toBeLessThanOrEqual(0);
    await expect(page.getByRole('button', { name: 'Keep awake pr-21-search' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('#wake-chart svg').getAttribute('width')).resolves.toMatch(/^[67]\d\d$/);
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('the dashboard with an admin token', () => {
  let browser: Browser;
  let wg: StartedWakegate;
  let url: string;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    wg = await startFleet({ token: 'sesame', helloStartMs: 0 });
    url = dashboardUrl(wg);
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await wg?.stop();
  });

  it('asks for the token when a write answers 401, keeps it for the tab and retries with it', async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    const authorizations: (string | undefined)[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/keep-awake')) authorizations.push(req.headers().authorization);
    });
    await page.goto(url);
    await page.locator('#rows tr[data-id]').first().waitFor();

    await page.getByRole('button', { name: 'Keep awake pr-17-checkout' }).click();
    await page.getByRole('menuitem', { name: 'Keep awake 1 hour' }).click();
    const dialog = page.getByRole('dialog', { name: 'Admin token' });
    await dialog.waitFor();
    await dialog.getByLabel('Token').fill('wrong');
    await dialog.getByRole('button', { name: 'Use token' }).click();
    await dialog.locator('.problem', { hasText: 'not accepted' }).waitFor();
    await dialog.getByLabel('Token').fill('sesame');
    await dialog.getByRole('button', { name: 'Use token' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = page.locator('#rows tr[data-id="pr-17-checkout"]');
    await row.locator('.c-keep', { hasText: /until \d\d:\d\d.*by dashboard/ }).waitFor({ timeout: 5_000 });
    await page.locator('#notice', { hasText: /pr-17-checkout is kept awake until \d\d:\d\d; waking it\./ }).waitFor();
    // Kept awake while asleep, it is woken too (as `wakegate keep-awake` does).
    await row.locator('.badge[data-phase=awake]').waitFor({ timeout: 15_000 });
    expect(authorizations).toEqual([undefined, 'Bearer wrong', 'Bearer sesame']);
    await expect(page.evaluate("sessionStorage.getItem('wakegate.adminToken')")).resolves.toBe('sesame');
    const view = await adminJson<View>(wg, '/api/v1/environments/pr-17-checkout');
    expect(view.keepAwake?.by).toBe('dashboard');
    const left = Date.parse(view.keepAwake!.until) - Date.now();
    expect(left).toBeGreaterThan(3_500_000);
    // The wish is rounded up to a whole second (so a Kubernetes watch brings back the same one).
    expect(left).toBeLessThanOrEqual(3_600_000 + 1_000);

    // The next write sends the kept token at once; this one withdraws the wish from the panel.
    await row.locator('a').click();
    await page.getByRole('button', { name: 'Stop keeping awake' }).click();
    await row.locator('.c-keep', { hasText: /^—$/ }).waitFor({ timeout: 5_000 });
    expect(authorizations.at(-1)).toBe('Bearer sesame');
    expect((await adminJson<View>(wg, '/api/v1/environments/pr-17-checkout')).keepAwake).toBeNull();

    // Forgotten, the token is asked for again; cancelling leaves things as they were, quietly.
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Forget admin token' }).click();
    await page.getByRole('button', { name: 'Wake hello', exact: true }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect(page.getByRole('button', { name: 'Wake hello', exact: true }).isEnabled()).resolves.toBe(true);
    expect((await adminJson<View>(wg, '/api/v1/environments/hello')).phase).toBe('asleep');
    await expect(page.locator('#notice[data-kind=error]').count()).resolves.toBe(0);
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('the dashboard with 5,000 environments', () => {
  let browser: Browser;
  let wg: StartedWakegate;

  beforeAll(async () => {
    browser = await launchChromium();
    const pad = (i: number): string => String(i).padStart(4, '0');
    wg = await startWakegate({
      log: { level: 'warn' },
      environments: Array.from({ length: 5_000 }, (_, i) => ({ name: `env-${pad(i)}`, hosts: [`env-${pad(i)}.example.test`], upstream: 'http://127.0.0.1:9' })),
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await wg?.stop();
  });

  it('shows 50 at a time, pages on the server and stays quick', async () => {
    const url = dashboardUrl(wg);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    const began = Date.now();
    await page.goto(url);
    await page.locator('#rows tr[data-id]').first().waitFor();
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(await rowIds(page)).toHaveLength(50);
    await expect(page.locator('#range').textContent()).resolves.toMatch(/^1–50 of 5,?000 environments$/);
    await expect(page.locator('#prev').isDisabled()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('#rows tr[data-id="env-0050"]').waitFor();
    expect((await rowIds(page))[0]).toBe('env-0050');
    expect(page.url()).toContain('#page=2');
    await expect(page.locator('#range').textContent()).resolves.toMatch(/^51–100 of 5,?000 environments$/);

    await page.getByLabel('Search environments').fill('env-4999');
    await until(async () => (await rowIds(page)).join() === 'env-4999', 5_000, 'the searched row');
    await expect(page.locator('#next').isDisabled()).resolves.toBe(true);
    await page.locator('#total', { hasText: /^5,?000$/ }).waitFor();
    await page.close();
    expect(problems).toEqual([]);
  });
});
