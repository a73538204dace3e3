import type { EnvironmentPhase } from '../observability/metric-labels.js';

/** How long phase history is kept: the longest savings window. */
export const HISTORY_SPAN_MS = 7 * 24 * 3_600_000;
const MAX_EVENTS = 50;
const MAX_WAKES = 20;

/** One thing that happened to an environment, as its detail view lists it. */
export type HistoryEvent =
  | { readonly at: number; readonly type: 'phase'; readonly phase: EnvironmentPhase; readonly reason: string | null }
  | { readonly at: number; readonly type: 'progress'; readonly step: string }
  | { readonly at: number; readonly type: 'keep-awake'; readonly until: number | null; readonly by: string };

/** Where a wake's time went (ms epoch marks; null where the wake did not get there or cannot tell). */
export interface WakeRecord {
  readonly startedAt: number;
  readonly trigger: string;
  result: 'success' | 'failure' | 'timeout' | null;
  endedAt: number | null;
  error: string | null;
  /** Every workload's scale request answered (Kubernetes) or the process spawned (local). */
  requestedAt: number | null;
  /** Every woken pod's containers started (Kubernetes) or the process's port accepting connections (local). */
  startedUpAt: number | null;
  /** Awake. */
  readyAt: number | null;
  /** The first held request's response head arrived from the upstream. */
  firstByteAt: number | null;
}

/** A wake's time by phase, in seconds; null for a phase that was not reached or not seen. */
export interface WakePhases {
  readonly scaleRequest: number | null;
  readonly start: number | null;
  readonly readiness: number | null;
  readonly firstByte: number | null;
}

/** An asleep stretch: from `from` until `to` (null: still asleep), with the replicas it spared. */
interface AsleepSpan {
  readonly from: number;
  to: number | null;
  replicas: number;
}

/**
 * What one environment went through: asleep stretches of the last 7 days (for savings), its last 50
 * events and its last 20 wakes. Bounded whatever happens, and written only on phase changes, wake
 * steps and keep-awake changes — never per request.
 */
export class EnvironmentHistory {
  readonly #asleep: AsleepSpan[] = [];
  readonly #events: HistoryEvent[] = [];
  readonly #wakes: WakeRecord[] = [];

  /** Records a phase change; `replicas` is what a wake would restore, i.e. what asleep spares. */
  phaseChanged(phase: EnvironmentPhase, at: number, reason: string | null, replicas: number): void {
    this.#push({ at, type: 'phase', phase, reason });
    const open = this.#asleep.at(-1);
    const isOpen = open !== undefined && open.to === null;
    if (phase === 'asleep' && !isOpen) this.#asleep.push({ from: at, to: null, replicas });
    else if (phase !== 'asleep' && isOpen) open.to = at;
    this.#trim(at);
  }

  /** What the current asleep stretch spares, when it is learnt after the stretch began. */
  sparing(replicas: number): void {
    const open = this.#asleep.at(-1);
    if (open !== undefined && open.to === null) open.replicas = replicas;
  }

  progress(step: string, at: number): void {
    this.#push({ at, type: 'progress', step });
  }

  keepAwakeChanged(until: number | null, by: string, at: number): void {
    this.#push({ at, type: 'keep-awake', until, by });
  }

  /** Starts the record of a wake; the controller fills it in as the wake goes. */
  beginWake(at: number, trigger: string): WakeRecord {
    const record: WakeRecord = { startedAt: at, trigger, result: null, endedAt: null, error: null, requestedAt: null, startedUpAt: null, readyAt: null, firstByteAt: null };
    this.#wakes.push(record);
    if (this.#wakes.length > MAX_WAKES) this.#wakes.shift();
    return record;
  }

  /** The wake in progress or the last one, if any. */
  get lastWake(): WakeRecord | undefined {
    return this.#wakes.at(-1);
  }

  /** Newest first. */
  wakes(): readonly WakeRecord[] {
    return [...this.#wakes].reverse();
  }

  /** Oldest first. */
  events(): readonly HistoryEvent[] {
    return [...this.#events];
  }

  /** Milliseconds asleep within [from, to]. */
  asleepMs(from: number, to: number): number {
    let total = 0;
    for (const span of this.#asleep) total += overlap(span, from, to);
    return total;
  }

  /** Replica-milliseconds spared within [from, to]: each asleep stretch times its replicas. */
  sparedReplicaMs(from: number, to: number): number {
    let total = 0;
    for (const span of this.#asleep) total += overlap(span, from, to) * span.replicas;
    return total;
  }

  #push(event: HistoryEvent): void {
    this.#events.push(event);
    if (this.#events.length > MAX_EVENTS) this.#events.shift();
  }

  /** Drops asleep stretches that ended before the longest window. */
  #trim(now: number): void {
    const horizon = now - HISTORY_SPAN_MS;
    while (this.#asleep.length > 0 && this.#asleep[0]!.to !== null && this.#asleep[0]!.to < horizon) this.#asleep.shift();
  }
}

function overlap(span: AsleepSpan, from: number, to: number): number {
  const end = span.to ?? to;
  return Math.max(0, Math.min(end, to) - Math.max(span.from, from));
}

/** The phases of a wake, in seconds, from its marks. */
export function wakePhases(w: WakeRecord): WakePhases {
  const seconds = (from: number | null, to: number | null): number | null => (from === null || to === null ? null : Math.max(0, to - from) / 1000);
  return {
    scaleRequest: seconds(w.startedAt, w.requestedAt),
    start: seconds(w.requestedAt, w.startedUpAt),
    readiness: seconds(w.startedUpAt ?? w.requestedAt, w.readyAt),
    firstByte: seconds(w.readyAt, w.firstByteAt),
  };
}
