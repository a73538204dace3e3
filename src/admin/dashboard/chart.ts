/**
 * Hand-written SVG charts for the dashboard (no library): a time-series chart with axes, grid,
 * tick labels and an axis title, and the stacked bar of one wake's phases. Series are told apart by
 * line style and marker shape as well as colour; every label is text content.
 */
export const CHART_SCRIPT = String.raw`
/** The smallest 1, 2, 2.5 or 5 times a power of ten at least x. */
function niceStep(x) {
  if (!(x > 0)) return 1;
  var p = Math.pow(10, Math.floor(Math.log10(x)));
  var n = x / p;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * p;
}
function decimalsOf(step) {
  for (var d = 0; d < 4; d++) { var v = step * Math.pow(10, d); if (Math.abs(v - Math.round(v)) < 1e-9) return d; }
  return 3;
}
/**
 * Draws spec into host (emptied first), or spec.emptyText when no series has a point worth showing.
 * spec: { from, to (ms), yTitle, integer, zeroIsEmpty, label, emptyText, series: [{ key, name,
 * points: [[t, v]], marker: 'circle' | 'square' | null, step: ms each point lasts (drawn as steps)
 * or 0 (points joined by lines), area: bool, markNonZero: bool (markers only where v > 0) }] }.
 */
function timeChart(host, spec) {
  host.textContent = '';
  var max = 0, count = 0;
  spec.series.forEach(function (s) { s.points.forEach(function (p) { count++; if (p[1] > max) max = p[1]; }); });
  if (count === 0 || (spec.zeroIsEmpty && max === 0)) {
    host.append(h('p', 'empty', spec.emptyText));
    return;
  }
  var W = Math.max(280, Math.floor(host.clientWidth || 560)), H = 190;
  var L = 48, R = 14, T = 10, B = 26;
  var step = niceStep(max / 4);
  if (spec.integer) step = Math.max(1, Math.ceil(step));
  var top = step * Math.max(1, Math.ceil(max / step - 1e-9));
  var span = Math.max(1, spec.to - spec.from);
  function x(t) { return L + ((t - spec.from) / span) * (W - L - R); }
  function y(v) { return H - B - (v / top) * (H - T - B); }
  var root = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': spec.label });
  var digits = decimalsOf(step);
  for (var v = 0; v <= top + 1e-9; v += step) {
    root.append(svg('line', { class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    root.append(svg('text', { class: 'tick', x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, v.toFixed(digits)));
  }
  root.append(svg('text', { class: 'axis-title', transform: 'translate(11 ' + (T + (H - T - B) / 2) + ') rotate(-90)', 'text-anchor': 'middle' }, spec.yTitle));
  root.append(svg('line', { class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
  var hour = 3600000;
  var every = W < 420 ? 2 * hour : hour;
  for (var t = Math.ceil(spec.from / every) * every; t <= spec.to; t += every) {
    root.append(svg('line', { class: 'axis', x1: x(t), x2: x(t), y1: H - B, y2: H - B + 4 }));
    root.append(svg('text', { class: 'tick', x: x(t), y: H - B + 16, 'text-anchor': 'middle' }, hhmm(t)));
  }
  spec.series.forEach(function (s) {
    if (s.points.length === 0) return;
    var d = '';
    s.points.forEach(function (p, i) {
      var px = x(p[0]).toFixed(1), py = y(p[1]).toFixed(1);
      if (i === 0) d = 'M' + px + ' ' + py;
      else d += s.step ? ' H' + px + ' V' + py : ' L' + px + ' ' + py;
    });
    if (s.step) d += ' H' + x(Math.min(spec.to, s.points[s.points.length - 1][0] + s.step)).toFixed(1);
    if (s.area) {
      var first = x(s.points[0][0]).toFixed(1);
      root.append(svg('path', { class: 'area k-' + s.key, d: d + ' V' + y(0).toFixed(1) + ' H' + first + ' Z' }));
    }
    root.append(svg('path', { class: 'line k-' + s.key, d: d }));
    if (!s.marker) return;
    s.points.forEach(function (p) {
      if (s.markNonZero && !(p[1] > 0)) return;
      var cx = x(Math.min(spec.to, p[0] + (s.step ? s.step / 2 : 0))), cy = y(p[1]);
      var mark = s.marker === 'circle'
        ? svg('circle', { class: 'mark k-' + s.key, cx: cx, cy: cy, r: 3 })
        : svg('rect', { class: 'mark k-' + s.key, x: cx - 4.5, y: cy - 4.5, width: 9, height: 9 });
      mark.append(svg('title', {}, s.name + ' ' + hhmm(p[0]) + ': ' + p[1].toFixed(digits + 1)));
      root.append(mark);
    });
  });
  host.append(root);
}

var WAKE_PHASES = [['scaleRequest', 'scale request'], ['start', 'start'], ['readiness', 'readiness'], ['firstByte', 'first byte']];
/** One wake's phases as a stacked bar, scaled so that scaleMax seconds fill the width. */
function wakeBar(phases, scaleMax) {
  var W = 300;
  var bar = svg('svg', { class: 'bar', viewBox: '0 0 ' + W + ' 12', preserveAspectRatio: 'none', role: 'img' });
  var x = 0, parts = [];
  WAKE_PHASES.forEach(function (p) {
    var v = phases ? phases[p[0]] : null;
    if (v === null || v === undefined || !(v > 0)) return;
    var w = Math.max(1, (v / scaleMax) * W);
    var rect = svg('rect', { class: 'seg-' + p[0], x: x.toFixed(2), y: 0, width: w.toFixed(2), height: 12 });
    rect.append(svg('title', {}, p[1] + ': ' + secs(v)));
    bar.append(rect);
    x += w;
    parts.push(p[1] + ' ' + secs(v));
  });
  bar.setAttribute('aria-label', parts.length ? parts.join(', ') : 'no phase recorded');
  return bar;
}
function wakeLegend(list) {
  list.textContent = '';
  WAKE_PHASES.forEach(function (p) {
    var item = h('li');
    var key = svg('svg', { width: 12, height: 12, viewBox: '0 0 12 12', 'aria-hidden': 'true' });
    key.append(svg('rect', { class: 'seg-' + p[0], x: 0, y: 0, width: 12, height: 12, rx: 2 }));
    item.append(key, document.createTextNode(p[1]));
    list.append(item);
  });
}
`;
