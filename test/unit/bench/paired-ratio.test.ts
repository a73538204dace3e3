import { describe, expect, it } from 'vitest';
import { pairedRatio } from '../../../bench/lib/stats.js';
import { evaluateTargets } from '../../../bench/lib/targets.js';
import type { BenchResults } from '../../../bench/lib/results.js';
import type { ThroughputReport, ThroughputRun } from '../../../bench/scenarios/throughput.js';

type Peer = ThroughputRun['peer'];

function run(round: number, peer: Peer, requestsPerSecond: number | null): ThroughputRun {
  return {
    round,
    peer,
    ok: requestsPerSecond !== null,
    failure: requestsPerSecond === null ? 'Socket errors: connect 1' : null,
    requestsPerSecond,
    requests: requestsPerSecond === null ? null : requestsPerSecond * 6,
    latencyMs: { p50: 1, p75: 1, p90: 1, p99: 2 },
    non2xx: 0,
    socketErrors: null,
    raw: '',
  };
}

// The per-round figures of a full run on 2026-11-26 (bench/results/2026-11-26T23-10-22Z.json), when the
// host slowed down in rounds 1 and 2: wakegate's median came from round 1, http-proxy's from round 2.
const drifting: ThroughputRun[] = [
  run(1, 'wakegate', 14_591.64), run(1, 'nginx', 25_267.17), run(1, 'http-proxy', 6_904.1),
  run(2, 'wakegate', 14_294.82), run(2, 'nginx', 26_512.78), run(2, 'http-proxy', 10_048.6),
  run(3, 'wakegate', 23_058.48), run(3, 'nginx', 38_968.27), run(3, 'http-proxy', 10_114.64),
];

function resultsOf(runs: ThroughputRun[], paired: boolean): Omit<BenchResults, 'targets'> {
  const medianOf = (rps: number) => ({ requestsPerSecond: rps, p50Ms: 1, p99Ms: 2, okRuns: 3, failedRuns: 0 });
  const throughput: ThroughputReport = {
    options: { rounds: 3, durationSeconds: 6, warmupSeconds: 2, connections: 50 },
    runs,
    medians: { wakegate: medianOf(14_592), nginx: medianOf(26_513), 'http-proxy': medianOf(10_049) },
    ratios: { 'wakegate / nginx': 0.55, 'wakegate / http-proxy': 1.452 },
    ...(paired ? { paired: { 'wakegate / nginx': pairedRatio(runs, 'wakegate', 'nginx'), 'wakegate / http-proxy': pairedRatio(runs, 'wakegate', 'http-proxy') } } : {}),
    failures: [],
  };
  return { throughput, latency: null, routeLookup: null } as unknown as Omit<BenchResults, 'targets'>;
}

describe('ratios of paths measured side by side', () => {
  it('are taken round by round, and their median does not pair one path’s slow round with another’s fast one', () => {
    const pair = pairedRatio(drifting, 'wakegate', 'http-proxy');
    expect(pair.perRound).toEqual([2.113, 1.423, 2.28]);
    expect(pair.median).toBe(2.113);
  });

  it('leave out a round in which either side failed, and have no median when no round had both', () => {
    const runs = [run(1, 'wakegate', 20_000), run(1, 'nginx', null), run(2, 'wakegate', 21_000), run(2, 'nginx', 40_000), run(3, 'wakegate', null), run(3, 'nginx', 38_000)];
    expect(pairedRatio(runs, 'wakegate', 'nginx')).toEqual({ perRound: [null, 0.525, null], median: 0.525 });
    expect(pairedRatio([run(1, 'wakegate', 20_000)], 'wakegate', 'nginx')).toEqual({ perRound: [null], median: null });
  });

  it('judge the throughput targets, naming each round and both medians', () => {
    const [nginx, httpProxy] = evaluateTargets(resultsOf(drifting, true));
    expect(httpProxy).toMatchObject({ id: 'a-vs-http-proxy', status: 'PASS' });
    expect(httpProxy!.measured).toBe('2.11 × http-proxy (median of 2.11, 1.42, 2.28 per round; medians 14,592 / 10,049 req/s)');
    expect(nginx).toMatchObject({ id: 'a-vs-nginx', status: 'PASS' });
    expect(nginx!.measured).toContain('median of 0.58, 0.54, 0.59 per round');
  });

  it('fail a target whose per-round median falls short, whatever the medians say', () => {
    const slow = drifting.map((r) => (r.peer === 'wakegate' && r.round !== 1 ? run(r.round, 'wakegate', 15_000) : r));
    const [, httpProxy] = evaluateTargets(resultsOf(slow, true));
    expect(httpProxy).toMatchObject({ status: 'FAIL' });
    expect(httpProxy!.measured).toMatch(/^1\.49 × http-proxy/);
  });

  it('fall back to the ratio of the medians for results saved before paired ratios existed', () => {
    const [, httpProxy] = evaluateTargets(resultsOf(drifting, false));
    expect(httpProxy).toMatchObject({ status: 'FAIL', measured: '1.45 × http-proxy (medians 14,592 / 10,049 req/s)' });
  });
});
