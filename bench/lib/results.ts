/**
 * The results document: written to bench/results/<timestamp>.json and bench/results/latest.json, and
 * the only input of the README table (report.ts), so the table can always be regenerated from a file.
 */
import type { ColdStartReport } from '../scenarios/cold-start.js';
import type { LatencyReport } from '../scenarios/latency.js';
import type { KubeReport } from '../scenarios/kube.js';
import type { RouteLookupReport } from '../scenarios/route-lookup.js';
import type { ThroughputReport } from '../scenarios/throughput.js';
import type { RunOptions, Scenario } from './args.js';
import type { Skip } from './peers.js';
import type { MachineInfo } from './tools.js';

export type TargetStatus = 'PASS' | 'FAIL' | 'N/A';

export interface TargetResult {
  readonly id: string;
  readonly scenario: Scenario;
  readonly description: string;
  /** The measured value in words, e.g. "0.46 × nginx (24,100 / 52,300 req/s)". */
  readonly measured: string;
  readonly status: TargetStatus;
}

export interface BenchResults {
  readonly schema: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly options: RunOptions;
  readonly machine: MachineInfo & {
    /** How CPUs were assigned, in words. */
    readonly pinning: string;
    readonly loadAverageAfter: readonly number[];
  };
  /** Versions of the tools found (absent tools are not listed; see `skipped`). */
  readonly tools: Readonly<Record<string, string>>;
  readonly upstream: 'nginx' | 'node' | null;
  /** Tools, peers and scenarios that did not run, each with its reason. */
  readonly skipped: readonly Skip[];
  readonly throughput: ThroughputReport | null;
  /** Scenario (b) with evenly spaced arrivals: the report the latency targets are judged on. */
  readonly latency: LatencyReport | null;
  /** Scenario (b) with hey's bursts of 10; absent in results written before it was measured apart. */
  readonly latencyBursts?: LatencyReport | null;
  readonly routeLookup: RouteLookupReport | null;
  /** Scenario (d); absent in results written before it existed. */
  readonly coldStart?: ColdStartReport | null;
  /** Scenario (e); absent in results written before it existed. */
  readonly kube?: KubeReport | null;
  readonly targets: readonly TargetResult[];
}
