/**
 * Scenario (b): latency added by each proxy at a fixed 1 000 req/s over 10 keep-alive connections,
 * against "direct" measured in the same rounds. Same alternation and failure rule as (a); each run is
 * preceded by a warm-up at the same rate. Reported per peer: median over runs of p50/p90/p99, and the
 * same minus direct's ("added over direct").
 *
 * It runs once per arrival model (see `fixed-rate.ts`): `paced` (evenly spaced arrivals, what the
 * target is judged on) and `bursts` (hey's ten workers ticking together), so both are on record.
 */
import { checkHello } from '../lib/http-probe.js';
import { clientFor, runFixedRate, type Arrivals, type LatencyClient, type LatencyResult } from '../lib/fixed-rate.js';
import { BENCH_HOST_HEADER } from '../lib/peer-configs.js';
import { cpuFor, isAlive, type BenchEnv, type Fixture, type PeerName } from '../lib/peers.js';
import { difference, median, runsOf } from '../lib/stats.js';

export interface LatencyOptions {
  readonly arrivals: Arrivals;
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly workers: number;
  readonly ratePerWorker: number;
}

export interface LatencyRun extends LatencyResult {
  readonly round: number;
  readonly peer: PeerName;
}

export interface Percentiles {
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
}

export interface LatencyReport {
  readonly options: LatencyOptions;
  readonly client: LatencyClient;
  /** Smallest difference the client can show, in ms (hey: 0.1). */
  readonly resolutionMs: number;
  readonly runs: readonly LatencyRun[];
  readonly medians: Partial<
    Record<PeerName, Percentiles & { readonly requestsPerSecond: number | null; readonly okRuns: number; readonly failedRuns: number }>
  >;
  readonly addedOverDirect: Partial<Record<PeerName, Percentiles>>;
  readonly failures: readonly { readonly round: number; readonly peer: PeerName; readonly reason: string }[];
  /**
   * Successful runs that reached under 90 % of the intended rate: their latency is not "at 1 000 req/s"
   * (hey's workers wait for each answer, so a slow path lowers the rate; the paced client sends late
   * when every connection is busy). Reported, not failed.
   */
  readonly rateShortfalls: readonly { readonly round: number; readonly peer: PeerName; readonly requestsPerSecond: number }[];
}

/** A run below this share of the intended rate is listed in `rateShortfalls`. */
const RATE_SHORTFALL = 0.9;

export async function runLatency(
  env: BenchEnv,
  fixture: Fixture,
  heyPath: string | null,
  options: LatencyOptions,
  interrupted: () => boolean,
): Promise<LatencyReport> {
  const runs: LatencyRun[] = [];
  const cpu = cpuFor(env, 'load');
  const client = clientFor(options.arrivals, heyPath);
  for (let roundNo = 1; roundNo <= options.rounds && !interrupted(); roundNo++) {
    for (const peer of fixture.peers) {
      if (interrupted()) break;
      const label = `  (b ${options.arrivals}) round ${roundNo}/${options.rounds} ${peer.name.padEnd(10)}`;
      const precheck = isAlive(peer) ? await checkHello(peer.url, BENCH_HOST_HEADER) : 'a process of this path has exited';
      if (precheck !== null) {
        runs.push(failedRun(roundNo, peer.name, client, precheck));
        env.log(`${label} FAILED: ${precheck}`);
        continue;
      }
      const load = {
        arrivals: options.arrivals,
        url: peer.url,
        hostHeader: BENCH_HOST_HEADER,
        workers: options.workers,
        ratePerWorker: options.ratePerWorker,
        cpu,
      };
      if (options.warmupSeconds > 0) await runFixedRate(env.registry, heyPath, { ...load, durationSeconds: options.warmupSeconds });
      const result = await runFixedRate(env.registry, heyPath, { ...load, durationSeconds: options.durationSeconds });
      if (interrupted()) break; // killed by the signal handler: not a figure, not a failure
      const ok = result.ok && isAlive(peer);
      const failure = result.failure ?? (ok ? null : 'a process of this path exited during the run');
      runs.push({ ...result, ok, failure, round: roundNo, peer: peer.name });
      const { p50, p90, p99 } = result.latencyMs;
      env.log(ok ? `${label} p50 ${p50} ms  p90 ${p90} ms  p99 ${p99} ms  (${Math.round(result.requestsPerSecond ?? 0)} req/s)` : `${label} FAILED: ${failure}`);
    }
  }
  return summarize(options, client, fixture, runs);
}

function summarize(options: LatencyOptions, client: LatencyClient, fixture: Fixture, runs: LatencyRun[]): LatencyReport {
  const medians: LatencyReport['medians'] = {};
  for (const peer of fixture.peers) {
    const { ok, okRuns, failedRuns } = runsOf(runs, peer.name);
    const rps = median(ok.map((run) => run.requestsPerSecond));
    medians[peer.name] = {
      requestsPerSecond: rps === null ? null : Math.round(rps),
      p50: median(ok.map((run) => run.latencyMs.p50)),
      p90: median(ok.map((run) => run.latencyMs.p90)),
      p99: median(ok.map((run) => run.latencyMs.p99)),
      okRuns,
      failedRuns,
    };
  }
  const direct = medians.direct;
  const addedOverDirect: LatencyReport['addedOverDirect'] = {};
  for (const peer of fixture.peers) {
    const mine = medians[peer.name];
    if (peer.name === 'direct' || mine === undefined || direct === undefined) continue;
    addedOverDirect[peer.name] = {
      p50: difference(mine.p50, direct.p50),
      p90: difference(mine.p90, direct.p90),
      p99: difference(mine.p99, direct.p99),
    };
  }
  const failures = runs
    .filter((run) => !run.ok)
    .map((run) => ({ round: run.round, peer: run.peer, reason: run.failure ?? 'failed' }));
  const intended = options.workers * options.ratePerWorker;
  const rateShortfalls = runs
    .filter((run) => run.ok && run.requestsPerSecond !== null && run.requestsPerSecond < RATE_SHORTFALL * intended)
    .map((run) => ({ round: run.round, peer: run.peer, requestsPerSecond: Math.round(run.requestsPerSecond ?? 0) }));
  return { options, client, resolutionMs: client === 'hey' ? 0.1 : 0.01, runs, medians, addedOverDirect, failures, rateShortfalls };
}

function failedRun(roundNo: number, peer: PeerName, client: LatencyClient, reason: string): LatencyRun {
  return {
    round: roundNo,
    peer,
    client,
    ok: false,
    failure: reason,
    requestsPerSecond: null,
    latencyMs: { p50: null, p90: null, p99: null },
    statuses: {},
    errors: 0,
    raw: '',
  };
}
