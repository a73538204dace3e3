import type { WakeMark } from '../provider.js';

/** The work of a wake: runs once, under the wake's own signal, reporting steps and phase marks. */
export type WakeWork = (signal: AbortSignal, step: (step: string) => void, mark: (mark: WakeMark) => void) => Promise<void>;

/** What a caller of the wake is told as it goes. */
interface Follower {
  readonly progress: (step: string) => void;
  readonly mark: (mark: WakeMark) => void;
}

/**
 * One wake of one environment, shared by every caller that asks while it runs (single-flight).
 *
 * The work runs once under a signal of its own; callers join and leave with theirs. A caller whose
 * signal aborts is rejected at once with the abort reason and leaves. When the last caller has left
 * before the work settled, the work is abandoned — its signal aborts, so it stops probing and holds
 * no timer or socket — but what it started stays started, for the next wake to pick up.
 *
 * A joining caller is told the steps and marks so far at once, then every following one.
 */
export class SharedWake {
  readonly #controller = new AbortController();
  readonly #outcome: Promise<void>;
  readonly #listeners = new Set<Follower>();
  readonly #onEnd: () => void;
  #reject: (error: Error) => void = () => undefined;
  readonly #steps: string[] = [];
  readonly #marks: WakeMark[] = [];
  #callers = 0;
  #ended = false;

  /** `onEnd` runs once, when the wake succeeded, failed or was abandoned: it is no longer joinable. */
  constructor(work: WakeWork, onEnd: () => void) {
    this.#onEnd = onEnd;
    this.#outcome = new Promise<void>((resolve, reject) => {
      this.#reject = reject;
      work(this.#controller.signal, (step) => this.#step(step), (mark) => this.#mark(mark)).then(resolve, reject);
    });
    // Settles with nobody listening when abandoned or failed by `fail` before anyone joined.
    this.#outcome.catch(() => undefined);
    this.#outcome.then(
      () => this.#end(),
      () => this.#end(),
    );
  }

  /** Resolves when the work does; rejects with its error, or with the reason of `signal`. */
  join(signal: AbortSignal, progress: (step: string) => void, mark: (mark: WakeMark) => void = () => undefined): Promise<void> {
    const follower: Follower = { progress, mark };
    return new Promise((resolve, reject) => {
      this.#callers++;
      this.#listeners.add(follower);
      let left = false;
      const leave = (): void => {
        if (left) return;
        left = true;
        signal.removeEventListener('abort', onAbort);
        this.#listeners.delete(follower);
        this.#callers--;
        if (this.#callers === 0 && !this.#ended) this.#abandon();
      };
      const onAbort = (): void => {
        leave();
        reject(abortReason(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      for (const step of this.#steps) tell(progress, step);
      for (const m of this.#marks) tell(mark, m);
      this.#outcome.then(
        () => {
          leave();
          resolve();
        },
        (err: unknown) => {
          leave();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
      if (signal.aborted) onAbort();
    });
  }

  /** Rejects every caller with `error` now and aborts the work (a sleep or close overtook the wake). */
  fail(error: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#controller.abort(error);
    this.#reject(error);
    this.#onEnd();
  }

  #abandon(): void {
    this.#ended = true;
    this.#controller.abort(new Error('every caller of the wake has left'));
    this.#onEnd();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onEnd();
  }

  #step(step: string): void {
    if (this.#controller.signal.aborted) return;
    this.#steps.push(step);
    for (const listener of [...this.#listeners]) tell(listener.progress, step);
  }

  #mark(mark: WakeMark): void {
    if (this.#controller.signal.aborted || this.#marks.includes(mark)) return;
    this.#marks.push(mark);
    for (const listener of [...this.#listeners]) tell(listener.mark, mark);
  }
}

/** A progress listener that throws must not break the wake nor the other listeners. */
function tell<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value);
  } catch {
    // the listener's problem, not the wake's
  }
}

/** The reason `signal` was aborted with, as an Error (a non-Error reason becomes the cause). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new Error(typeof reason === 'string' ? reason : 'aborted', { cause: reason });
}
