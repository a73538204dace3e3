/**
 * Times and durations as the command line prints them. Every function takes the current time as an
 * argument, so the same input always prints the same text.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long ago `at` (RFC 3339) was, in its largest unit: `12s ago`, `3m ago`, `5h ago`, `2d ago`;
 * `-` for null. A time a little ahead of `now` (another machine's clock) reads `0s ago`.
 */
export function ago(at: string | null, now: number): string {
  if (at === null) return '-';
  const ms = Math.max(0, now - Date.parse(at));
  if (Number.isNaN(ms)) return '-';
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)}s ago`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)}m ago`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)}h ago`;
  return `${Math.floor(ms / DAY)}d ago`;
}

/**
 * The time left until `at` (RFC 3339) in its two largest units: `42s`, `9m 12s`, `2h 05m`,
 * `3d 04h`; `-` for null; `now` once it has passed (the sleeper acts on its next check).
 */
export function countdown(at: string | null, now: number): string {
  if (at === null) return '-';
  const ms = Date.parse(at) - now;
  if (Number.isNaN(ms)) return '-';
  if (ms < SECOND) return 'now';
  // Rounded up: a countdown shows 1s during the last second, not 0s.
  const s = Math.ceil(ms / SECOND);
  if (s < 60) return `${s}s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m ${pad2(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3_600)}h ${pad2(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d ${pad2(Math.floor(s / 3_600) % 24)}h`;
}

/** A duration in seconds with one decimal, `8.2s`; `-` for null. */
export function seconds(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${value.toFixed(1)}s` : '-';
}

/**
 * A time soon after `now`, as short as is unambiguous in `timeZone` (default: this machine's):
 * `16:00` on the same day, `Nov 27 16:00` on another.
 */
export function clockTime(at: string, now: number, timeZone?: string): string {
  const when = Date.parse(at);
  if (Number.isNaN(when)) return at;
  const day = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'short', day: 'numeric' });
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(when);
  if (day.format(when) === day.format(now)) return time;
  const date = new Intl.DateTimeFormat('en-US', { timeZone, month: 'short', day: 'numeric' }).format(when);
  return `${date} ${time}`;
}

/** An RFC 3339 time as `2026-11-27 02:00 UTC` (to the minute). */
export function utcMinute(at: string): string {
  const when = new Date(at);
  if (Number.isNaN(when.getTime())) return at;
  return `${when.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
