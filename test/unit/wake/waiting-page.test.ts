import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';

import type { ProxyRequest } from '../../../src/proxy/exchange.js';
import { renderWaitingPage, wantsWaitingPage, type WaitingPageMode, type WaitingPageView } from '../../../src/wake/waiting-page.js';

const view: WaitingPageView = {
  environment: 'shop',
  phase: 'waking',
  startedAt: 1_700_000_000_000,
  eventsUrl: '/.wakegate/events?env=shop',
  now: 1_700_000_004_500,
};

function inline(html: string, tag: 'script' | 'style'): string {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html);
  return match![1]!;
}

describe('renderWaitingPage', () => {
  it('is a complete, small HTML document naming the environment', () => {
    const html = renderWaitingPage(view);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<h1>shop</h1>');
    expect(html).toContain('<title>Waking up shop</title>');
    expect(Buffer.byteLength(html)).toBeLessThan(12_000);
    expect(Buffer.byteLength(renderWaitingPage({ ...view, keepAwakeUrl: '/.wakegate/keep-awake?env=shop' }))).toBeLessThan(12_000);
  });

  it('escapes a hostile environment name and events URL everywhere', () => {
    const hostile = `"><script>alert('x')</script><img src=x onerror=alert(1)>&`;
    const html = renderWaitingPage({ ...view, environment: hostile, eventsUrl: `/.wakegate/events?env=a"b&c=<d>` });
    expect(html).not.toContain("<script>alert('x')");
    expect(html).not.toContain('<img');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;');
    expect(html).toContain('data-events="/.wakegate/events?env=a&quot;b&amp;c=&lt;d&gt;"');
    // One script element only: the page's own.
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('refreshes itself without script and stays out of search indexes', () => {
    const html = renderWaitingPage(view);
    expect(html).toContain('<noscript><meta http-equiv="refresh" content="2"></noscript>');
    expect(html).toContain('<meta name="robots" content="noindex">');
  });

  it('loads nothing from elsewhere', () => {
    const html = renderWaitingPage(view);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
  });

  it('follows the event stream, reloads when awake and offers a retry when failed', () => {
    const html = renderWaitingPage(view);
    const script = inline(html, 'script');
    expect(script).toContain('new EventSource(data.events)');
    expect(script).toContain('location.reload()');
    expect(html).toContain('data-events="/.wakegate/events?env=shop"');
    expect(html).toMatch(/<a class="button" href="">Try again<\/a>/);
    expect(html).toContain('aria-live="polite"');
    expect(html).toContain('prefers-color-scheme:dark');
  });

  it('allows exactly its own script and style by hash in its content security policy', () => {
    const html = renderWaitingPage(view);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const hash = (text: string): string => createHash('sha256').update(text).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash(inline(html, 'script'))}'`);
    expect(csp).toContain(`style-src 'sha256-${hash(inline(html, 'style'))}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
  });

  it('starts the elapsed time from the server clocks and shows the phase', () => {
    const html = renderWaitingPage(view);
    expect(html).toContain('data-elapsed="4500"');
    expect(html).toContain('<span id="elapsed">4 s</span>');
    expect(html).toContain('data-phase="waking"');
    expect(html).toMatch(/<div id="failure" role="alert" hidden>/);
  });

  it('has no keep-awake banner unless a keep-awake URL is given', () => {
    const html = renderWaitingPage(view);
    expect(html).not.toContain('id="keep"');
    expect(html).not.toContain('Keep awake for 4 hours');
  });

  it('offers to keep the environment awake for 4, 1 or 8 hours when given a keep-awake URL', () => {
    const html = renderWaitingPage({ ...view, keepAwakeUrl: '/.wakegate/keep-awake?env=shop' });
    expect(html).toContain('<section id="keep" aria-label="Keep awake" data-url="/.wakegate/keep-awake?env=shop">');
    expect(html).toContain('<button type="button" class="main" data-for="4h">Keep awake for 4 hours</button>');
    expect(html).toContain('data-for="1h">1 hour</button>');
    expect(html).toContain('data-for="8h">8 hours</button>');
    // The token field is there but hidden until a 401 asks for it.
    expect(html).toMatch(/<form id="keep-form" hidden>.*<input id="keep-token" type="password"/);
    const script = inline(html, 'script');
    expect(script).toContain("fetch(keep.dataset.url, { method: 'POST'");
    expect(script).toContain('JSON.stringify({ for: chosen })');
    expect(script).toContain("res.status === 401");
    expect(script).toContain("'Bearer ' + token");
    expect(script).toContain("'Kept awake until ' + hhmm(body.until)");
    // The token stays in memory: this page runs on the app's origin.
    expect(script).not.toMatch(/sessionStorage|localStorage|document\.cookie/);
  });

  it('escapes the keep-awake URL and keeps the same script and style hashes with the banner', () => {
    const html = renderWaitingPage({ ...view, keepAwakeUrl: '/.wakegate/keep-awake?env=a"b&c=<d>' });
    expect(html).toContain('data-url="/.wakegate/keep-awake?env=a&quot;b&amp;c=&lt;d&gt;"');
    expect(html.match(/<script/g)).toHaveLength(1);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const plain = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(renderWaitingPage(view))![1]!;
    expect(csp).toBe(plain);
    const hash = (text: string): string => createHash('sha256').update(text).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash(inline(html, 'script'))}'`);
    expect(csp).toContain(`style-src 'sha256-${hash(inline(html, 'style'))}'`);
  });

  it('shows the failure box at once for a failed phase', () => {
    const html = renderWaitingPage({ ...view, phase: 'failed' });
    expect(html).toContain('<div id="failure" role="alert">');
    expect(html).toContain('Could not start');
  });
});

function request(method: string, headers: readonly string[]): ProxyRequest {
  return {
    method,
    url: '/',
    rawHeaders: headers,
    httpVersionMinor: 1,
    remoteAddress: '127.0.0.1',
    complete: true,
    body: new PassThrough(),
    bodyRead: false,
    bind: () => undefined,
    unbind: () => undefined,
  };
}

const CHROME_NAVIGATION = [
  'Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
  'Sec-Fetch-Mode', 'navigate',
  'Sec-Fetch-Dest', 'document',
  'Upgrade-Insecure-Requests', '1',
];
const FIREFOX_NAVIGATION = ['Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'Sec-Fetch-Mode', 'navigate', 'Sec-Fetch-Dest', 'document'];
const IFRAME_NAVIGATION = ['Accept', 'text/html,*/*;q=0.8', 'Sec-Fetch-Mode', 'navigate', 'Sec-Fetch-Dest', 'iframe'];
const OLD_BROWSER = ['Accept', 'text/html,application/xhtml+xml,*/*;q=0.8'];
const CURL = ['Accept', '*/*', 'User-Agent', 'curl/8.5.0'];
const JSON_CLIENT = ['Accept', 'application/json'];
const FETCH_HTML = ['Accept', 'text/html', 'Sec-Fetch-Mode', 'cors', 'Sec-Fetch-Dest', 'empty'];
const SAME_ORIGIN_FETCH = ['Accept', 'text/html', 'Sec-Fetch-Mode', 'same-origin', 'Sec-Fetch-Dest', 'empty'];
const NAVIGATE_TO_IMAGE = ['Accept', 'text/html', 'Sec-Fetch-Mode', 'navigate', 'Sec-Fetch-Dest', 'image'];
const IMAGE = ['Accept', 'image/avif,image/webp,*/*', 'Sec-Fetch-Mode', 'no-cors', 'Sec-Fetch-Dest', 'image'];
const WEBSOCKET = ['Accept', 'text/html', 'Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Version', '13', 'Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='];
const UPGRADE_WITHOUT_CONNECTION = ['Accept', 'text/html', 'Upgrade', 'h2c'];
const UPPER_CASE = ['ACCEPT', 'TEXT/HTML', 'SEC-FETCH-MODE', 'NAVIGATE', 'SEC-FETCH-DEST', 'DOCUMENT'];
const HTML_REFUSED = ['Accept', 'text/html;q=0, application/json'];
const SPLIT_ACCEPT = ['Accept', 'application/xhtml+xml', 'Accept', 'text/html;q=0.9'];
const NO_HEADERS: string[] = [];

describe('wantsWaitingPage', () => {
  const rows: [string, string, WaitingPageMode, boolean, readonly string[]][] = [
    ['Chrome navigating', 'GET', 'auto', true, CHROME_NAVIGATION],
    ['Firefox navigating', 'GET', 'auto', true, FIREFOX_NAVIGATION],
    ['a browser loading an iframe', 'GET', 'auto', true, IFRAME_NAVIGATION],
    ['a browser that sends no Sec-Fetch headers', 'GET', 'auto', true, OLD_BROWSER],
    ['header names and values in upper case', 'GET', 'auto', true, UPPER_CASE],
    ['Accept split over two fields', 'GET', 'auto', true, SPLIT_ACCEPT],
    ['an Upgrade field without Connection: upgrade', 'GET', 'auto', true, UPGRADE_WITHOUT_CONNECTION],
    ['curl with Accept */*', 'GET', 'auto', false, CURL],
    ['an API client asking for JSON', 'GET', 'auto', false, JSON_CLIENT],
    ['a client with no headers', 'GET', 'auto', false, NO_HEADERS],
    ['a cross-origin fetch() asking for HTML', 'GET', 'auto', false, FETCH_HTML],
    ['a same-origin fetch() asking for HTML', 'GET', 'auto', false, SAME_ORIGIN_FETCH],
    ['a navigation whose destination is not a document', 'GET', 'auto', false, NAVIGATE_TO_IMAGE],
    ['an image request', 'GET', 'auto', false, IMAGE],
    ['Accept refusing HTML with q=0', 'GET', 'auto', false, HTML_REFUSED],
    ['a WebSocket handshake', 'GET', 'auto', false, WEBSOCKET],
    ['a HEAD from a browser', 'HEAD', 'auto', false, CHROME_NAVIGATION],
    ['a form POST from a browser', 'POST', 'auto', false, CHROME_NAVIGATION],
    ['curl when the page is always wanted', 'GET', 'always', true, CURL],
    ['a fetch() when the page is always wanted', 'GET', 'always', true, FETCH_HTML],
    ['a HEAD when the page is always wanted', 'HEAD', 'always', false, CURL],
    ['a POST when the page is always wanted', 'POST', 'always', false, CURL],
    ['a WebSocket handshake when the page is always wanted', 'GET', 'always', false, WEBSOCKET],
    ['Chrome navigating when the page is never wanted', 'GET', 'never', false, CHROME_NAVIGATION],
  ];

  it.each(rows)('%s: %s in %s mode → %s', (_name, method, mode, expected, headers) => {
    expect(wantsWaitingPage(request(method, headers), mode)).toBe(expected);
  });
});
