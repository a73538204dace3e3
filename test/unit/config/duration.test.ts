import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['0s', 0],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['1s500ms', 1_500],
    ['1d2h3m4s5ms', 93_784_005],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ['30', /no unit \(write 30s or 30ms\)/],
    ['-5s', /negative/],
    ['10min', /"min" is not a unit/],
    ['5x', /"x" is not a unit/],
    ['1.5s', /not a whole number/],
    ['30 s', /space/],
    ['30m1h', /largest unit down/],
    ['5m5m', /each unit once/],
    ['', /empty/],
    ['soon', /"soon" is not a number with a unit/],
    ['99999999999999999d', /too large/],
  ])('refuses %j and says why', (text, reason) => {
    const result = parseDuration(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [30_000, '30s'],
    [90_000, '90s'],
    [120_000, '2m'],
    [5_400_000, '90m'],
    [86_400_000, '1d'],
    [3_723_000, '3723s'],
    [3_600_001, '1h1ms'],
    [1_500, '1500ms'],
  ])('prints %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('prints text that parses back to the same milliseconds', () => {
    for (const ms of [1, 999, 1_001, 61_000, 3_600_001, 90_061_001, 7 * 86_400_000]) {
      expect(parseDuration(formatDuration(ms))).toEqual({ ok: true, ms });
    }
  });

  it('refuses values that are not whole non-negative milliseconds', () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
    expect(() => formatDuration(1.5)).toThrow(RangeError);
    expect(() => formatDuration(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
