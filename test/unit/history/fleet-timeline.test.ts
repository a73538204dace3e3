import { describe, expect, it } from 'vitest';
import { FleetTimeline } from '../../../src/history/fleet-timeline.js';

const MIN = 60_000;

describe('the fleet timeline', () => {
  it('charts wakes per 5 minutes with nearest-rank p50 and p95, oldest first, over the last 6 hours', () => {
    const t = new FleetTimeline();
    const base = 100 * 5 * MIN;
    t.wakeSucceeded(base - 7 * 60 * MIN, 99); // older than 6 h: not charted
    for (const s of [1, 2, 3, 4, 10]) t.wakeSucceeded(base + MIN, s);
    t.wakeSucceeded(base + 6 * MIN, 7);
    const chart = t.wakeChart(base + 10 * MIN);
    expect(chart).toEqual([
      { at: base, count: 5, p50: 3, p95: 10 },
      { at: base + 5 * MIN, count: 1, p50: 7, p95: 7 },
    ]);
  });

  it('keeps the most requests held at once per minute, 360 minutes, zero where nothing was held', () => {
    const t = new FleetTimeline();
    const start = 1_000 * MIN;
    t.held(3, start + 1_000);
    t.held(9, start + 2_000);
    t.held(0, start + 3_000);
    t.held(2, start + MIN + 5);
    const chart = t.heldChart(start + 2 * MIN + 10);
    expect(chart).toHaveLength(360);
    expect(chart.at(-3)).toEqual({ at: start, max: 9 });
    expect(chart.at(-2)).toEqual({ at: start + MIN, max: 2 });
    // The current minute with no change yet shows what is held now.
    expect(chart.at(-1)).toEqual({ at: start + 2 * MIN, max: 2 });
    expect(chart[0]!.max).toBe(0);
    expect(t.heldNow).toBe(2);
  });
});
