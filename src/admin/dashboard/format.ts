/**
 * Client-side helpers shared by the dashboard's script parts (plain browser JavaScript, inside the
 * script's one function scope): the server clock, durations and times as text, and element
 * builders that only ever set text with `textContent`.
 */
export const FORMAT_SCRIPT = String.raw`
var PHASES = ['asleep', 'waking', 'awake', 'sleeping', 'failed'];
var GLYPHS = { asleep: '○', waking: '◐', awake: '●', sleeping: '◑', failed: '✕' };
/** Server clock minus this browser's, from the summary's "at": countdowns use the server's time. */
var skew = 0;
function now() { return Date.now() + skew; }
function ms(iso) { var t = iso ? Date.parse(iso) : NaN; return isFinite(t) ? t : null; }
function pad2(n) { return String(n).padStart(2, '0'); }
function hhmm(t) { var d = new Date(t); return pad2(d.getHours()) + ':' + pad2(d.getMinutes()); }
function stamp(t) {
  var d = new Date(t);
  return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + ' ' + pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
}
/** "12 s ago", "4 min ago", "3 h ago", "2 d ago". */
function ago(t) {
  var s = Math.floor((now() - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  if (s < 172800) return Math.floor(s / 3600) + ' h ago';
  return Math.floor(s / 86400) + ' d ago';
}
/** A clock-style countdown that changes every second: "4:07", "1:04:07", beyond two days "3 d 4 h". */
function countdown(t) {
  var s = Math.ceil((t - now()) / 1000);
  if (s <= 0) return 'due now';
  var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  if (h >= 48) return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
  return (h > 0 ? h + ':' + pad2(m) : String(m)) + ':' + pad2(r);
}
/** Seconds as text: "0.18 s", "12.4 s", "2 min 05 s"; a dash for null. */
function secs(x) {
  if (x === null || x === undefined || !isFinite(x)) return '—';
  if (x < 10) return x.toFixed(2) + ' s';
  if (x < 60) return x.toFixed(1) + ' s';
  return Math.floor(x / 60) + ' min ' + pad2(Math.round(x % 60)) + ' s';
}
/** A configured duration in seconds: "90 s", "10 min", "2 h", "1 h 30 min". */
function span(x) {
  if (x === null || x === undefined || !isFinite(x)) return 'never';
  if (x < 120 && x % 60 !== 0) return num(x, 1) + ' s';
  var m = Math.round(x / 60);
  if (m < 60) return m + ' min';
  return Math.floor(m / 60) + ' h' + (m % 60 ? ' ' + (m % 60) + ' min' : '');
}
function num(x, digits) {
  if (x === null || x === undefined || !isFinite(x)) return '—';
  return x.toLocaleString(undefined, { maximumFractionDigits: digits === undefined ? 1 : digits });
}
/** Hours with two decimals while small (a fresh start saves minutes), one beyond ten. */
function hours(x) { return num(x, x < 10 ? 2 : 1); }
function money(x, currency) {
  if (x === null || x === undefined || !isFinite(x)) return '—';
  if (/^[A-Z]{3}$/.test(currency || '')) {
    try { return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency }).format(x); } catch (e) { /* an unknown code: plain below */ }
  }
  return (currency ? currency + ' ' : '') + x.toFixed(2);
}
function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }
/** An element with a class and text (never HTML). */
function h(tag, className, text) {
  var e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function $(id) { return document.getElementById(id); }
var SVG_NS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  var e = document.createElementNS(SVG_NS, tag);
  for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
  if (text !== undefined) e.textContent = String(text);
  return e;
}
/** A phase badge: glyph and name, so the colour is never the only signal. */
function badge(phase) {
  var b = h('span', 'badge');
  setBadge(b, phase);
  return b;
}
function setBadge(b, phase) {
  if (b.dataset.phase === phase) return;
  b.dataset.phase = phase;
  b.textContent = '';
  var glyph = h('span', 'glyph', GLYPHS[phase] || '?');
  glyph.setAttribute('aria-hidden', 'true');
  b.append(glyph, document.createTextNode(phase));
}
function button(label, className) {
  var b = h('button', 'btn' + (className ? ' ' + className : ''), label);
  b.type = 'button';
  return b;
}
`;
