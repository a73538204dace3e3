/**
 * Scenario (a): closed-loop throughput ceiling on one core.
 *
 * Each run: the path must answer `200 hello world` (probe), then wrk warms it up, then wrk measures.
 * Runs alternate between peers in rounds (round 1: direct, wakegate, nginx, …; round 2: the same order;
 * …) so slow drift of the shared box (other tenants, thermal) spreads over every peer instead of
 * biasing one. The figure of a peer is the median of its successful runs; failed runs are reported,
 * never averaged in. wakegate's ratios to its peers are also taken round by round (`paired`): the
 * targets are judged on the median of those, which a host slowing down for one round cannot tilt.
 */
import { isAlive, cpuFor, type BenchEnv, type Fixture, type PeerName } from '../lib/peers.js';
import { BENCH_HOST_HEADER } from '../lib/peer-configs.js';
import { checkHello } from '../lib/http-probe.js';
import { fmtInt } from '../lib/format.js';
import { median, pairedRatio, ratio, runsOf, type PairedRatio } from '../lib/stats.js';
import { runWrk, type WrkResult } from '../lib/wrk.js';

export interface ThroughputOptions {
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
}

export interface ThroughputRun extends Omit<WrkResult, 'ok'> {
  readonly round: number;
  readonly peer: PeerName;
  readonly ok: boolean;
}

export interface ThroughputMedian {
  readonly requestsPerSecond: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly okRuns: number;
  readonly failedRuns: number;
}

export interface ThroughputReport {
  readonly options: ThroughputOptions;
  readonly runs: readonly ThroughputRun[];
  readonly medians: Partial<Record<PeerName, ThroughputMedian>>;
  /** "wakegate / nginx", "wakegate / http-proxy", "<peer> / direct": ratios of median req/s. */
  readonly ratios: Readonly<Record<string, number | null>>;
  /**
   * "wakegate / nginx", "wakegate / http-proxy": the ratio in each round, and the median of those.
   * Absent from results saved before it was measured.
   */
  readonly paired?: Readonly<Record<string, PairedRatio>>;
  readonly failures: readonly { readonly round: number; readonly peer: PeerName; readonly reason: string }[];
}

export async function runThroughput(
  env: BenchEnv,
  fixture: Fixture,
  wrkPath: string,
  options: ThroughputOptions,
  interrupted: () => boolean,
): Promise<ThroughputReport> {
  const runs: ThroughputRun[] = [];
  const cpu = cpuFor(env, 'load');
  for (let roundNo = 1; roundNo <= options.rounds && !interrupted(); roundNo++) {
    for (const peer of fixture.peers) {
      if (interrupted()) break;
      const label = `  (a) round ${roundNo}/${options.rounds} ${peer.name.padEnd(10)}`;
      const precheck = isAlive(peer) ? await checkHello(peer.url, BENCH_HOST_HEADER) : 'a process of this path has exited';
      if (precheck !== null) {
        runs.push(failedRun(roundNo, peer.name, precheck));
        env.log(`${label} FAILED: ${precheck}`);
        continue;
      }
      const wrk = { url: peer.url, hostHeader: BENCH_HOST_HEADER, connections: options.connections, cpu };
      if (options.warmupSeconds > 0) await runWrk(env.registry, wrkPath, { ...wrk, durationSeconds: options.warmupSeconds });
      const result = await runWrk(env.registry, wrkPath, { ...wrk, durationSeconds: options.durationSeconds });
      if (interrupted()) break; // killed by the signal handler: not a figure, not a failure
      const ok = result.ok && isAlive(peer);
      const failure = result.failure ?? (ok ? null : 'a process of this path exited during the run');
      runs.push({ ...result, ok, failure, round: roundNo, peer: peer.name });
      env.log(
        ok
          ? `${label} ${fmtInt(result.requestsPerSecond)} req/s  p50 ${result.latencyMs.p50} ms  p99 ${result.latencyMs.p99} ms`
          : `${label} FAILED: ${failure}`,
      );
    }
  }
  return summarize(options, fixture, runs);
}

function summarize(options: ThroughputOptions, fixture: Fixture, runs: ThroughputRun[]): ThroughputReport {
  const medians: Partial<Record<PeerName, ThroughputMedian>> = {};
  for (const peer of fixture.peers) {
    const { ok, okRuns, failedRuns } = runsOf(runs, peer.name);
    const rps = median(ok.map((run) => run.requestsPerSecond));
    medians[peer.name] = {
      requestsPerSecond: rps === null ? null : Math.round(rps),
      p50Ms: median(ok.map((run) => run.latencyMs.p50)),
      p99Ms: median(ok.map((run) => run.latencyMs.p99)),
      okRuns,
      failedRuns,
    };
  }
  const rpsOf = (name: PeerName): number | null => medians[name]?.requestsPerSecond ?? null;
  const ratios: Record<string, number | null> = {
    'wakegate / nginx': ratio(rpsOf('wakegate'), rpsOf('nginx')),
    'wakegate / http-proxy': ratio(rpsOf('wakegate'), rpsOf('http-proxy')),
  };
  for (const peer of fixture.peers) {
    if (peer.name !== 'direct') ratios[`${peer.name} / direct`] = ratio(rpsOf(peer.name), rpsOf('direct'));
  }
  const paired: Record<string, PairedRatio> = {};
  for (const peer of ['nginx', 'http-proxy'] as const) {
    if (fixture.peers.some((candidate) => candidate.name === peer)) paired[`wakegate / ${peer}`] = pairedRatio(runs, 'wakegate', peer);
  }
  const failures = runs
    .filter((run) => !run.ok)
    .map((run) => ({ round: run.round, peer: run.peer, reason: run.failure ?? 'failed' }));
  return { options, runs, medians, ratios, paired, failures };
}

function failedRun(roundNo: number, peer: PeerName, reason: string): ThroughputRun {
  return {
    round: roundNo,
    peer,
    ok: false,
    failure: reason,
    requestsPerSecond: null,
    requests: null,
    latencyMs: { p50: null, p75: null, p90: null, p99: null },
    non2xx: 0,
    socketErrors: null,
    raw: '',
  };
}
