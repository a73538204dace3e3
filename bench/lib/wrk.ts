/**
 * wrk (closed loop: each connection sends its next request as soon as the previous answer arrives),
 * run with one thread and its `--latency` distribution, and its text output parsed.
 *
 * Failure rule: a run with any "Non-2xx or 3xx responses" or "Socket errors" line (wrk prints them only
 * when non-zero), a non-zero exit, or no "Requests/sec" line is failed and its figure is not used.
 * wrk's "Non-2xx or 3xx" counter actually counts status > 399 only; a path that answers 3xx is caught
 * by the pre-run probe, which requires `200 hello world` (see http-probe.ts).
 */
import type { ProcessRegistry } from './processes.js';

export interface WrkOptions {
  readonly url: string;
  readonly hostHeader: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly cpu: number | null;
}

export interface WrkResult {
  readonly ok: boolean;
  /** Why the run failed; null when ok. */
  readonly failure: string | null;
  readonly requestsPerSecond: number | null;
  readonly requests: number | null;
  /** Latency percentiles in milliseconds (wrk's `--latency` distribution). */
  readonly latencyMs: { readonly p50: number | null; readonly p75: number | null; readonly p90: number | null; readonly p99: number | null };
  readonly non2xx: number;
  readonly socketErrors: { readonly connect: number; readonly read: number; readonly write: number; readonly timeout: number } | null;
  /** wrk's full output, kept in the results file next to the figures. */
  readonly raw: string;
}

export async function runWrk(registry: ProcessRegistry, wrkPath: string, options: WrkOptions): Promise<WrkResult> {
  const args = [
    '-t1',
    `-c${options.connections}`,
    `-d${options.durationSeconds}s`,
    '--latency',
    '-H',
    `Host: ${options.hostHeader}`,
    options.url,
  ];
  const result = await registry.run(
    { name: 'wrk', command: wrkPath, args, cpu: options.cpu },
    (options.durationSeconds + 15) * 1_000,
  );
  const raw = result.stdout + (result.stderr ? `\n[stderr]\n${result.stderr}` : '');
  const parsed = parseWrk(result.stdout);
  const failure = result.timedOut
    ? 'wrk did not finish in time (killed)'
    : result.code !== 0
      ? `wrk exited with ${result.signal ?? `code ${result.code ?? '?'}`}: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`
      : parsed.failure;
  return { ...parsed, ok: failure === null, failure, raw };
}

export function parseWrk(output: string): Omit<WrkResult, 'raw'> {
  const rps = matchNumber(output, /^Requests\/sec:\s+([\d.]+)/m);
  const requests = matchNumber(output, /^\s*(\d+) requests in /m);
  const non2xx = matchNumber(output, /Non-2xx or 3xx responses:\s+(\d+)/) ?? 0;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket
    ? { connect: Number(socket[1]), read: Number(socket[2]), write: Number(socket[3]), timeout: Number(socket[4]) }
    : null;
  const latencyMs = {
    p50: percentileMs(output, '50'),
    p75: percentileMs(output, '75'),
    p90: percentileMs(output, '90'),
    p99: percentileMs(output, '99'),
  };
  const problems: string[] = [];
  if (rps === null) problems.push('no "Requests/sec" line in wrk output');
  if (non2xx > 0) problems.push(`${non2xx} non-2xx responses`);
  if (socketErrors !== null) {
    const total = socketErrors.connect + socketErrors.read + socketErrors.write + socketErrors.timeout;
    if (total > 0) {
      problems.push(
        `socket errors (connect ${socketErrors.connect}, read ${socketErrors.read}, write ${socketErrors.write}, timeout ${socketErrors.timeout})`,
      );
    }
  }
  if (requests === 0) problems.push('no requests completed');
  const failure = problems.length > 0 ? problems.join('; ') : null;
  return { ok: failure === null, failure, requestsPerSecond: rps, requests, latencyMs, non2xx, socketErrors };
}

/** A line of the `--latency` block, e.g. "     99%    1.27ms" or "50%  643.00us". */
function percentileMs(output: string, percent: string): number | null {
  const match = new RegExp(`^\\s+${percent}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(output);
  if (!match) return null;
  const value = Number(match[1]);
  const unit = match[2];
  const factor = unit === 'us' ? 0.001 : unit === 'ms' ? 1 : unit === 's' ? 1_000 : 60_000;
  return Math.round(value * factor * 1_000) / 1_000;
}

function matchNumber(output: string, pattern: RegExp): number | null {
  const match = pattern.exec(output);
  return match ? Number(match[1]) : null;
}
