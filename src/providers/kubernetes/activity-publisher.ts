/**
 * Shares what this replica knows with the others through namespace annotations (ARCHITECTURE §4):
 * `wakegate.io/last-activity` (the last request seen here), `wakegate.io/phase` and
 * `wakegate.io/phase-since`.
 *
 * Batched: every `interval` (10 s) one merge patch per namespace that has news, so each replica
 * writes at most one patch per environment per interval however busy it is, and nothing at all on
 * the request path. An activity older than what the namespace already says is not written (another
 * replica saw a later request). A failed write is retried at the next flush.
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ANNOTATIONS, formatTime } from './annotations.js';
import type { KubeApi } from './kube-api.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Pending {
  activity: number | null;
  phase: { readonly name: string; readonly since: number } | null;
}

export interface ActivityPublisherOptions {
  readonly api: KubeApi;
  readonly logger: Logger;
  /** ms between flushes. Default 10 s. */
  readonly interval?: number;
  /** The last activity the namespace's annotation shows (from the informer), ms epoch or null. */
  readonly published: (namespace: string) => number | null;
}

export class ActivityPublisher {
  readonly #options: ActivityPublisherOptions;
  readonly #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> | null = null;

  constructor(options: ActivityPublisherOptions) {
    this.#options = options;
  }

  /** Flushes every `interval`; `collect` runs first each time, to hand in the activity seen since. */
  start(collect: () => void = () => undefined): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => {
      collect();
      void this.flush();
    }, this.#options.interval ?? 10_000);
    this.#timer.unref();
  }

  /** A request was seen at `at` (ms epoch). */
  activity(namespace: string, at: number): void {
    const pending = this.#entry(namespace);
    if (pending.activity === null || at > pending.activity) pending.activity = at;
  }

  /** The environment entered `phase` at `since` (ms epoch). */
  phase(namespace: string, phase: string, since: number): void {
    this.#entry(namespace).phase = { name: phase, since };
  }

  /** Writes everything pending now; resolves when done (a flush in progress is joined). */
  flush(): Promise<void> {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  /** Stops the timer and writes what is pending (`collect` first, as at every flush). */
  async stop(collect: () => void = () => undefined): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    collect();
    await this.flush();
  }

  #entry(namespace: string): Pending {
    let pending = this.#pending.get(namespace);
    if (pending === undefined) {
      pending = { activity: null, phase: null };
      this.#pending.set(namespace, pending);
    }
    return pending;
  }

  async #flush(): Promise<void> {
    const batch = [...this.#pending];
    this.#pending.clear();
    for (const [namespace, pending] of batch) {
      const annotations: Record<string, string> = {};
      const published = this.#options.published(namespace);
      // The annotation has second precision: a request within the published second is not news.
      if (pending.activity !== null && (published === null || Math.floor(pending.activity / 1000) > Math.floor(published / 1000))) {
        annotations[ANNOTATIONS.lastActivity] = formatTime(pending.activity);
      }
      if (pending.phase !== null) {
        annotations[ANNOTATIONS.phase] = pending.phase.name;
        annotations[ANNOTATIONS.phaseSince] = formatTime(pending.phase.since);
      }
      if (Object.keys(annotations).length === 0) continue;
      try {
        await this.#options.api.call('patch', `namespaces "${namespace}"`, () =>
          this.#options.api.core.patchNamespace({ name: namespace, body: { metadata: { annotations } } }, MERGE_PATCH),
        );
      } catch (err) {
        if ((err as { code?: unknown }).code === 404) continue; // the namespace is gone
        this.#options.logger.warn({ err: (err as Error).message, namespace }, 'could not publish activity; retrying at the next flush');
        if (pending.activity !== null) this.activity(namespace, pending.activity);
        if (pending.phase !== null && this.#pending.get(namespace)?.phase == null) this.phase(namespace, pending.phase.name, pending.phase.since);
      }
    }
  }
}
