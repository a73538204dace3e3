/** How far back the charts reach. */
export const CHART_SPAN_MS = 6 * 3_600_000;
const WAKE_BUCKET_MS = 5 * 60_000;
const HELD_BUCKET_MS = 60_000;

export interface WakeChartPoint {
  /** Start of the 5-minute bucket, ms epoch. */
  readonly at: number;
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
}

export interface HeldChartPoint {
  /** Start of the minute, ms epoch. */
  readonly at: number;
  readonly max: number;
}

/**
 * What the dashboard charts across all environments: durations of successful wakes and the most
 * requests held at once per minute, over the last 6 hours. Bounded: wakes older than the span are
 * dropped as new ones arrive, and held counts keep one number per minute.
 */
export class FleetTimeline {
  /** [endedAt, seconds] of successful wakes, oldest first. */
  readonly #wakes: [number, number][] = [];
  /** Most held per minute: minute start → max. */
  readonly #held = new Map<number, number>();
  #heldNow = 0;

  wakeSucceeded(endedAt: number, seconds: number): void {
    this.#wakes.push([endedAt, seconds]);
    const horizon = endedAt - CHART_SPAN_MS;
    while (this.#wakes.length > 0 && this.#wakes[0]![0] < horizon) this.#wakes.shift();
  }

  /** The number of held requests changed. */
  held(count: number, now: number): void {
    this.#heldNow = count;
    const minute = now - (now % HELD_BUCKET_MS);
    const max = this.#held.get(minute);
    if (max === undefined || count > max) this.#held.set(minute, count);
    if (max === undefined) this.#trimHeld(now);
  }

  get heldNow(): number {
    return this.#heldNow;
  }

  /** One point per 5 minutes with at least one wake, oldest first. */
  wakeChart(now: number): WakeChartPoint[] {
    const buckets = new Map<number, number[]>();
    for (const [at, seconds] of this.#wakes) {
      if (at < now - CHART_SPAN_MS) continue;
      const bucket = at - (at % WAKE_BUCKET_MS);
      let list = buckets.get(bucket);
      if (list === undefined) buckets.set(bucket, (list = []));
      list.push(seconds);
    }
    return [...buckets].sort((a, b) => a[0] - b[0]).map(([at, list]) => {
      list.sort((a, b) => a - b);
      return { at, count: list.length, p50: quantile(list, 0.5), p95: quantile(list, 0.95) };
    });
  }

  /** One point per minute of the last 6 hours, oldest first (0 where nothing was held). */
  heldChart(now: number): HeldChartPoint[] {
    const current = now - (now % HELD_BUCKET_MS);
    const points: HeldChartPoint[] = [];
    for (let at = current - CHART_SPAN_MS + HELD_BUCKET_MS; at <= current; at += HELD_BUCKET_MS) {
      // A minute in which nothing changed holds what was held when it began.
      points.push({ at, max: this.#held.get(at) ?? (at === current ? this.#heldNow : 0) });
    }
    return points;
  }

  #trimHeld(now: number): void {
    const horizon = now - CHART_SPAN_MS;
    for (const minute of this.#held.keys()) if (minute < horizon) this.#held.delete(minute);
  }
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[index]! * 1000) / 1000;
}
