/**
 * The environments table: one page (50 rows) of the searched, filtered list, fetched from the
 * server (`q`, `phase`, `offset`, `limit`). Rows are built once and updated in place from views;
 * the relative times and the countdown to sleep are redrawn every second from the view's times.
 */
export const LIST_SCRIPT = String.raw`
var LIMIT = 50;
/** id → { view, tr, cells…, buttons } of the rows on the page. */
var rows = new Map();
var listTotal = 0;
var listLoading = null;

function viewOf(id) {
  var row = rows.get(id);
  if (row) return row.view;
  return detail.view && detail.view.id === id ? detail.view : null;
}

function sleepsText(view, long) {
  if (view.phase !== 'awake') return '—';
  var at = ms(view.sleepsAt);
  if (at !== null) return long ? countdown(at) + ' (at ' + hhmm(at) + ')' : countdown(at);
  if (view.kind === 'static') return long ? 'never: a static environment is always up' : 'never';
  if (view.idleAfterSeconds === null) return 'never';
  return long ? 'not while requests are in flight' : '—';
}

function createRow(view) {
  var tr = h('tr');
  tr.dataset.id = view.id;
  var idCell = h('th', 'id');
  idCell.scope = 'row';
  var link = h('a', null, view.id);
  link.href = '#env=' + encodeURIComponent(view.id);
  var meta = h('span', 'meta');
  idCell.append(link, meta);
  var phaseCell = h('td', 'c-phase');
  var b = badge(view.phase);
  var step = h('span', 'step');
  phaseCell.append(b, step);
  var row = {
    id: view.id, view: view, tr: tr, meta: meta, badge: b, step: step,
    activity: h('td', 'time c-activity'), sleeps: h('td', 'time c-sleeps'), wake: h('td', 'num c-wake'),
    replicas: h('td', 'num c-replicas'), keep: h('td', 'c-keep'), keepUntil: h('span', 'time'), keepBy: h('span', 'meta'),
    buttons: { wake: button('Wake'), sleep: button('Sleep'), keep: button('Keep awake') },
  };
  row.sleeps.dataset.col = 'sleeps';
  row.keep.append(row.keepUntil, row.keepBy);
  var actions = h('td', 'c-actions');
  var box = h('div', 'actions');
  ['wake', 'sleep', 'keep'].forEach(function (k) {
    var btn = row.buttons[k];
    btn.dataset.action = k;
    btn.dataset.env = view.id;
    box.append(btn);
  });
  row.buttons.keep.setAttribute('aria-haspopup', 'menu');
  row.buttons.keep.setAttribute('aria-expanded', 'false');
  actions.append(box);
  tr.append(idCell, phaseCell, row.activity, row.sleeps, row.wake, row.replicas, row.keep, actions);
  updateRow(row, view);
  return row;
}

function setText(el, text, title) {
  if (el.textContent !== text) el.textContent = text;
  if (title !== undefined && el.title !== title) el.title = title;
}

function updateRow(row, view) {
  row.view = view;
  var hosts = view.hosts || [];
  setText(row.meta, view.kind + (hosts.length ? ' · ' + hosts[0] + (hosts.length > 1 ? ' +' + (hosts.length - 1) : '') : ''), hosts.join('\n'));
  setBadge(row.badge, view.phase);
  var step = view.phase === 'waking' ? (view.wakeStep || 'starting') : view.phase === 'failed' ? (view.lastError || view.reason || '') : '';
  setText(row.step, step, step);
  row.step.hidden = step === '';
  setText(row.wake, secs(view.lastWakeSeconds));
  setText(row.replicas, view.replicas ? view.replicas.current + ' / ' + view.replicas.awake : '—', view.replicas ? 'running now / when awake' : 'a static environment');
  syncButtons(row.buttons, view);
  row.tr.classList.toggle('selected', view.id === state.env);
  tickRow(row);
}

function tickRow(row) {
  var view = row.view;
  var last = ms(view.lastActivity);
  setText(row.activity, last === null ? '—' : ago(last), last === null ? 'no request yet' : stamp(last));
  var at = ms(view.sleepsAt);
  setText(row.sleeps, sleepsText(view, false), at === null ? '' : 'at ' + stamp(at));
  var until = keptUntil(view);
  setText(row.keepUntil, until === null ? '—' : 'until ' + hhmm(until), until === null ? '' : 'kept awake until ' + stamp(until));
  setText(row.keepBy, until === null ? '' : 'by ' + view.keepAwake.by);
  row.keepBy.hidden = until === null;
}

function refreshButtons(id) {
  var row = rows.get(id);
  if (row) syncButtons(row.buttons, row.view);
  if (detail.id === id && detail.view) syncButtons(detail.buttons, detail.view);
}

/** Whether a view belongs in the list as searched and filtered (the server's rule). */
function matches(view) {
  if (state.phase && view.phase !== state.phase) return false;
  if (!state.q) return true;
  var q = state.q.toLowerCase();
  return view.id.toLowerCase().indexOf(q) >= 0 || (view.hosts || []).some(function (host) { return host.toLowerCase().indexOf(q) >= 0; });
}

function loadList() {
  if (listLoading) listLoading.abort();
  var ctl = new AbortController();
  listLoading = ctl;
  var params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.phase) params.set('phase', state.phase);
  params.set('offset', String((state.page - 1) * LIMIT));
  params.set('limit', String(LIMIT));
  $('rows').setAttribute('aria-busy', 'true');
  return getJson('api/v1/environments?' + params.toString(), ctl.signal).then(function (doc) {
    if (listLoading !== ctl) return;
    listLoading = null;
    $('rows').removeAttribute('aria-busy');
    if (doc.environments.length === 0 && doc.total > 0 && state.page > 1) {
      state.page = Math.ceil(doc.total / LIMIT);
      writeHash(false);
      return loadList();
    }
    renderList(doc.environments, doc.total);
  }, function (error) {
    if (error.name === 'AbortError' || listLoading !== ctl) return;
    listLoading = null;
    $('rows').removeAttribute('aria-busy');
    listMessage('Could not load the environments: ' + error.message);
  });
}

var refreshTimer = null;
/** Fetch the page again soon: an environment joined or left it. At most one fetch per 2 s. */
function refreshListSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(function () { refreshTimer = null; loadList(); }, 2000);
}

function listMessage(text) {
  rows.clear();
  var tr = h('tr');
  var td = h('td', 'empty', text);
  td.colSpan = 8;
  tr.append(td);
  $('rows').replaceChildren(tr);
  showRange();
}

function renderList(views, total) {
  rows.clear();
  listTotal = total;
  if (views.length === 0) {
    listMessage(state.q || state.phase ? 'No environment matches.' : 'No environments yet.');
    return;
  }
  var fragment = document.createDocumentFragment();
  views.forEach(function (view) {
    seenPhases.set(view.id, view.phase);
    var row = createRow(view);
    rows.set(view.id, row);
    fragment.append(row.tr);
  });
  $('rows').replaceChildren(fragment);
  showRange();
}

function showRange() {
  var first = (state.page - 1) * LIMIT;
  $('range').textContent = listTotal === 0 || rows.size === 0 ? '' : (first + 1) + '–' + (first + rows.size) + ' of ' + num(listTotal, 0) + (listTotal === 1 ? ' environment' : ' environments');
  $('prev').disabled = state.page <= 1;
  $('next').disabled = first + rows.size >= listTotal;
}

/** The last phase seen of each environment, to tell when one enters the phase filtered for. */
var seenPhases = new Map();

/**
 * A view from the event stream or from an answer: its row, if on the page, is updated in place.
 * The page is fetched again (soon, once) only when the view changes what belongs on it: a row
 * leaves the phase filtered for, or another environment enters it, or one appears while the page
 * has room.
 */
function applyView(view) {
  var row = rows.get(view.id);
  var before = row ? row.view.phase : seenPhases.get(view.id);
  seenPhases.set(view.id, view.phase);
  if (row) {
    updateRow(row, view);
    if (state.phase && view.phase !== state.phase) refreshListSoon();
  } else if (matches(view) && (rows.size < LIMIT || (state.phase && before !== view.phase))) refreshListSoon();
  if (detail.id === view.id) detailChanged(view);
}

function removeRow(id) {
  var row = rows.get(id);
  if (row) {
    row.tr.remove();
    rows.delete(id);
    listTotal = Math.max(0, listTotal - 1);
    showRange();
    if (listTotal > (state.page - 1) * LIMIT + rows.size) refreshListSoon();
  }
  if (detail.id === id) $('detail-reason').textContent = 'This environment is gone.';
}

function setUpList() {
  $('rows').addEventListener('click', function (event) {
    var btn = event.target.closest('button');
    var tr = event.target.closest('tr[data-id]');
    if (!tr) return;
    var id = tr.dataset.id;
    if (btn) {
      if (btn.disabled) return;
      if (btn.dataset.action === 'keep') {
        if (menuFor === id) closeMenu(true);
        else openMenu(btn, id);
      } else act(id, btn.dataset.action);
      return;
    }
    // Any other click on the row opens its panel; a modified click on the link opens a tab.
    var link = event.target.closest('a');
    if (link && (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0)) return;
    event.preventDefault();
    openEnv(id);
  });
  $('prev').addEventListener('click', function () { goToPage(state.page - 1); });
  $('next').addEventListener('click', function () { goToPage(state.page + 1); });
}
function goToPage(page) {
  state.page = Math.max(1, page);
  writeHash(false);
  loadList();
}
`;
