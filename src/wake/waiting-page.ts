import { createHash } from 'node:crypto';

import type { EnvironmentPhase } from '../environments/environment.js';
import type { ProxyRequest } from '../proxy/exchange.js';

export type WaitingPageMode = 'auto' | 'always' | 'never';

export interface WaitingPageView {
  readonly environment: string;
  readonly phase: EnvironmentPhase;
  /** When the wake began, ms since the epoch (server clock). */
  readonly startedAt: number;
  /** Same-origin URL of the event stream, e.g. `/.wakegate/events?env=shop`. */
  readonly eventsUrl: string;
  /** Server time of rendering: the page counts elapsed time from `now - startedAt`, so clock skew does not show. */
  readonly now: number;
  /**
   * Same-origin URL that keeps the environment awake (`POST {"for": "4h"}`), e.g.
   * `/.wakegate/keep-awake?env=shop`. When given, the page offers a banner to keep it awake for 1, 4
   * or 8 hours; without it there is no banner.
   */
  readonly keepAwakeUrl?: string;
}

const PHASE_LABELS: Readonly<Record<EnvironmentPhase, string>> = {
  asleep: 'Asleep, starting it',
  waking: 'Starting',
  sleeping: 'Going to sleep, starting again right after',
  awake: 'Ready, opening',
  failed: 'Could not start',
};

/**
 * Follows the wake: ticks the elapsed time, lists progress steps, reloads on `awake` (the reload
 * reaches the app), shows the reason and a retry link on `failed`. An EventSource that keeps
 * failing (or is refused outright) falls back to reloading the page a few seconds later.
 * Steps are inserted with `textContent` only. Static, so its hash is computed once.
 *
 * The keep-awake banner (present only with `keepAwakeUrl`) POSTs `{"for": "4h"}` there. A 401 opens
 * a token field once; the token is sent as `Authorization: Bearer` and kept in this page's memory
 * only — this page runs on the app's origin, whose storage the app can read. While an answer is
 * awaited or the token field is open, the reload into the app waits, so neither is lost.
 */
const SCRIPT = `(function () {
  'use strict';
  var labels = ${JSON.stringify(PHASE_LABELS)};
  var root = document.getElementById('wg');
  var data = root.dataset;
  var startedAt = Number(data.startedAt);
  var elapsedAtLoad = Number(data.elapsed);
  var loadedAt = performance.now();
  var phaseEl = document.getElementById('phase');
  var elapsedEl = document.getElementById('elapsed');
  var steps = document.getElementById('steps');
  var ended = false;
  var errors = 0;
  var holding = false;
  var reloadDue = false;
  function reload() {
    if (!holding) return location.reload();
    reloadDue = true;
    phaseEl.textContent = 'Ready, opening once you are done here';
  }
  function duration(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    return s < 60 ? s + ' s' : Math.floor(s / 60) + ' min ' + String(s % 60).padStart(2, '0') + ' s';
  }
  function tick() { elapsedEl.textContent = duration(elapsedAtLoad + performance.now() - loadedAt); }
  var timer = setInterval(tick, 1000);
  tick();
  function show(phase) {
    root.setAttribute('data-phase', phase);
    phaseEl.textContent = labels[phase] || phase;
  }
  function settle() {
    var last = steps.lastElementChild;
    if (last) last.className = 'done';
  }
  function step(text, at) {
    settle();
    var item = document.createElement('li');
    var label = document.createElement('span');
    label.textContent = text;
    var when = document.createElement('time');
    when.textContent = '+' + duration(at - startedAt);
    item.append(label, when);
    steps.append(item);
  }
  function stop() {
    ended = true;
    clearInterval(timer);
    source.close();
  }
  function fail(reason) {
    document.getElementById('reason').textContent = reason || 'The environment could not be started.';
    document.getElementById('failure').hidden = false;
  }
  var source = new EventSource(data.events);
  source.addEventListener('open', function () { errors = 0; });
  source.addEventListener('phase', function (event) {
    var message = JSON.parse(event.data);
    show(message.phase);
    if (message.phase === 'awake') {
      settle();
      stop();
      reload();
    } else if (message.phase === 'failed') {
      stop();
      fail(message.reason);
    }
  });
  source.addEventListener('progress', function (event) {
    var message = JSON.parse(event.data);
    step(message.step, message.at);
  });
  source.addEventListener('error', function () {
    if (ended) return;
    errors++;
    if (errors < 3 && source.readyState !== EventSource.CLOSED) return;
    stop();
    phaseEl.textContent = 'Checking again in a moment';
    setTimeout(reload, 3000);
  });
  var keep = document.getElementById('keep');
  if (!keep) return;
  var keepStatus = document.getElementById('keep-status');
  var form = document.getElementById('keep-form');
  var input = document.getElementById('keep-token');
  var choices = keep.querySelectorAll('button[data-for]');
  var token = null;
  var chosen = null;
  function busy(on) {
    for (var i = 0; i < choices.length; i++) choices[i].disabled = on;
  }
  function release(pause) {
    holding = false;
    if (reloadDue) setTimeout(function () { location.reload(); }, pause);
  }
  function hhmm(iso) {
    var d = new Date(iso);
    return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
  }
  function ask() {
    holding = true;
    busy(true);
    keepStatus.textContent = 'Asking…';
    var headers = { 'content-type': 'application/json' };
    if (token !== null) headers.authorization = 'Bearer ' + token;
    fetch(keep.dataset.url, { method: 'POST', headers: headers, body: JSON.stringify({ for: chosen }), cache: 'no-store' }).then(function (res) {
      if (res.status === 401) {
        keepStatus.textContent = token === null ? 'Keeping it awake needs the admin token.' : 'That token was not accepted.';
        token = null;
        form.hidden = false;
        input.focus();
        return;
      }
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (res.ok && body.until) {
          keep.setAttribute('data-state', 'kept');
          keepStatus.textContent = 'Kept awake until ' + hhmm(body.until);
        } else {
          busy(false);
          keepStatus.textContent = body.detail || 'Could not keep it awake (HTTP ' + res.status + ').';
        }
        release(1500);
      });
    }, function () {
      busy(false);
      keepStatus.textContent = 'Could not reach wakegate.';
      release(0);
    });
  }
  keep.addEventListener('click', function (event) {
    var choice = event.target.closest('button[data-for]');
    if (choice && !choice.disabled) {
      chosen = choice.getAttribute('data-for');
      ask();
    }
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var value = input.value.trim();
    if (!value) return;
    token = value;
    input.value = '';
    form.hidden = true;
    ask();
  });
  document.getElementById('keep-cancel').addEventListener('click', function () {
    form.hidden = true;
    busy(false);
    keepStatus.textContent = '';
    release(0);
  });
})();`;

const STYLE = `:root{color-scheme:light dark;--bg:#f4f5f7;--fg:#1d2129;--muted:#5f6673;--card:#fff;--line:#e2e5ea;--accent:#3462c9;--on-accent:#fff;--ok:#2e8555;--bad:#c0392b}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--fg:#e6e8ec;--muted:#9ba2ae;--card:#171b21;--line:#2a3038;--accent:#7fa6f5;--on-accent:#0f1216;--ok:#62c48e;--bad:#f0837a}}
*{box-sizing:border-box}
html,body{margin:0;min-height:100%}
body{display:flex;min-height:100vh;align-items:center;justify-content:center;padding:1.5rem;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:100%;max-width:30rem;padding:2rem;background:var(--card);border:1px solid var(--line);border-radius:14px;box-shadow:0 1px 2px rgba(0,0,0,.04),0 10px 30px rgba(0,0,0,.06)}
.head{display:flex;align-items:center;gap:1rem}
.eyebrow{margin:0;color:var(--muted);font-size:.875rem}
h1{margin:0;font-size:1.5rem;line-height:1.25;font-weight:600;overflow-wrap:anywhere}
.spinner{flex:none;width:1.75rem;height:1.75rem;border-radius:50%;border:3px solid var(--line);border-top-color:var(--accent);animation:spin 1s linear infinite}
@keyframes spin{to{transform:rotate(360deg)}}
@media (prefers-reduced-motion:reduce){.spinner{animation-duration:4s}}
[data-phase=failed] .spinner{animation:none;border-color:var(--bad)}
[data-phase=awake] .spinner{animation:none;border-color:var(--ok)}
.status{margin:1.25rem 0 0;color:var(--muted);font-variant-numeric:tabular-nums}
ol{list-style:none;margin:1rem 0 0;padding:0;border-top:1px solid var(--line)}
ol:empty{display:none}
li{display:flex;align-items:center;gap:.75rem;padding:.5rem 0;border-bottom:1px solid var(--line);font-size:.9375rem}
li::before{content:"";flex:none;width:.5rem;height:.5rem;border-radius:50%;background:var(--accent)}
li.done::before{background:var(--ok)}
[data-phase=failed] li:last-child::before{background:var(--bad)}
[data-phase=failed] .note{display:none}
li span{flex:1;overflow-wrap:anywhere}
li time{color:var(--muted);font-size:.8125rem;font-variant-numeric:tabular-nums}
#failure{margin-top:1.25rem;padding:1rem;border:1px solid var(--bad);border-radius:10px}
#failure p{margin:0 0 .75rem;overflow-wrap:anywhere}
.button{display:inline-block;padding:.5rem 1rem;border-radius:8px;background:var(--accent);color:var(--on-accent);font-weight:600;text-decoration:none}
.button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.note{margin:1.25rem 0 0;color:var(--muted);font-size:.875rem}
#keep{margin-top:1.25rem;padding:1rem;border:1px solid var(--line);border-radius:10px}
#keep p{margin:0}
.choices{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin-top:.75rem}
.choices button,#keep-form button{font:inherit;font-size:.875rem;padding:.375rem .75rem;border-radius:8px;border:1px solid var(--line);background:var(--bg);color:var(--fg);cursor:pointer}
.choices .main{background:var(--accent);border-color:var(--accent);color:var(--on-accent);font-weight:600}
.choices button:disabled{opacity:.6;cursor:default}
#keep button:focus-visible,#keep-token:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
[data-state=kept] .choices,[data-state=kept] .ask,[data-phase=failed] #keep{display:none}
#keep-form{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin-top:.75rem}
#keep-token{flex:1;min-width:10rem;font:inherit;padding:.375rem .5rem;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--fg)}
#keep-status{margin-top:.5rem;font-size:.875rem;color:var(--muted)}
#keep-status:empty{display:none}
[data-state=kept] #keep-status{margin:0;color:var(--ok);font-weight:600}
@media (max-width:30rem){body{padding:1rem}main{padding:1.5rem}}
[hidden]{display:none!important}`;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64');

/**
 * The page is served on the app's own origin, so anything injected into it would run as the app.
 * Besides escaping, the policy allows only this page's own script and style (by hash) and
 * same-origin connections (the event stream): no external asset can load even by mistake.
 */
const CSP = [
  "default-src 'none'",
  `script-src 'sha256-${sha256(SCRIPT)}'`,
  `style-src 'sha256-${sha256(STYLE)}'`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * The waiting page: a complete HTML document with inline style and script and nothing external,
 * answered at once to a browser asking for an environment that is not awake. It follows the wake
 * over `eventsUrl` and reloads into the app when the environment is awake. Without script it
 * refreshes itself every 2 seconds. The caller sends it with `cache-control: no-store`, so the
 * reload reaches the server rather than a cached copy of this page.
 */
export function renderWaitingPage(view: WaitingPageView): string {
  const name = escapeHtml(view.environment);
  const elapsed = Math.max(0, view.now - view.startedAt);
  const failed = view.phase === 'failed';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="color-scheme" content="light dark">
<noscript><meta http-equiv="refresh" content="2"></noscript>
<link rel="icon" href="data:,">
<title>Waking up ${name}</title>
<style>${STYLE}</style>
</head>
<body>
<main id="wg" data-phase="${escapeHtml(view.phase)}" data-events="${escapeHtml(view.eventsUrl)}" data-started-at="${finite(view.startedAt)}" data-elapsed="${finite(elapsed)}">
<div class="head">
<span class="spinner" aria-hidden="true"></span>
<div><p class="eyebrow">Waking up</p><h1>${name}</h1></div>
</div>
<p class="status"><span id="phase" role="status">${escapeHtml(PHASE_LABELS[view.phase])}</span> · <span id="elapsed">${Math.floor(elapsed / 1000)} s</span></p>
<div role="log" aria-live="polite" aria-label="Progress"><ol id="steps"></ol></div>
<div id="failure" role="alert"${failed ? '' : ' hidden'}><p id="reason">The environment could not be started.</p><a class="button" href="">Try again</a></div>
${view.keepAwakeUrl === undefined ? '' : keepAwakeBanner(view.keepAwakeUrl)}<p class="note">This page opens the app by itself as soon as it is ready.</p>
<noscript><p class="note">It reloads every 2 seconds until then.</p></noscript>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** The banner offering to keep the environment awake once it is up; driven by the page's script. */
function keepAwakeBanner(url: string): string {
  return `<section id="keep" aria-label="Keep awake" data-url="${escapeHtml(url)}">
<p class="ask">Need it for a while? Keep it awake, even without requests.</p>
<div class="choices"><button type="button" class="main" data-for="4h">Keep awake for 4 hours</button><button type="button" data-for="1h">1 hour</button><button type="button" data-for="8h">8 hours</button></div>
<form id="keep-form" hidden><label for="keep-token">Admin token</label><input id="keep-token" type="password" autocomplete="off" required><button type="submit">Keep awake</button><button type="button" id="keep-cancel">Cancel</button></form>
<p id="keep-status" role="status" aria-live="polite"></p>
</section>
`;
}

/**
 * Whether a request for an environment that is not awake gets the waiting page rather than being
 * held. Only a `GET` that is not an upgrade; in `auto` mode only a browser navigation: `Accept`
 * names `text/html` (an API client's `*\/*` does not count) and, when the browser says, the fetch
 * is a navigation of a document or frame — not a `fetch()`/XHR, which would get HTML it cannot use.
 */
export function wantsWaitingPage(req: ProxyRequest, mode: WaitingPageMode): boolean {
  if (mode === 'never' || req.method !== 'GET') return false;
  let accept: string | undefined;
  let fetchMode: string | undefined;
  let fetchDest: string | undefined;
  let upgrade = false;
  let connection: string | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name === 'accept') accept = accept === undefined ? value : `${accept}, ${value}`;
    else if (name === 'sec-fetch-mode') fetchMode = value.trim().toLowerCase();
    else if (name === 'sec-fetch-dest') fetchDest = value.trim().toLowerCase();
    else if (name === 'upgrade') upgrade = true;
    else if (name === 'connection') connection = connection === undefined ? value : `${connection}, ${value}`;
  }
  // An Upgrade without `Connection: upgrade` is not a request to upgrade (RFC 9110 §7.8).
  if (upgrade && connection !== undefined && hasToken(connection, 'upgrade')) return false;
  if (mode === 'always') return true;
  if (fetchMode !== undefined && fetchMode !== 'navigate') return false;
  if (fetchDest !== undefined && fetchDest !== 'document' && fetchDest !== 'iframe' && fetchDest !== 'frame') return false;
  return accept !== undefined && acceptsHtml(accept);
}

/** `text/html` among the media ranges, unless refused with `q=0`. */
function acceptsHtml(accept: string): boolean {
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';');
    if (type.trim().toLowerCase() !== 'text/html') continue;
    const q = params.find((p) => p.trim().toLowerCase().startsWith('q='));
    return q === undefined || Number(q.trim().slice(2)) > 0;
  }
  return false;
}

function hasToken(list: string, token: string): boolean {
  return list.split(',').some((t) => t.trim().toLowerCase() === token);
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
