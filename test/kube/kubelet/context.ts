/** What the simulated controllers share: the store, the resolved options, a logger, and how to say a pod changed. */
import type { Store } from '../fake-api/store.js';
import type { ObjectCache } from './object-cache.js';

/** pino-compatible; only these two levels are used. */
export interface KubeletLogger {
  debug(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** The default: debug dropped; warnings (a reconcile that threw, a pod process that died) on stderr, so that a test failing because of one says why. */
export const WARNINGS_TO_STDERR: KubeletLogger = {
  debug: () => undefined,
  warn: (details, message) => {
    const text = JSON.stringify(details, (_, value: unknown) => (value instanceof Error ? (value.stack ?? value.message) : value));
    process.stderr.write(`simulated kubelet: ${message} ${text}\n`);
  },
};

export interface ResolvedOptions {
  readonly startDelayMs: number;
  readonly stopDelayMs: number;
  readonly processes: boolean;
  readonly backoffMs: number;
}

/** `deployments/<namespace>/<name>` or `statefulsets/<namespace>/<name>`. */
export type WorkloadKey = string;

export interface Context {
  readonly store: Store;
  /** Pods, Services and EndpointSlices as last seen on the change feed. */
  readonly cache: ObjectCache;
  readonly options: ResolvedOptions;
  readonly log: KubeletLogger;
  /**
   * A pod's state (or existence) changed: its workload's status needs a look. (Its Services' slices
   * follow from the pod's own change on the store's feed.)
   */
  podChanged(owner: WorkloadKey): void;
  /** Something that `whenIdle` waits for has finished. */
  settledMaybe(): void;
  readonly closed: boolean;
}
