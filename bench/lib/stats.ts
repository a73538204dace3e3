/** Small numeric helpers for reports: medians of successful runs only, ratios that tolerate gaps. */

/** Median of the numbers present (nulls are failed or missing runs); null when none is. */
export function median(values: readonly (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null && Number.isFinite(value)).sort((a, b) => a - b);
  if (present.length === 0) return null;
  const middle = Math.floor(present.length / 2);
  const upper = present[middle] as number;
  return present.length % 2 === 1 ? upper : ((present[middle - 1] as number) + upper) / 2;
}

export function ratio(numerator: number | null, denominator: number | null): number | null {
  if (numerator === null || denominator === null || denominator === 0) return null;
  return round(numerator / denominator, 3);
}

export function difference(value: number | null, baseline: number | null, digits = 2): number | null {
  if (value === null || baseline === null) return null;
  return round(value - baseline, digits);
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A path's successful runs, and how many it had of each kind: medians are taken over `ok` only. */
export function runsOf<R extends { readonly peer: string; readonly ok: boolean }>(runs: readonly R[], peer: string): { ok: R[]; okRuns: number; failedRuns: number } {
  const mine = runs.filter((run) => run.peer === peer);
  const ok = mine.filter((run) => run.ok);
  return { ok, okRuns: ok.length, failedRuns: mine.length - ok.length };
}

/**
 * The ratio of two paths measured side by side: one ratio per round in which both had a successful
 * run, and their median. Runs of one round are seconds apart, so a host that slows down for a while
 * slows both sides of the same ratio; the ratio of the two overall medians can instead pair a slow
 * round of one path with a fast round of the other.
 */
export interface PairedRatio {
  readonly perRound: readonly (number | null)[];
  readonly median: number | null;
}

export function pairedRatio<R extends { readonly round: number; readonly peer: string; readonly ok: boolean; readonly requestsPerSecond: number | null }>(
  runs: readonly R[],
  numerator: string,
  denominator: string,
): PairedRatio {
  const rounds = [...new Set(runs.map((run) => run.round))].sort((a, b) => a - b);
  const rpsOf = (round: number, peer: string): number | null => {
    const run = runs.find((candidate) => candidate.round === round && candidate.peer === peer);
    return run !== undefined && run.ok ? run.requestsPerSecond : null;
  };
  const perRound = rounds.map((round) => ratio(rpsOf(round, numerator), rpsOf(round, denominator)));
  const middle = median(perRound);
  return { perRound, median: middle === null ? null : round(middle, 3) };
}
