/**
 * The per-environment panel (`#env=ID`): the view's facts, live as the event stream brings views;
 * savings; the last wakes with a stacked bar of their phases; recent events; output lines, and for
 * a local environment a "Follow logs" switch on `…/logs?follow=1`. The detail document
 * (`GET /api/v1/environments/{id}`) is fetched on open and again shortly after a change of the
 * environment (at most one fetch per change burst), never on a timer of its own.
 */
export const DETAIL_SCRIPT = String.raw`
var detail = { id: null, view: null, loading: null, soon: null, later: null, logs: null, lines: [], live: {}, buttons: null };
var MAX_LINES = 1000;

function setUpDetail() {
  var box = $('detail-actions');
  var buttons = { wake: button('Wake', 'primary'), sleep: button('Sleep') };
  [['keep1h', '1h', 'Keep awake 1 h'], ['keep4h', '4h', 'Keep awake 4 h'], ['keep8h', '8h', 'Keep awake 8 h']].forEach(function (k) {
    var b = button(k[2]);
    b.dataset.label = k[2];
    b.dataset.for = k[1];
    buttons[k[0]] = b;
  });
  buttons.unkeep = button('Stop keeping awake');
  box.append(buttons.wake, buttons.sleep, buttons.keep1h, buttons.keep4h, buttons.keep8h, buttons.unkeep);
  detail.buttons = buttons;
  box.addEventListener('click', function (event) {
    var b = event.target.closest('button');
    if (!b || b.disabled || detail.id === null) return;
    if (b === buttons.wake) act(detail.id, 'wake');
    else if (b === buttons.sleep) act(detail.id, 'sleep');
    else if (b === buttons.unkeep) act(detail.id, 'unkeep');
    else if (b.dataset.for) act(detail.id, 'keep', b.dataset.for);
  });
  $('detail-close').addEventListener('click', function () { closeEnv(); });
  $('follow').addEventListener('change', function () {
    if ($('follow').checked) follow();
    else {
      unfollow();
      renderOutput(detail.view);
    }
  });
  wakeLegend($('wake-legend'));
}

function openDetail(id) {
  var fresh = detail.id !== id;
  if (fresh) {
    unfollow();
    $('follow').checked = false;
    detail.id = id;
    detail.view = null;
    $('detail-title').textContent = id;
    $('detail-phase').textContent = '';
    $('detail-reason').textContent = '';
    $('detail-facts').textContent = '';
    $('detail-savings').textContent = '';
    $('detail-wakes').textContent = '';
    $('detail-events').textContent = '';
    $('detail-output').textContent = '';
  }
  $('detail').hidden = false;
  var known = viewOf(id);
  if (known) showView(known);
  loadDetail();
  if (fresh) $('detail').focus();
}

function closeDetail() {
  unfollow();
  clearTimeout(detail.soon);
  clearTimeout(detail.later);
  detail.soon = detail.later = null;
  if (detail.loading) detail.loading.abort();
  detail.id = null;
  detail.view = null;
  $('detail').hidden = true;
}

function loadDetail() {
  if (detail.id === null) return;
  if (detail.loading) detail.loading.abort();
  var ctl = new AbortController();
  var id = detail.id;
  detail.loading = ctl;
  getJson(envPath(id), ctl.signal).then(function (doc) {
    if (detail.loading === ctl) detail.loading = null;
    if (detail.id !== id) return;
    showView(doc);
    renderWakes(doc.wakes || []);
    renderEvents(doc.events || []);
  }, function (error) {
    if (error.name === 'AbortError' || detail.id !== id) return;
    if (detail.loading === ctl) detail.loading = null;
    $('detail-reason').textContent = error.status === 404 ? 'There is no environment "' + id + '" (any more).' : 'Could not load it: ' + error.message;
  });
}

/** A new view of the open environment came: show it, and fetch its events and wakes soon. */
function detailChanged(view) {
  var was = detail.view ? detail.view.phase : null;
  showView(view);
  if (!detail.soon) detail.soon = setTimeout(function () { detail.soon = null; loadDetail(); }, 600);
  // The first byte of a woken environment's first request is recorded after it is awake.
  if (view.phase === 'awake' && was !== 'awake') {
    clearTimeout(detail.later);
    detail.later = setTimeout(function () { detail.later = null; loadDetail(); }, 2500);
  }
}

function fact(list, term, value) {
  var dd = h('dd', null, value);
  list.append(h('dt', null, term), dd);
  return dd;
}

function showView(view) {
  detail.view = view;
  $('detail-title').textContent = view.id;
  var phaseBox = $('detail-phase');
  var b = phaseBox.firstChild || phaseBox.appendChild(badge(view.phase));
  setBadge(b, view.phase);
  var reason = $('detail-reason');
  reason.dataset.phase = view.phase;
  reason.textContent = view.phase === 'failed' ? (view.lastError || view.reason || 'The last wake failed.')
    : view.phase === 'awake' ? (view.awakeBecause || view.reason || '')
    : view.phase === 'waking' ? (view.wakeStep || view.reason || 'Waking')
    : (view.reason || '');
  syncButtons(detail.buttons, view);
  var list = $('detail-facts');
  list.textContent = '';
  fact(list, 'Kind', view.kind);
  fact(list, 'Hosts', (view.hosts || []).join(', ') || '—');
  if (view.paths && view.paths.length && !(view.paths.length === 1 && view.paths[0] === '/')) fact(list, 'Paths', view.paths.join(', '));
  fact(list, 'Upstream', view.upstream || '—');
  var since = ms(view.phaseSince);
  fact(list, 'Phase since', since === null ? '—' : stamp(since));
  detail.live.activity = fact(list, 'Last activity', '');
  detail.live.sleeps = fact(list, 'Sleeps in', '');
  fact(list, 'Idle timeout', span(view.idleAfterSeconds));
  if (typeof view.requests === 'number') fact(list, 'Requests', num(view.requests, 0) + ' answered · ' + num(view.inFlight || 0, 0) + ' in flight');
  fact(list, 'Replicas', view.replicas ? view.replicas.current + ' running · ' + view.replicas.awake + ' when awake' : '—');
  fact(list, 'Last wake', secs(view.lastWakeSeconds));
  if (view.lastError) fact(list, 'Last error', view.lastError);
  detail.live.keep = fact(list, 'Kept awake', '');
  tickDetail();
  renderSavings(view.savings);
  if ($('follow-label').hidden !== (view.kind !== 'local')) $('follow-label').hidden = view.kind !== 'local';
  if (!detail.logs) renderOutput(view);
}

/** The parts of the panel that change with the clock. */
function tickDetail() {
  var view = detail.view;
  if (!view || !detail.live.activity) return;
  var last = ms(view.lastActivity);
  detail.live.activity.textContent = last === null ? 'none yet' : ago(last) + ' (' + stamp(last) + ')';
  detail.live.sleeps.textContent = sleepsText(view, true);
  var until = keptUntil(view);
  detail.live.keep.textContent = until === null ? '—' : 'until ' + stamp(until) + (view.keepAwake.by ? ' · by ' + view.keepAwake.by : '');
}

function renderSavings(savings) {
  var body = $('detail-savings');
  body.textContent = '';
  if (!savings) return;
  var currency = summary && summary.savings ? summary.savings.currency : null;
  [['last24h', 'Last 24 h'], ['last7d', 'Last 7 days']].forEach(function (w) {
    var s = savings[w[0]] || {};
    var tr = h('tr');
    var th = h('th', null, w[1]);
    th.scope = 'row';
    tr.append(th, h('td', null, hours(s.asleepHours) + ' h'), h('td', null, hours(s.savedReplicaHours)), h('td', null, s.savedCost === null || s.savedCost === undefined ? '—' : money(s.savedCost, currency)));
    body.append(tr);
  });
}

/** Empties the list 'id'; with no items it says 'emptyText' and returns null, else the list to fill. */
function clearedList(id, items, emptyText) {
  var list = $(id);
  list.textContent = '';
  if (items.length > 0) return list;
  list.append(h('li', 'empty', emptyText));
  return null;
}

function renderWakes(wakes) {
  var list = clearedList('detail-wakes', wakes, 'No wakes yet.');
  if (list === null) return;
  var longest = 0;
  wakes.forEach(function (w) { longest = Math.max(longest, phaseTotal(w.phases), w.seconds || 0); });
  wakes.forEach(function (w) {
    var item = h('li');
    var line = h('div', 'wake-line');
    var started = ms(w.startedAt);
    var when = h('time', 'num', started === null ? '' : stamp(started));
    var result = h('span', 'result', w.result === null ? 'in progress' : w.result);
    result.dataset.result = w.result || 'running';
    line.append(when, h('span', 'muted', 'by ' + (w.trigger || 'unknown')), result, h('span', 'total', secs(w.seconds)));
    item.append(line, wakeBar(w.phases, longest || 1));
    var parts = WAKE_PHASES.map(function (p) { return p[1] + ' ' + secs(w.phases ? w.phases[p[0]] : null); });
    item.append(h('p', 'phases', parts.join(' · ')));
    if (w.error) item.append(h('p', 'phases', w.error));
    list.append(item);
  });
}
function phaseTotal(phases) {
  var total = 0;
  if (phases) WAKE_PHASES.forEach(function (p) { if (phases[p[0]] > 0) total += phases[p[0]]; });
  return total;
}

function renderEvents(events) {
  var list = clearedList('detail-events', events, 'Nothing recorded yet.');
  if (list === null) return;
  events.slice().reverse().forEach(function (e) {
    var item = h('li');
    item.dataset.type = e.type;
    var at = ms(e.at);
    var when = h('time', null, at === null ? '' : hhmm(at) + ':' + pad2(new Date(at).getSeconds()));
    if (at !== null) when.dateTime = e.at;
    var what = h('span', 'what');
    if (e.type === 'phase') {
      what.append(badge(e.phase));
      if (e.reason) what.append(document.createTextNode(' ' + e.reason));
    } else if (e.type === 'progress') what.textContent = e.step;
    else if (e.type === 'keep-awake') {
      var until = ms(e.until);
      what.textContent = until === null ? 'keep-awake withdrawn' + (e.by ? ' by ' + e.by : '') : 'kept awake until ' + stamp(until) + (e.by ? ' by ' + e.by : '');
    } else what.textContent = e.type;
    item.append(when, what);
    list.append(item);
  });
}

function renderOutput(view) {
  var pre = $('detail-output');
  var lines = view && view.output ? view.output : [];
  pre.textContent = lines.length ? lines.join('\n') : view && view.kind !== 'local' ? 'wakegate keeps output only of the processes it starts.' : 'No output yet.';
}

function follow() {
  unfollow();
  var id = detail.id;
  if (id === null) return;
  var pre = $('detail-output');
  var opened = 0, drawing = false;
  detail.lines = [];
  pre.textContent = '';
  var source = new EventSource(envPath(id, 'logs') + '?follow=1');
  detail.logs = source;
  function draw() {
    drawing = false;
    var atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;
    pre.textContent = detail.lines.join('\n');
    if (atEnd) pre.scrollTop = pre.scrollHeight;
  }
  // Each (re)connection starts with the lines kept so far: start over rather than repeat them.
  source.addEventListener('open', function () { if (opened++ > 0) detail.lines = []; });
  source.addEventListener('line', function (event) {
    var data = parse(event.data);
    if (!data || typeof data.line !== 'string') return;
    detail.lines.push(data.line);
    if (detail.lines.length > MAX_LINES) detail.lines.splice(0, detail.lines.length - MAX_LINES);
    if (!drawing) { drawing = true; requestAnimationFrame(draw); }
  });
  source.addEventListener('error', function () {
    if (source.readyState === EventSource.CLOSED && detail.logs === source) {
      detail.logs = null;
      $('follow').checked = false;
      notify('The log stream of ' + id + ' ended.', 'error');
    }
  });
}
function unfollow() {
  if (detail.logs) detail.logs.close();
  detail.logs = null;
}
`;
