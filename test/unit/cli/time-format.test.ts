import { describe, expect, it } from 'vitest';
import { ago, clockTime, countdown, seconds, utcMinute } from '../../../src/cli/time-format.js';

const NOW = Date.parse('2026-11-26T15:00:00.000Z');
const at = (offsetMs: number): string => new Date(NOW + offsetMs).toISOString();

describe('relative times', () => {
  it.each([
    [0, '0s ago'],
    [-999, '0s ago'],
    [-12_400, '12s ago'],
    [-59_999, '59s ago'],
    [-60_000, '1m ago'],
    [-3 * 60_000 - 59_000, '3m ago'],
    [-2 * 3_600_000, '2h ago'],
    [-3 * 86_400_000, '3d ago'],
    [5_000, '0s ago'], // a clock a little ahead
  ])('reads a time %i ms from now as %j', (offset, expected) => {
    expect(ago(at(offset), NOW)).toBe(expected);
  });

  it('reads no time as a dash', () => {
    expect(ago(null, NOW)).toBe('-');
  });
});

describe('countdowns', () => {
  it.each([
    [552_000, '9m 12s'],
    [42_000, '42s'],
    [41_200, '42s'], // rounded up: the last second shows 1s, not 0s
    [60_000, '1m 00s'],
    [3_600_000 + 5 * 60_000, '1h 05m'],
    [2 * 86_400_000 + 4 * 3_600_000, '2d 04h'],
    [400, 'now'],
    [-30_000, 'now'],
  ])('counts %i ms down as %j', (offset, expected) => {
    expect(countdown(at(offset), NOW)).toBe(expected);
  });

  it('reads no time as a dash', () => {
    expect(countdown(null, NOW)).toBe('-');
  });
});

describe('durations and clock times', () => {
  it('prints a wake duration to a tenth of a second, and a dash for none', () => {
    expect(seconds(8.24)).toBe('8.2s');
    expect(seconds(0.04)).toBe('0.0s');
    expect(seconds(125)).toBe('125.0s');
    expect(seconds(null)).toBe('-');
    expect(seconds(undefined)).toBe('-');
  });

  it('shows a keep-awake end as the time of day on the same day, with the date on another', () => {
    expect(clockTime('2026-11-26T16:00:00Z', NOW, 'UTC')).toBe('16:00');
    expect(clockTime('2026-11-27T02:00:00Z', NOW, 'UTC')).toBe('Nov 27 02:00');
    // The day is the day where the reader is: 02:00 UTC is still the 26th in New York.
    expect(clockTime('2026-11-27T02:00:00Z', NOW, 'America/New_York')).toBe('21:00');
  });

  it('prints a time to the minute in UTC', () => {
    expect(utcMinute('2026-11-27T02:00:41.5Z')).toBe('2026-11-27 02:00 UTC');
    expect(utcMinute('2026-11-27T03:00:00+01:00')).toBe('2026-11-27 02:00 UTC');
  });
});
