/**
 * The acceptance targets of the issue, each judged PASS / FAIL from one run's results, or N/A when the
 * run did not measure it (scenario not run, wakegate or the peer skipped). A target whose wakegate runs
 * had any failure is FAIL: "with 0 errors" is part of every throughput and latency target.
 */
import { FLAT_FACTOR, FLAT_KINDS } from '../scenarios/route-lookup.js';
import type { BenchResults, TargetResult } from './results.js';
import { fmtInt } from './format.js';

export const TARGETS = {
  throughputVsNginx: 0.5,
  throughputVsHttpProxy: 2,
  addedP50Ms: 0.5,
  addedP99Ms: 2,
  maxRssMb10kRoutes: 100,
} as const;

export function evaluateTargets(results: Omit<BenchResults, 'targets'>): TargetResult[] {
  return [...throughputTargets(results), ...latencyTargets(results), ...routeTargets(results)];
}

function throughputTargets({ throughput }: Omit<BenchResults, 'targets'>): TargetResult[] {
  const wakegate = throughput?.medians.wakegate;
  const failed = wakegate !== undefined && (wakegate.failedRuns > 0 || wakegate.okRuns === 0);
  const versus = (peer: 'nginx' | 'http-proxy', factor: number): TargetResult => {
    const id = `a-vs-${peer}`;
    const description = `(a) throughput on one core ≥ ${factor} × ${peer}, 0 errors`;
    const mine = wakegate?.requestsPerSecond ?? null;
    const theirs = throughput?.medians[peer]?.requestsPerSecond ?? null;
    if (throughput === null) return na(id, 'a', description, 'scenario not run');
    if (wakegate === undefined) return na(id, 'a', description, 'wakegate not measured');
    if (theirs === null) return na(id, 'a', description, `${peer} not measured`);
    if (failed || mine === null) return fail(id, 'a', description, `${wakegate.failedRuns} failed wakegate run(s)`);
    const value = mine / theirs;
    const measured = `${value.toFixed(2)} × ${peer} (${fmtInt(mine)} / ${fmtInt(theirs)} req/s)`;
    return { id, scenario: 'a', description, measured, status: value >= factor ? 'PASS' : 'FAIL' };
  };
  return [versus('nginx', TARGETS.throughputVsNginx), versus('http-proxy', TARGETS.throughputVsHttpProxy)];
}

function latencyTargets({ latency }: Omit<BenchResults, 'targets'>): TargetResult[] {
  const wakegate = latency?.medians.wakegate;
  const added = latency?.addedOverDirect.wakegate;
  const one = (key: 'p50' | 'p99', limit: number): TargetResult => {
    const id = `b-added-${key}`;
    const description = `(b) added ${key} at 1 000 req/s ≤ +${limit} ms over direct, 0 errors`;
    if (latency === null) return na(id, 'b', description, 'scenario not run');
    if (wakegate === undefined) return na(id, 'b', description, 'wakegate not measured');
    if (latency.medians.direct === undefined) return na(id, 'b', description, 'direct not measured');
    if (wakegate.failedRuns > 0 || wakegate.okRuns === 0) {
      return fail(id, 'b', description, `${wakegate.failedRuns} failed wakegate run(s)`);
    }
    const value = added?.[key] ?? null;
    if (value === null) return na(id, 'b', description, 'no figure');
    const measured = `${value >= 0 ? '+' : ''}${value.toFixed(2)} ms (${wakegate[key]} vs ${latency.medians.direct[key]} ms)`;
    return { id, scenario: 'b', description, measured, status: value <= limit ? 'PASS' : 'FAIL' };
  };
  return [one('p50', TARGETS.addedP50Ms), one('p99', TARGETS.addedP99Ms)];
}

function routeTargets({ routeLookup }: Omit<BenchResults, 'targets'>): TargetResult[] {
  const flatId = 'c-flat';
  const flatDescription = `(c) lookup cost flat from 10 to 10 000 routes (exact, wildcard, miss: ≤ ${FLAT_FACTOR}× growth)`;
  const rssId = 'c-rss';
  const rssDescription = `(c) RSS at 10 000 routes ≤ ${TARGETS.maxRssMb10kRoutes} MB (after build and after 100 000 random lookups)`;
  if (routeLookup === null) return [na(flatId, 'c', flatDescription, 'scenario not run'), na(rssId, 'c', rssDescription, 'scenario not run')];

  const sizes = routeLookup.sizes;
  const smallest = sizes[0];
  const largest = sizes[sizes.length - 1];
  let flat: TargetResult;
  if (routeLookup.failures.length > 0) {
    flat = fail(flatId, 'c', flatDescription, `${routeLookup.failures.length} size(s) failed`);
  } else if (smallest === undefined || largest === undefined || sizes.length < 2) {
    flat = na(flatId, 'c', flatDescription, 'fewer than two sizes measured');
  } else {
    const parts = FLAT_KINDS.map((kind) => `${kind} ${routeLookup.growth[kind]?.toFixed(2) ?? '?'}×`);
    const ok = FLAT_KINDS.every((kind) => (routeLookup.growth[kind] ?? Infinity) <= FLAT_FACTOR);
    const measured = `${smallest.routes} → ${largest.routes} routes: ${parts.join(', ')}`;
    flat = { id: flatId, scenario: 'c', description: flatDescription, measured, status: ok ? 'PASS' : 'FAIL' };
  }

  const at10k = sizes.find((size) => size.routes === 10_000);
  let rss: TargetResult;
  if (at10k === undefined) {
    rss = na(rssId, 'c', rssDescription, '10 000 routes not measured');
  } else {
    const peak = Math.max(at10k.memory.afterBuild.rssMb, at10k.memory.afterRandom100k.rssMb);
    const measured = `${peak} MB (Node baseline ${at10k.memory.baseline.rssMb} MB${routeLookup.runtime === 'tsx' ? ', under tsx' : ''})`;
    rss = { id: rssId, scenario: 'c', description: rssDescription, measured, status: peak <= TARGETS.maxRssMb10kRoutes ? 'PASS' : 'FAIL' };
  }
  return [flat, rss];
}

function na(id: string, scenario: 'a' | 'b' | 'c', description: string, why: string): TargetResult {
  return { id, scenario, description, measured: why, status: 'N/A' };
}

function fail(id: string, scenario: 'a' | 'b' | 'c', description: string, why: string): TargetResult {
  return { id, scenario, description, measured: why, status: 'FAIL' };
}
