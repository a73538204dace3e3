import { describe, expect, it } from 'vitest';
import { EnvironmentHistory, HISTORY_SPAN_MS, wakePhases } from '../../../src/history/environment-history.js';
import { savingsOf, totalSavings } from '../../../src/history/savings.js';

const H = 3_600_000;
const costs = { perReplicaHour: 0.5, currency: 'USD' };

describe('asleep time and savings', () => {
  it('counts asleep stretches inside a window, an open one up to now, times the replicas each spared', () => {
    const h = new EnvironmentHistory();
    h.phaseChanged('asleep', 0, null, 3); // asleep 0–2h with 3 replicas
    h.phaseChanged('waking', 2 * H, null, 3);
    h.phaseChanged('awake', 2 * H + 1_000, null, 3);
    h.phaseChanged('sleeping', 5 * H, null, 2);
    h.phaseChanged('asleep', 5 * H + 1_000, null, 2); // asleep from 5h, still, with 2 replicas
    const now = 10 * H + 1_000;
    expect(h.asleepMs(0, now)).toBe(2 * H + 5 * H);
    expect(h.sparedReplicaMs(0, now)).toBe(2 * H * 3 + 5 * H * 2);
    // A window that starts inside the first stretch counts only its part.
    expect(h.asleepMs(H, now)).toBe(H + 5 * H);
    const s = savingsOf(h, costs, now);
    expect(s.last24h).toEqual({ asleepHours: 7, savedReplicaHours: 16, savedCost: 8 });
  });

  it('counts what an asleep stretch spares from its start when the replicas are learnt later', () => {
    const h = new EnvironmentHistory();
    h.phaseChanged('asleep', 0, null, 0); // the provider does not know the replicas yet
    h.sparing(3);
    h.phaseChanged('waking', 2 * H, null, 3);
    h.sparing(5); // awake again: the closed stretch keeps what it spared
    expect(h.sparedReplicaMs(0, 4 * H)).toBe(2 * H * 3);
  });

  it('keeps no cost when none is configured, and sums environments', () => {
    const a = new EnvironmentHistory();
    a.phaseChanged('asleep', 0, null, 1);
    const b = new EnvironmentHistory();
    b.phaseChanged('asleep', 0, null, 4);
    const none = { perReplicaHour: null, currency: 'USD' };
    const total = totalSavings([savingsOf(a, none, 2 * H), savingsOf(b, none, 2 * H)], none);
    expect(total.last24h).toEqual({ asleepHours: 4, savedReplicaHours: 10, savedCost: null });
  });

  it('forgets asleep stretches that ended before the longest window, and stays bounded in events and wakes', () => {
    const h = new EnvironmentHistory();
    let t = 0;
    for (let i = 0; i < 500; i++) {
      h.phaseChanged('asleep', t, null, 1);
      h.phaseChanged('awake', (t += H), null, 1);
      h.progress(`step ${i}`, t);
      h.beginWake(t, 'a request');
      t += H;
    }
    expect(h.events()).toHaveLength(50);
    expect(h.wakes()).toHaveLength(20);
    // 500 stretches of an hour each, every 2 hours; only those ending in the last 7 days are kept.
    const kept = h.asleepMs(0, t) / H;
    expect(kept).toBeGreaterThanOrEqual(HISTORY_SPAN_MS / (2 * H));
    expect(kept).toBeLessThanOrEqual(HISTORY_SPAN_MS / (2 * H) + 1);
  });
});

describe('wake phases', () => {
  it('splits a wake by its marks, leaving out what it did not reach', () => {
    const h = new EnvironmentHistory();
    const w = h.beginWake(1_000, 'a request');
    w.requestedAt = 1_050;
    w.startedUpAt = 3_050;
    w.readyAt = 4_050;
    w.firstByteAt = 4_070;
    expect(wakePhases(w)).toEqual({ scaleRequest: 0.05, start: 2, readiness: 1, firstByte: 0.02 });
    const unseen = h.beginWake(10_000, 'the API');
    unseen.requestedAt = 10_010;
    unseen.readyAt = 12_010;
    // No start mark (pods not visible): readiness counts from the scale request.
    expect(wakePhases(unseen)).toEqual({ scaleRequest: 0.01, start: null, readiness: 2, firstByte: null });
    expect(h.wakes()[0]).toBe(unseen);
  });
});
