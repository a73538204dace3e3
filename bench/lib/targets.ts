/**
 * The acceptance targets of the issue, each judged PASS / FAIL from one run's results, or N/A when the
 * run did not measure it (scenario not run, wakegate or the peer skipped). A target whose wakegate runs
 * had any failure is FAIL: "with 0 errors" is part of every throughput and latency target.
 */
import { FLAT_FACTOR, FLAT_KINDS } from '../scenarios/route-lookup.js';
import type { Scenario } from './args.js';
import type { BenchResults, TargetResult } from './results.js';
import { fmtInt, fmtMs } from './format.js';

export const TARGETS = {
  throughputVsNginx: 0.5,
  throughputVsHttpProxy: 2,
  addedP50Ms: 0.5,
  addedP99Ms: 2,
  maxRssMb10kRoutes: 100,
  /** (d) first byte of 1 held request after wakegate observed the environment ready, p50 over the rounds. */
  coldReleaseP50Ms: 5,
  /** (d) every one of 10 000 held requests answered this long after the app listens. */
  coldAllAnsweredMs: 2_000,
  coldHeldRequests: 10_000,
  /** (d) RSS growth of wakegate while 10 000 requests are held. */
  coldHeldGrowthMb: 150,
  /** (d) median cold start through wakegate minus median by hand. */
  coldOverheadMs: 50,
  /** (e) from the EndpointSlice of a waking namespace turning ready to the first byte at the client, p50. */
  kubeOverheadP50Ms: 10,
  /** (e) RSS of wakegate after syncing 5 000 enabled namespaces × 3 workloads. */
  kubeRssMb: 300,
  /** (e) warm-path req/s with 5 000 namespaces loaded over req/s with one: "unchanged within noise". */
  kubeWarmRatio: 0.9,
} as const;

export function evaluateTargets(results: Omit<BenchResults, 'targets'>): TargetResult[] {
  return [...throughputTargets(results), ...latencyTargets(results), ...routeTargets(results), ...coldTargets(results), ...kubeTargets(results)];
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
    // Judged round by round (see pairedRatio); results saved before paired ratios existed fall back to
    // the ratio of the medians.
    const pair = throughput.paired?.[`wakegate / ${peer}`];
    const value = pair?.median ?? mine / theirs;
    const rounds = pair === undefined ? '' : `median of ${pair.perRound.map((r) => (r === null ? '—' : r.toFixed(2))).join(', ')} per round; `;
    const measured = `${value.toFixed(2)} × ${peer} (${rounds}medians ${fmtInt(mine)} / ${fmtInt(theirs)} req/s)`;
    return { id, scenario: 'a', description, measured, status: value >= factor ? 'PASS' : 'FAIL' };
  };
  return [versus('nginx', TARGETS.throughputVsNginx), versus('http-proxy', TARGETS.throughputVsHttpProxy)];
}

function latencyTargets({ latency }: Omit<BenchResults, 'targets'>): TargetResult[] {
  const wakegate = latency?.medians.wakegate;
  const added = latency?.addedOverDirect.wakegate;
  const one = (key: 'p50' | 'p99', limit: number): TargetResult => {
    const id = `b-added-${key}`;
    const description = `(b) added ${key} at 1 000 req/s (evenly spaced) ≤ +${limit} ms over direct, 0 errors`;
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

function coldTargets({ coldStart }: Omit<BenchResults, 'targets'>): TargetResult[] {
  const cold = coldStart ?? null;
  const one = TARGETS.coldReleaseP50Ms;
  const heldN = TARGETS.coldHeldRequests;
  const ids = { release: 'd-release-1', all: 'd-release-10k', memory: 'd-memory', overhead: 'd-overhead' };
  const descriptions = {
    release: `(d) 1 held request: first byte ≤ ${one} ms after wakegate observed it ready (p50 over rounds), 0 errors`,
    all: `(d) ${fmtInt(heldN)} held requests all answered ≤ ${TARGETS.coldAllAnsweredMs / 1000} s after the app listens, 0 errors`,
    memory: `(d) wakegate RSS growth with ${fmtInt(heldN)} requests held ≤ ${TARGETS.coldHeldGrowthMb} MB`,
    overhead: `(d) cold-start overhead over starting the app by hand ≤ ${TARGETS.coldOverheadMs} ms (medians), 0 errors`,
  };
  if (cold === null) return (Object.keys(ids) as (keyof typeof ids)[]).map((key) => na(ids[key], 'd', descriptions[key], 'scenario not run'));
  const wakegateDown = cold.failures.find((failure) => failure.part === 'wakegate');

  const size = (n: number) => cold.release.find((entry) => entry.size === n);
  const single = size(1);
  let release: TargetResult;
  if (single === undefined || single.okRounds + single.failedRounds === 0) release = wakegateDown ? fail(ids.release, 'd', descriptions.release, wakegateDown.reason) : na(ids.release, 'd', descriptions.release, '1 held request not measured');
  else if (single.failedRounds > 0 || single.afterReadyMs === null || single.firstByteMs === null) release = fail(ids.release, 'd', descriptions.release, `${single.failedRounds} failed round(s)`);
  else {
    const f = single.afterReadyMs;
    const measured = `p50 ${fmtMs(f.p50)} ms over ${single.okRounds} round(s) (min ${fmtMs(f.min)}, max ${fmtMs(f.max)} ms); from the app listening p50 ${fmtMs(single.firstByteMs.p50)} ms`;
    release = { id: ids.release, scenario: 'd', description: descriptions.release, measured, status: f.p50 <= one ? 'PASS' : 'FAIL' };
  }

  const large = size(heldN);
  let all: TargetResult;
  if (large === undefined || large.okRounds + large.failedRounds === 0) all = wakegateDown ? fail(ids.all, 'd', descriptions.all, wakegateDown.reason) : na(ids.all, 'd', descriptions.all, `${fmtInt(heldN)} held requests not measured`);
  else if (large.failedRounds > 0 || large.allAnsweredMs === null) all = fail(ids.all, 'd', descriptions.all, `${large.failedRounds} failed round(s)`);
  else {
    const f = large.firstByteMs;
    const measured = `${fmtInt(large.allAnsweredMs)} ms (first byte p50 ${fmtMs(f?.p50, 1)}, p99 ${fmtMs(f?.p99, 1)} ms)`;
    all = { id: ids.all, scenario: 'd', description: descriptions.all, measured, status: large.allAnsweredMs <= TARGETS.coldAllAnsweredMs ? 'PASS' : 'FAIL' };
  }

  const m = cold.memory;
  let memory: TargetResult;
  // Memory is read in the first round of the largest size: judged only when that is the target's size.
  if (m === null || cold.release[cold.release.length - 1]?.size !== heldN) memory = wakegateDown ? fail(ids.memory, 'd', descriptions.memory, wakegateDown.reason) : na(ids.memory, 'd', descriptions.memory, `${fmtInt(heldN)} held requests not measured`);
  else if (m.held < heldN || m.growthMb === null) memory = fail(ids.memory, 'd', descriptions.memory, `only ${fmtInt(m.held)} requests were held`);
  else {
    const measured = `+${fmtMs(m.growthMb, 1)} MB (${fmtMs(m.beforeMb, 1)} → ${fmtMs(m.heldMb, 1)} MB)`;
    memory = { id: ids.memory, scenario: 'd', description: descriptions.memory, measured, status: m.growthMb <= TARGETS.coldHeldGrowthMb ? 'PASS' : 'FAIL' };
  }

  const { byHand, wakegate, overheadMs, afterListenOverheadMs } = cold.overhead;
  let overhead: TargetResult;
  if (byHand.okRuns + byHand.failedRuns + wakegate.okRuns + wakegate.failedRuns === 0) {
    overhead = wakegateDown ? fail(ids.overhead, 'd', descriptions.overhead, wakegateDown.reason) : na(ids.overhead, 'd', descriptions.overhead, 'no rounds ran');
  } else if (byHand.failedRuns + wakegate.failedRuns > 0 || overheadMs === null) {
    overhead = fail(ids.overhead, 'd', descriptions.overhead, `${byHand.failedRuns + wakegate.failedRuns} failed run(s)`);
  } else {
    const sign = (value: number | null): string => (value === null ? '—' : `${value >= 0 ? '+' : ''}${value.toFixed(2)}`);
    const measured = `${sign(overheadMs)} ms (${fmtMs(wakegate.totalMs)} vs ${fmtMs(byHand.totalMs)} ms; after listening ${sign(afterListenOverheadMs)} ms)`;
    overhead = { id: ids.overhead, scenario: 'd', description: descriptions.overhead, measured, status: overheadMs <= TARGETS.coldOverheadMs ? 'PASS' : 'FAIL' };
  }
  return [release, all, memory, overhead];
}

function na(id: string, scenario: Scenario, description: string, why: string): TargetResult {
  return { id, scenario, description, measured: why, status: 'N/A' };
}

function fail(id: string, scenario: Scenario, description: string, why: string): TargetResult {
  return { id, scenario, description, measured: why, status: 'FAIL' };
}

function kubeTargets({ kube }: Omit<BenchResults, 'targets'>): TargetResult[] {
  const overheadId = 'e-overhead';
  const overheadDescription = `(e) Kubernetes cold start: request forwarded to the pod ≤ ${TARGETS.kubeOverheadP50Ms} ms after its EndpointSlice is ready (p50), 0 errors`;
  const rssId = 'e-rss';
  const rssDescription = `(e) RSS after syncing 5,000 namespaces × 3 workloads ≤ ${TARGETS.kubeRssMb} MB`;
  if (kube === undefined || kube === null) return [na(overheadId, 'e', overheadDescription, 'scenario not run'), na(rssId, 'e', rssDescription, 'scenario not run'), na('e-warm', 'e', '(e) warm-path throughput with 5,000 namespaces loaded ≥ 0.9 × with one', 'scenario not run')];
  const coldFailures = kube.failures.filter((f) => !f.startsWith('(e) scale'));
  const p50 = kube.cold.p50OverheadMs;
  const overhead: TargetResult =
    coldFailures.length > 0
      ? fail(overheadId, 'e', overheadDescription, `${coldFailures.length} failed round(s)`)
      : p50 === null
        ? na(overheadId, 'e', overheadDescription, 'no round measured')
        : { id: overheadId, scenario: 'e', description: overheadDescription, measured: `p50 ${p50} ms over ${kube.cold.rounds.length} round(s) (max ${kube.cold.maxOverheadMs ?? '?'} ms)`, status: p50 <= TARGETS.kubeOverheadP50Ms ? 'PASS' : 'FAIL' };
  const scale = kube.scale;
  let rss: TargetResult;
  if (scale === null || scale.rssMb === null) rss = kube.failures.some((f) => f.startsWith('(e) scale')) ? fail(rssId, 'e', rssDescription, 'the scale run failed') : na(rssId, 'e', rssDescription, 'not measured');
  else if (scale.namespaces < 5_000) rss = na(rssId, 'e', rssDescription, `only ${fmtInt(scale.namespaces)} namespaces: ${scale.rssMb} MB`);
  else rss = { id: rssId, scenario: 'e', description: rssDescription, measured: `${scale.rssMb} MB (synced in ${fmtInt(scale.syncMs)} ms)`, status: scale.rssMb <= TARGETS.kubeRssMb ? 'PASS' : 'FAIL' };
  const warmId = 'e-warm';
  const warmDescription = `(e) warm-path throughput with 5,000 namespaces loaded ≥ ${TARGETS.kubeWarmRatio} × with one (alternated, same run)`;
  const warmResult = kube.warm ?? null;
  let warm: TargetResult;
  if (warmResult === null || warmResult.ratio === null) warm = na(warmId, 'e', warmDescription, warmResult === null ? 'not measured (wrk missing or scale run failed)' : 'a side had no successful run');
  else if (scale === null || scale.namespaces < 5_000) warm = na(warmId, 'e', warmDescription, `only ${fmtInt(scale?.namespaces ?? 0)} namespaces: ${warmResult.ratio}×`);
  else warm = { id: warmId, scenario: 'e', description: warmDescription, measured: `${warmResult.ratio.toFixed(2)}× (${fmtInt(warmResult.large)} / ${fmtInt(warmResult.small)} req/s)`, status: warmResult.ratio >= TARGETS.kubeWarmRatio ? 'PASS' : 'FAIL' };
  return [overhead, rss, warm];
}
