import { ACTIONS_SCRIPT } from './actions.js';
import { API_SCRIPT } from './api.js';
import { CHART_SCRIPT } from './chart.js';
import { DETAIL_SCRIPT } from './detail.js';
import { FORMAT_SCRIPT } from './format.js';
import { LIST_SCRIPT } from './list.js';
import { SUMMARY_SCRIPT } from './summary.js';

/**
 * The start of the dashboard's script: the page state (search, phase, page and open environment,
 * mirrored in the location hash), the live event stream, the one-second clock and the wiring.
 *
 * Live updates come from `EventSource('api/v1/events')`: `environment` views update the rows on
 * the page and the open panel in place, `removed` drops a row, `summary` redraws the header and
 * charts. Nothing is polled: the one-second timer only redraws times from what is known. After the
 * stream reconnects, the page and the panel are fetched once, for what was missed meanwhile.
 */
const MAIN_SCRIPT = String.raw`
var state = { q: '', phase: '', page: 1, env: null };

function readHash() {
  var p = new URLSearchParams(location.hash.replace(/^#/, ''));
  var phase = p.get('phase') || '';
  return {
    q: (p.get('q') || '').trim(),
    phase: PHASES.indexOf(phase) >= 0 ? phase : '',
    page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1),
    env: p.get('env') || null,
  };
}
function hashOf(s) {
  var p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.phase) p.set('phase', s.phase);
  if (s.page > 1) p.set('page', String(s.page));
  if (s.env) p.set('env', s.env);
  var text = p.toString();
  return text ? '#' + text : '';
}
/** Mirrors the state in the URL; push (a history entry) only for opening a panel. */
function writeHash(push) {
  var hash = hashOf(state);
  if (hash === location.hash || (hash === '' && location.hash.length <= 1)) return;
  var url = hash || location.pathname + location.search;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}
function onHashChange() {
  var next = readHash();
  var listChanged = next.q !== state.q || next.phase !== state.phase || next.page !== state.page;
  var envChanged = next.env !== state.env;
  state = next;
  syncControls();
  if (listChanged) loadList();
  if (envChanged) {
    if (state.env) openDetail(state.env);
    else closeDetail();
    markSelected();
  }
}
function syncControls() {
  var search = $('search');
  if (document.activeElement !== search && search.value !== state.q) search.value = state.q;
  $('phase-filter').value = state.phase;
  syncChips();
}
function markSelected() {
  rows.forEach(function (row) { row.tr.classList.toggle('selected', row.id === state.env); });
}
function openEnv(id) {
  state.env = id;
  writeHash(true);
  markSelected();
  openDetail(id);
}
function closeEnv() {
  var id = state.env;
  state.env = null;
  writeHash(false);
  markSelected();
  closeDetail();
  var row = id === null ? null : rows.get(id);
  if (row) row.tr.querySelector('a').focus();
}
function setPhaseFilter(phase) {
  state.phase = phase;
  state.page = 1;
  writeHash(false);
  syncControls();
  loadList();
}

function parse(text) {
  try { return JSON.parse(text); } catch (e) { return null; }
}
function setLive(kind, text) {
  var live = $('live');
  live.dataset.state = kind;
  setText(live, text);
}

var stream = null, failures = 0, missed = false, listed = false;
function connect() {
  var source = new EventSource('api/v1/events');
  stream = source;
  var fallback = setTimeout(firstList, 1500);
  function firstList() {
    clearTimeout(fallback);
    if (listed) return;
    listed = true;
    loadList();
  }
  source.addEventListener('open', function () {
    failures = 0;
    setLive('live', 'Live');
    // Listed once the stream is open, so that no change falls between the list and the stream.
    firstList();
    if (missed) {
      missed = false;
      loadList();
      if (detail.id !== null) loadDetail();
    }
  });
  source.addEventListener('error', function () {
    missed = true;
    firstList();
    if (source.readyState !== EventSource.CLOSED) {
      setLive('reconnecting', 'Reconnecting…');
      return;
    }
    // Refused outright (not a dropped stream, which the browser retries itself): try again later.
    source.close();
    failures++;
    var wait = Math.min(60, 2 * Math.pow(2, failures));
    setLive('offline', 'Live updates unavailable, retrying in ' + wait + ' s');
    setTimeout(connect, wait * 1000);
  });
  source.addEventListener('environment', function (event) {
    var view = parse(event.data);
    if (view && typeof view.id === 'string') applyView(view);
  });
  source.addEventListener('removed', function (event) {
    var data = parse(event.data);
    if (data && typeof data.id === 'string') removeRow(data.id);
  });
  source.addEventListener('summary', function (event) {
    var data = parse(event.data);
    if (data) showSummary(data);
  });
}

function start() {
  setUpSummary();
  setUpList();
  setUpDetail();
  setUpMenu();
  $('forget-token').hidden = storedToken() === null;
  $('forget-token').addEventListener('click', function () {
    storeToken(null);
    notify('The admin token is forgotten in this tab.');
  });
  $('notice-close').addEventListener('click', function () { $('notice').hidden = true; });
  var typing = null;
  $('search').addEventListener('input', function () {
    clearTimeout(typing);
    typing = setTimeout(function () {
      var q = $('search').value.trim();
      if (q === state.q) return;
      state.q = q;
      state.page = 1;
      writeHash(false);
      loadList();
    }, 200);
  });
  $('phase-filter').addEventListener('change', function () { setPhaseFilter($('phase-filter').value); });
  window.addEventListener('hashchange', onHashChange);
  window.addEventListener('popstate', onHashChange);
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && state.env && menuFor === null && !$('token-dialog').open) closeEnv();
  });
  state = readHash();
  syncControls();
  getJson('api/v1/summary').then(showSummary, function (error) { notify('Could not load the summary: ' + error.message, 'error'); });
  connect();
  if (state.env) openDetail(state.env);
  setInterval(function () {
    rows.forEach(tickRow);
    if (detail.id !== null) tickDetail();
  }, 1000);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
`;

/**
 * The dashboard's whole script, served as `/dashboard/app.<hash>.js`: plain browser JavaScript in
 * one function scope, from parts kept by role (formatting, API calls, charts, actions, panel,
 * table, header). Every piece of data reaches the page through `textContent` or SVG attributes.
 */
export const CLIENT_SCRIPT = `(function () {
'use strict';
${FORMAT_SCRIPT}${API_SCRIPT}${CHART_SCRIPT}${ACTIONS_SCRIPT}${DETAIL_SCRIPT}${LIST_SCRIPT}${SUMMARY_SCRIPT}${MAIN_SCRIPT}})();
`;
