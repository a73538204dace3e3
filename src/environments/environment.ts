import { EnvironmentHistory } from '../history/environment-history.js';
import type { EnvironmentPhase } from '../observability/metric-labels.js';

export type { EnvironmentPhase };

/** What happens to an environment, as the waiting page and the API follow it. */
export type EnvironmentEvent =
  | { readonly type: 'phase'; readonly phase: EnvironmentPhase; readonly at: number; readonly reason: string | null }
  | { readonly type: 'progress'; readonly step: string; readonly at: number }
  /** Something shown about it changed without a phase change: keep-awake, replicas. */
  | { readonly type: 'changed'; readonly at: number };

/** A wish to keep an environment awake until a time, and who made it. */
export interface KeepAwake {
  /** ms epoch */
  readonly until: number;
  readonly by: string;
  /** When it was asked for (ms epoch), when known. */
  readonly at: number | null;
}

/** Replicas running now, and what a wake restores (a local environment is one replica). */
export interface Replicas {
  readonly current: number;
  readonly awake: number;
}

/** How a wait for readiness ended. */
export type ReadyOutcome = { readonly ready: true } | { readonly ready: false; readonly error: Error };

/**
 * Requests of one environment: when the last began, how many are in flight (a WebSocket or an
 * event stream counts until it closes), how many there were. Two increments per request; no clock
 * read beyond the one the caller passes.
 */
export class Activity {
  lastRequestAt: number | null = null;
  inFlight = 0;
  requests = 0;

  begin(now: number): void {
    this.lastRequestAt = now;
    this.inFlight++;
    this.requests++;
  }

  /** The request ended; `now` also counts as activity (a long download was activity until its end). */
  end(now: number): void {
    this.inFlight--;
    this.lastRequestAt = now;
  }
}

/** The static facts of an environment, from the config file or the cluster. */
export interface EnvironmentSpec {
  readonly id: string;
  readonly kind: 'static' | 'local' | 'kubernetes';
  readonly hosts: readonly string[];
  readonly paths: readonly string[];
  /**
   * Where its requests go, for people: `http://host:port` for static and local environments; on
   * Kubernetes the ingress controller's origin or the Services its Ingresses name.
   */
  readonly upstream: string;
  /** Idle timeout in ms; `Infinity` = never sleeps for idleness. */
  readonly idleAfter: number;
}

/**
 * One environment at run time: its phase, activity and the waiters for its readiness. The route
 * table points at these objects, so the warm path reads `phase` with no lookup.
 *
 * Readiness is a broadcast: every waiter is released at once when the environment becomes awake
 * (or its wake fails). It is race-free because `whenReady` checks the phase after subscribing — a
 * phase change between a caller's check and its subscription cannot be missed.
 */
export class Environment {
  #spec: EnvironmentSpec;
  readonly activity = new Activity();
  #phase: EnvironmentPhase;
  #phaseSince: number;
  #reason: string | null = null;
  /** Set while waking and after: when the current (or last) wake began and how long it took. */
  wakeStartedAt: number | null = null;
  lastWakeMs: number | null = null;
  /** When the environment last became awake. */
  wokeAt: number | null = null;
  /** The error of the last failed wake, shown by the API until the next wake. */
  lastError: string | null = null;
  /** The last progress step of the current (or last) wake: what was not ready yet. */
  lastStep: string | null = null;
  #keepAwake: KeepAwake | null = null;
  /** Set by the provider; null where it does not apply (static environments). */
  #replicas: Replicas | null;
  /** Asleep stretches, events and wakes, for the API and the savings. */
  readonly history = new EnvironmentHistory();
  readonly #waiters = new Set<(outcome: ReadyOutcome) => void>();
  readonly #listeners = new Set<(event: EnvironmentEvent) => void>();

  /** `since`: when it entered `phase`, if known to be earlier than `now` (Kubernetes remembers it). */
  constructor(spec: EnvironmentSpec, phase: EnvironmentPhase, now: number, since = now) {
    this.#spec = spec;
    this.#phase = phase;
    this.#phaseSince = since;
    if (phase === 'awake') this.wokeAt = since;
    this.#replicas = spec.kind === 'local' ? { current: phase === 'asleep' ? 0 : 1, awake: 1 } : spec.kind === 'kubernetes' ? { current: 0, awake: 0 } : null;
    this.history.phaseChanged(phase, since, null, this.#replicas?.awake ?? 0);
  }

  get spec(): EnvironmentSpec {
    return this.#spec;
  }

  get id(): string {
    return this.#spec.id;
  }

  /**
   * Replaces the facts that can change while wakegate runs (on Kubernetes: hosts, paths and idle
   * timeout follow the namespace and its Ingresses). The id and kind never change.
   */
  updateSpec(spec: EnvironmentSpec): void {
    if (spec.id !== this.#spec.id || spec.kind !== this.#spec.kind) throw new Error(`an environment's id and kind are fixed (${this.#spec.id})`);
    this.#spec = spec;
  }

  get phase(): EnvironmentPhase {
    return this.#phase;
  }

  get phaseSince(): number {
    return this.#phaseSince;
  }

  /** Why the environment is in its phase (the sleep reason, the wake failure), or null. */
  get reason(): string | null {
    return this.#reason;
  }

  /**
   * Moves to `phase`. Becoming `awake` releases every readiness waiter; becoming `failed` releases
   * them with `error`. Going to sleep releases nobody: a request that arrives meanwhile waits for
   * the wake that follows the sleep. Listeners hear of every change.
   */
  setPhase(phase: EnvironmentPhase, now: number, reason: string | null = null, error?: Error): void {
    if (phase === this.#phase && reason === this.#reason) return;
    this.#phase = phase;
    this.#phaseSince = now;
    this.#reason = reason;
    if (phase === 'awake') this.wokeAt = now;
    if (this.#spec.kind === 'local') this.#replicas = { current: phase === 'asleep' ? 0 : 1, awake: 1 };
    this.history.phaseChanged(phase, now, reason, this.#replicas?.awake ?? 0);
    this.#emit({ type: 'phase', phase, at: now, reason });
    if (phase === 'awake') this.#release({ ready: true });
    else if (phase === 'failed') this.#release({ ready: false, error: error ?? new Error(reason ?? 'the wake failed') });
  }

  /** A step of the current wake, for the waiting page. */
  progress(step: string, now: number): void {
    this.lastStep = step;
    this.history.progress(step, now);
    this.#emit({ type: 'progress', step, at: now });
  }

  get keepAwake(): KeepAwake | null {
    return this.#keepAwake;
  }

  /** ms epoch until which it is to be kept awake, or null (what the sleep policy reads). */
  get keepAwakeUntil(): number | null {
    return this.#keepAwake?.until ?? null;
  }

  /** Records (or, with null, withdraws) a keep-awake wish; listeners hear of a real change only. */
  setKeepAwake(wish: KeepAwake | null, now: number): void {
    const before = this.#keepAwake;
    if (before?.until === wish?.until && before?.by === wish?.by) return;
    this.#keepAwake = wish;
    this.history.keepAwakeChanged(wish?.until ?? null, wish?.by ?? before?.by ?? '', now);
    this.#emit({ type: 'changed', at: now });
  }

  get replicas(): Replicas | null {
    return this.#replicas;
  }

  /**
   * The provider's count of replicas; listeners hear of a change. While asleep, `awake` is also
   * what the current asleep stretch spares (the provider learns it after creating the environment).
   */
  setReplicas(replicas: Replicas, now: number): void {
    if (this.#replicas?.current === replicas.current && this.#replicas.awake === replicas.awake) return;
    this.#replicas = replicas;
    if (this.#phase === 'asleep') this.history.sparing(replicas.awake);
    this.#emit({ type: 'changed', at: now });
  }

  /**
   * Resolves when the environment is awake (at once if it is), or with the error of a failed wake.
   * An aborted `signal` resolves it with the abort reason and forgets the waiter.
   */
  whenReady(signal: AbortSignal): Promise<ReadyOutcome> {
    return new Promise((resolve) => {
      const waiter = (outcome: ReadyOutcome): void => {
        this.#waiters.delete(waiter);
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const onAbort = (): void => waiter({ ready: false, error: abortReason(signal) });
      this.#waiters.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
      // Checked after subscribing: a change that happened in between is not missed.
      if (signal.aborted) onAbort();
      else if (this.#phase === 'awake') waiter({ ready: true });
    });
  }

  /** Waiters currently parked on this environment's readiness. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** Follows phase changes and wake progress; returns the unsubscribe function. */
  subscribe(listener: (event: EnvironmentEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #release(outcome: ReadyOutcome): void {
    for (const waiter of [...this.#waiters]) waiter(outcome);
  }

  #emit(event: EnvironmentEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(typeof reason === 'string' ? reason : 'aborted');
}
