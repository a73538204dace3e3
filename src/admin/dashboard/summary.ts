/**
 * The header and the charts, from the summary document (`GET /api/v1/summary`, then every
 * `summary` event): phase counts (each a button filtering the list), held requests against the
 * limit, hours asleep and replica-hours saved over 24 h and 7 days, money when a cost is set.
 */
export const SUMMARY_SCRIPT = String.raw`
var summary = null;
var chips = {};

function setUpSummary() {
  var box = $('phase-counts');
  PHASES.forEach(function (phase) {
    var chip = button('', 'chip');
    chip.className = 'chip';
    chip.dataset.phase = phase;
    chip.setAttribute('aria-pressed', 'false');
    var glyph = h('span', 'glyph', GLYPHS[phase]);
    glyph.setAttribute('aria-hidden', 'true');
    var count = h('b', null, '–');
    chip.append(glyph, document.createTextNode(phase + ' '), count);
    chip.addEventListener('click', function () { setPhaseFilter(state.phase === phase ? '' : phase); });
    chips[phase] = { el: chip, count: count };
    box.append(chip);
  });
  var plots = document.querySelector('.charts');
  var width = plots.clientWidth, queued = false;
  new ResizeObserver(function () {
    if (queued || plots.clientWidth === width) return;
    queued = true;
    requestAnimationFrame(function () {
      queued = false;
      width = plots.clientWidth;
      drawCharts();
    });
  }).observe(plots);
}

function syncChips() {
  PHASES.forEach(function (phase) { chips[phase].el.setAttribute('aria-pressed', String(state.phase === phase)); });
}

function showSummary(s) {
  summary = s;
  var at = ms(s.at);
  if (at !== null) skew = at - Date.now();
  var total = 0;
  PHASES.forEach(function (phase) {
    var n = (s.phases && s.phases[phase]) || 0;
    total += n;
    setText(chips[phase].count, num(n, 0));
  });
  setText($('total'), num(total, 0));
  setText($('held'), num(s.held, 0));
  setText($('held-limit'), num(s.heldLimit, 0));
  var day = (s.savings && s.savings.last24h) || {}, week = (s.savings && s.savings.last7d) || {};
  setText($('asleep-24h'), hours(day.asleepHours));
  setText($('asleep-7d'), hours(week.asleepHours) + ' h');
  setText($('saved-24h'), hours(day.savedReplicaHours));
  setText($('saved-7d'), hours(week.savedReplicaHours));
  var currency = s.savings ? s.savings.currency : null;
  $('money').hidden = !currency;
  $('money-7d').hidden = !currency;
  if (currency) {
    setText($('cost-24h'), money(day.savedCost, currency));
    setText($('cost-7d'), money(week.savedCost, currency));
    setText($('rate'), money(s.savings.perReplicaHour, currency) + ' per replica-hour');
  }
  drawCharts();
}

function drawCharts() {
  if (!summary) return;
  var to = ms(summary.at) || now();
  var from = to - 6 * 3600000;
  var wakes = (summary.wakeChart || []).filter(function (p) { return ms(p.at) !== null; });
  var last = wakes[wakes.length - 1];
  timeChart($('wake-chart'), {
    from: from, to: to, yTitle: 'seconds', integer: false,
    emptyText: 'No wakes in the last 6 hours.',
    label: last ? 'Wake duration: ' + plural(wakes.length, 'point', 'points') + ' (5-minute buckets); latest p50 ' + secs(last.p50) + ', p95 ' + secs(last.p95) : 'Wake duration',
    // p50 drawn last: where one wake makes both the same, its circle shows inside p95's square.
    series: [
      { key: 'p95', name: 'p95', marker: 'square', step: 0, points: wakes.map(function (p) { return [ms(p.at), p.p95]; }) },
      { key: 'p50', name: 'p50', marker: 'circle', step: 0, points: wakes.map(function (p) { return [ms(p.at), p.p50]; }) },
    ],
  });
  var held = (summary.heldChart || []).filter(function (p) { return ms(p.at) !== null; });
  var most = held.reduce(function (m, p) { return Math.max(m, p.max); }, 0);
  timeChart($('held-chart'), {
    from: from, to: to, yTitle: 'requests', integer: true, zeroIsEmpty: true,
    emptyText: 'No request was held in the last 6 hours.',
    label: 'Held requests per minute; the most at once: ' + most,
    // A minute is a sliver of six hours: its peak gets a marker too, so that it can be seen.
    series: [{ key: 'held', name: 'held', marker: 'circle', markNonZero: true, step: 60000, area: true, points: held.map(function (p) { return [ms(p.at), p.max]; }) }],
  });
}
`;
