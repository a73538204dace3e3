import { performance } from 'node:perf_hooks';
import type { Activity } from '../environments/environment.js';

/**
 * What the proxy carries along with one request, from its head to its last byte: when it began, the
 * activity it counts toward (none for probes and bots, or when no environment was found), and how
 * long it waited for a wake.
 */
export class RequestContext {
  readonly startedAt = performance.now();
  /** Set when the request counts as activity: ended exactly once, by `finish`. */
  activity: Activity | null = null;
  /** Milliseconds the request was held while its environment woke; null when it was not. */
  coldStartMs: number | null = null;
  /** Called when the response head of a request that was held arrives from the upstream. */
  onFirstByte: (() => void) | null = null;

  /** Counts the request toward `activity` until `finish` (or, for a tunnel, until it closes). */
  track(activity: Activity): void {
    this.activity = activity;
    activity.begin(Date.now());
  }

  /** Ends the activity this request counts toward, once. */
  finish(): void {
    const activity = this.activity;
    if (activity === null) return;
    this.activity = null;
    activity.end(Date.now());
  }

  /** Hands the activity over to something that outlives the response (an upgraded connection). */
  detachActivity(): Activity | null {
    const activity = this.activity;
    this.activity = null;
    return activity;
  }
}
