/** Paths of the page's script and style, with a content hash so they can be cached for good. */
export interface ShellAssets {
  readonly script: string;
  readonly style: string;
}

const PHASES = ['asleep', 'waking', 'awake', 'sleeping', 'failed'] as const;

/** A small moon, as a data URL (the policy allows `img-src data:`): no request for /favicon.ico. */
const ICON = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Cpath d='M10.5 1.5a6.5 6.5 0 1 0 4 11.6A6 6 0 0 1 10.5 1.5z' fill='%233462c9'/%3E%3C/svg%3E";

/** A legend key: a short line in the series' style, with its marker (shape tells them apart, not only colour). */
function legendKey(series: string, marker: 'circle' | 'square' | 'none'): string {
  const mark =
    marker === 'circle' ? '<circle class="mark k-' + series + '" cx="11" cy="6" r="3"/>' : marker === 'square' ? '<rect class="mark k-' + series + '" x="8" y="3" width="6" height="6"/>' : '';
  return `<svg width="22" height="12" viewBox="0 0 22 12" aria-hidden="true"><line class="line k-${series}" x1="1" y1="6" x2="21" y2="6"/>${mark}</svg>`;
}

/**
 * The dashboard's HTML: a static shell that the script fills in. Nothing in it depends on the
 * request, so it is rendered once. Asset paths are relative, so the page also works when the admin
 * server is reached under a path prefix (a port-forward or a proxy).
 */
export function renderShell(assets: ShellAssets): string {
  const options = PHASES.map((p) => `<option value="${p}">${p}</option>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>wakegate</title>
<link rel="icon" href="${ICON}">
<link rel="stylesheet" href="${assets.style}">
<script src="${assets.script}" defer></script>
</head>
<body>
<header class="top">
<h1>wakegate</h1>
<span id="live" class="live" data-state="connecting" role="status">Connecting…</span>
<span class="spacer"></span>
<button type="button" id="forget-token" class="btn" hidden>Forget admin token</button>
</header>
<main>
<section class="stats" aria-label="Summary">
<div class="card stat stat-fleet"><h2>Environments</h2><p class="big" id="total">–</p><div id="phase-counts" class="chips" role="group" aria-label="Phases (choose one to filter the list)"></div></div>
<div class="card stat"><h2>Held requests</h2><p class="big" id="held">–</p><p class="sub">waiting for a wake now · limit <span id="held-limit">–</span></p></div>
<div class="card stat stat-savings"><h2>Saved by sleeping, last 24 hours</h2>
<div class="figures">
<p class="figure"><span class="big" id="asleep-24h">–</span><span class="sub">hours asleep</span></p>
<p class="figure"><span class="big" id="saved-24h">–</span><span class="sub">replica-hours saved</span></p>
<p class="figure" id="money" hidden><span class="big" id="cost-24h">–</span><span class="sub">at <span id="rate">–</span></span></p>
</div>
<p class="sub">Last 7 days: <span id="asleep-7d">–</span> asleep · <span id="saved-7d">–</span> replica-hours<span id="money-7d" hidden> · <span id="cost-7d">–</span></span></p>
</div>
</section>
<section class="charts">
<figure class="card chart" aria-labelledby="wake-chart-title">
<div class="chart-head"><h2 id="wake-chart-title">Wake duration, last 6 hours</h2><ul class="legend"><li>${legendKey('p50', 'circle')}p50 (median)</li><li>${legendKey('p95', 'square')}p95</li></ul></div>
<div id="wake-chart" class="plot"></div>
</figure>
<figure class="card chart" aria-labelledby="held-chart-title">
<div class="chart-head"><h2 id="held-chart-title">Held requests, last 6 hours</h2><ul class="legend"><li>${legendKey('held', 'none')}most held at once, per minute</li></ul></div>
<div id="held-chart" class="plot"></div>
</figure>
</section>
<section class="card list" aria-labelledby="list-title">
<div class="toolbar">
<h2 id="list-title">Environments</h2>
<label for="search" class="vh">Search environments</label>
<input id="search" type="search" placeholder="Search by name or host" autocomplete="off" spellcheck="false">
<label for="phase-filter">Phase</label>
<select id="phase-filter"><option value="">all</option>${options}</select>
</div>
<div class="table-wrap">
<table id="environments" aria-describedby="range">
<thead><tr><th scope="col" class="c-id">Environment</th><th scope="col" class="c-phase">Phase</th><th scope="col" class="c-activity">Last activity</th><th scope="col" class="c-sleeps">Sleeps in</th><th scope="col" class="c-wake">Last wake</th><th scope="col" class="c-replicas">Replicas</th><th scope="col" class="c-keep">Kept awake</th><th scope="col" class="c-actions"><span class="vh">Actions</span></th></tr></thead>
<tbody id="rows"></tbody>
</table>
</div>
<nav class="pager" aria-label="Pages"><span id="range" aria-live="polite"></span><button type="button" id="prev" class="btn" disabled>Previous</button><button type="button" id="next" class="btn" disabled>Next</button></nav>
</section>
</main>
<aside id="detail" class="detail" aria-labelledby="detail-title" tabindex="-1" hidden>
<div class="detail-head"><h2 id="detail-title"></h2><span id="detail-phase"></span><button type="button" id="detail-close" class="close" aria-label="Close">×</button></div>
<div class="detail-body">
<div class="actions" id="detail-actions"></div>
<p id="detail-reason" class="reason"></p>
<dl id="detail-facts" class="facts"></dl>
<h3>Saved by sleeping</h3>
<table class="savings"><thead><tr><th scope="col"><span class="vh">Window</span></th><th scope="col">Hours asleep</th><th scope="col">Replica-hours saved</th><th scope="col">Cost saved</th></tr></thead><tbody id="detail-savings"></tbody></table>
<h3>Last wakes</h3>
<ul class="legend" id="wake-legend"></ul>
<ol id="detail-wakes" class="wakes"></ol>
<h3>Recent events</h3>
<ol id="detail-events" class="events" reversed></ol>
<div class="output-head"><h3>Output</h3><label id="follow-label" hidden><input type="checkbox" id="follow"> Follow logs</label></div>
<pre id="detail-output" class="output" tabindex="0" aria-label="Output lines"></pre>
</div>
</aside>
<div id="keep-menu" class="menu" role="menu" aria-label="Keep awake for" hidden>
<button type="button" role="menuitem" data-for="1h">Keep awake 1 hour</button>
<button type="button" role="menuitem" data-for="4h">Keep awake 4 hours</button>
<button type="button" role="menuitem" data-for="8h">Keep awake 8 hours</button>
<button type="button" role="menuitem" data-cancel="1">Stop keeping awake</button>
</div>
<div id="notice" class="notice" role="status" hidden><span id="notice-text"></span><button type="button" id="notice-close" aria-label="Dismiss">×</button></div>
<dialog id="token-dialog" aria-labelledby="token-title">
<form id="token-form" class="dialog">
<h2 id="token-title">Admin token</h2>
<p id="token-reason">This action needs the admin token (<code>admin.token</code>). It is kept in this tab only.</p>
<label for="token-input">Token</label>
<input id="token-input" type="password" autocomplete="off" required>
<div class="dialog-actions"><button type="button" id="token-cancel" class="btn">Cancel</button><button type="submit" class="btn primary">Use token</button></div>
</form>
</dialog>
<noscript><p>The dashboard needs JavaScript. The same data is in the API: <a href="api/v1/environments">api/v1/environments</a>.</p></noscript>
</body>
</html>
`;
}
