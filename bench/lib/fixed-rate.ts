/**
 * Fixed-rate load for the added-latency scenario, in one of two arrival models:
 *
 * - `paced`: `bench/lib/paced-client.mjs`, C×Q req/s evenly spaced over C keep-alive connections
 *   (open loop, as wrk2 and k6's constant-arrival-rate executor). Resolution 0.01 ms.
 * - `bursts`: `hey -z Ds -c C -q Q` (C workers, each throttled to Q req/s). hey starts every worker's
 *   ticker at the same moment, so the load arrives as Q bursts of C requests per second; a request's
 *   latency then includes waiting behind the rest of its burst.
 *
 * Resolution: hey prints latencies as seconds with 4 decimals, i.e. in 0.1 ms steps; figures taken from
 * it are multiples of 0.1 ms and a difference below 0.1 ms cannot be seen.
 *
 * Failure rule: any status outside 2xx in "Status code distribution", any "Error distribution" entry,
 * a non-zero exit, or no latency distribution fails the run.
 *
 * When hey is absent, `bench/lib/fixed-rate-client.mjs` (same worker model, Node) produces the same
 * result shape at 0.01 ms resolution; the results name the client used.
 */
import { fileURLToPath } from 'node:url';
import type { ProcessRegistry } from './processes.js';

export type Arrivals = 'paced' | 'bursts';

export interface FixedRateOptions {
  readonly arrivals: Arrivals;
  readonly url: string;
  readonly hostHeader: string;
  readonly workers: number;
  /** Requests per second per worker. */
  readonly ratePerWorker: number;
  readonly durationSeconds: number;
  readonly cpu: number | null;
}

export interface LatencyResult {
  readonly ok: boolean;
  readonly failure: string | null;
  readonly client: LatencyClient;
  readonly requestsPerSecond: number | null;
  /** Percentiles in milliseconds. */
  readonly latencyMs: { readonly p50: number | null; readonly p90: number | null; readonly p99: number | null };
  /** Response count per status code. */
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly raw: string;
}

/** Which program produced a latency figure. */
export type LatencyClient = 'paced' | 'hey' | 'node';

const FALLBACK_CLIENT = fileURLToPath(new URL('./fixed-rate-client.mjs', import.meta.url));
const PACED_CLIENT = fileURLToPath(new URL('./paced-client.mjs', import.meta.url));

/** The client a run of `arrivals` uses: hey for bursts when installed, else the Node stand-in. */
export function clientFor(arrivals: Arrivals, heyPath: string | null): LatencyClient {
  if (arrivals === 'paced') return 'paced';
  return heyPath !== null ? 'hey' : 'node';
}

export async function runFixedRate(
  registry: ProcessRegistry,
  heyPath: string | null,
  options: FixedRateOptions,
): Promise<LatencyResult> {
  const client = clientFor(options.arrivals, heyPath);
  const spec =
    client === 'hey'
      ? {
          name: 'hey',
          command: heyPath as string,
          args: [
            '-z', `${options.durationSeconds}s`,
            '-c', String(options.workers),
            '-q', String(options.ratePerWorker),
            '-host', options.hostHeader,
            options.url,
          ],
        }
      : client === 'paced'
        ? {
            name: 'paced client',
            command: process.execPath,
            args: [
              PACED_CLIENT,
              options.url,
              options.hostHeader,
              String(options.workers * options.ratePerWorker),
              String(options.workers),
              String(options.durationSeconds),
            ],
          }
        : {
            name: 'fixed-rate client',
            command: process.execPath,
            args: [
              FALLBACK_CLIENT,
              options.url,
              options.hostHeader,
              String(options.workers),
              String(options.ratePerWorker),
              String(options.durationSeconds),
            ],
          };
  const result = await registry.run({ ...spec, cpu: options.cpu }, (options.durationSeconds + 20) * 1_000);
  const raw = result.stdout + (result.stderr ? `\n[stderr]\n${result.stderr}` : '');
  const parsed = client === 'hey' ? parseHey(result.stdout) : parseFallback(result.stdout);
  const failure = result.timedOut
    ? `${spec.name} did not finish in time (killed)`
    : result.code !== 0
      ? `${spec.name} exited with ${result.signal ?? `code ${result.code ?? '?'}`}: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`
      : parsed.failure;
  return { ...parsed, client, ok: failure === null, failure, raw };
}

type Parsed = Omit<LatencyResult, 'raw' | 'client'>;

export function parseHey(output: string): Parsed {
  const rpsMatch = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const percentile = (p: string): number | null => {
    const match = new RegExp(`^\\s+${p}% in ([\\d.]+) secs`, 'm').exec(output);
    return match ? Math.round(Number(match[1]) * 1_000 * 10) / 10 : null;
  };
  const statuses: Record<string, number> = {};
  const statusBlock = /Status code distribution:\n([\s\S]*?)(?:\n\s*\n|$)/.exec(output)?.[1] ?? '';
  for (const match of statusBlock.matchAll(/\[(\d+)\]\s+(\d+) responses/g)) {
    statuses[match[1] ?? '?'] = Number(match[2]);
  }
  let errors = 0;
  const errorBlock = /Error distribution:\n([\s\S]*?)(?:\n\s*\n|$)/.exec(output)?.[1] ?? '';
  for (const match of errorBlock.matchAll(/^\s*\[(\d+)\]/gm)) errors += Number(match[1]);
  const latencyMs = { p50: percentile('50'), p90: percentile('90'), p99: percentile('99') };
  return { ...judge(statuses, errors, latencyMs), requestsPerSecond: rpsMatch ? Number(rpsMatch[1]) : null, latencyMs, statuses, errors };
}

/** The Node clients print one JSON document: { rps, p50, p90, p99 (ms), statuses, errors }. */
function parseFallback(output: string): Parsed {
  try {
    const doc = JSON.parse(output) as {
      rps: number;
      p50: number | null;
      p90: number | null;
      p99: number | null;
      statuses: Record<string, number>;
      errors: number;
    };
    const latencyMs = { p50: doc.p50, p90: doc.p90, p99: doc.p99 };
    return { ...judge(doc.statuses, doc.errors, latencyMs), requestsPerSecond: doc.rps, latencyMs, statuses: doc.statuses, errors: doc.errors };
  } catch {
    return {
      ok: false,
      failure: 'fixed-rate client printed no result',
      requestsPerSecond: null,
      latencyMs: { p50: null, p90: null, p99: null },
      statuses: {},
      errors: 0,
    };
  }
}

function judge(
  statuses: Record<string, number>,
  errors: number,
  latencyMs: { p50: number | null; p99: number | null },
): { ok: boolean; failure: string | null } {
  const problems: string[] = [];
  const bad = Object.entries(statuses).filter(([code]) => !code.startsWith('2'));
  if (bad.length > 0) problems.push(`non-2xx responses: ${bad.map(([code, n]) => `${n}×${code}`).join(', ')}`);
  if (errors > 0) problems.push(`${errors} request errors`);
  if (Object.keys(statuses).length === 0) problems.push('no responses');
  if (latencyMs.p50 === null || latencyMs.p99 === null) problems.push('no latency distribution');
  const failure = problems.length > 0 ? problems.join('; ') : null;
  return { ok: failure === null, failure };
}
