/**
 * Durations as the config file writes them: an integer with a unit (`250ms`, `30s`, `5m`, `2h`, `7d`),
 * or several such parts from the largest unit down (`1h30m`, `2m30s`, `1s500ms`). Values are milliseconds.
 * Bare numbers are refused on purpose: `timeout: 30` could mean seconds or milliseconds.
 */

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;

/** Largest first: the order parts must appear in, and the order `formatDuration` tries. */
const UNITS: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];

export const DURATION_FORMS = 'an integer with a unit ms, s, m, h or d, such as 250ms, 30s, 5m, 2h or 1h30m';

/** Sticky, and a unit must end where the next number (or the text) begins: `10min` is an unknown unit, not `10m` + junk. */
const PART = /(\d+)(ms|s|m|h|d)(?=\d|$)/y;

export type DurationResult = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly reason: string };

export function parseDuration(text: string): DurationResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: 'it is empty' };
  if (/^[-+]?\d+(\.\d+)?$/.test(trimmed)) return { ok: false, reason: `it has no unit (write ${trimmed}s or ${trimmed}ms)` };
  if (trimmed.startsWith('-')) return { ok: false, reason: 'it is negative' };

  let ms = 0;
  let position = 0;
  let previous = -1;
  while (position < trimmed.length) {
    PART.lastIndex = position;
    const match = PART.exec(trimmed);
    if (match === null) return { ok: false, reason: describeBadPart(trimmed.slice(position)) };
    const [whole, digits, unit] = match as unknown as [string, string, Unit];
    const rank = UNITS.indexOf(unit);
    if (rank <= previous) return { ok: false, reason: 'its parts do not go from the largest unit down, each unit once' };
    previous = rank;
    ms += Number(digits) * UNIT_MS[unit];
    position += whole.length;
  }
  if (!Number.isSafeInteger(ms)) return { ok: false, reason: 'it is too large' };
  return { ok: true, ms };
}

function describeBadPart(rest: string): string {
  if (/^\d+\.\d/.test(rest)) return 'it is not a whole number (write 1500ms, not 1.5s)';
  if (/^\d+\s/.test(rest)) return 'it has a space between number and unit';
  const unit = /^\d+(\D+?)(?=\d|$)/.exec(rest);
  if (unit?.[1] !== undefined) return `"${unit[1]}" is not a unit`;
  return `"${rest}" is not a number with a unit`;
}

/** The shortest text that `parseDuration` reads back as `ms` (`90000` → `90s`, `3600001` → `1h1ms`). */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`not a duration in milliseconds: ${ms}`);
  if (ms === 0) return '0s';
  const largestExact = UNITS.find((unit) => ms % UNIT_MS[unit] === 0) ?? 'ms';
  const single = `${ms / UNIT_MS[largestExact]}${largestExact}`;
  let rest = ms;
  let combined = '';
  for (const unit of UNITS) {
    const count = Math.floor(rest / UNIT_MS[unit]);
    if (count > 0) combined += `${count}${unit}`;
    rest -= count * UNIT_MS[unit];
  }
  return single.length <= combined.length ? single : combined;
}
