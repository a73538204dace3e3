/**
 * Kubernetes Events about environments (woke, slept, wake failed), so `kubectl get events` tells
 * the story without wakegate's logs. The involved object is the Namespace, which is cluster-scoped,
 * so the Events live in `default` (CONTRACT §7: a legacy Event about a cluster-scoped object must
 * be in `default`). Recording is best effort: a refused Event is logged, never a failed wake.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { KubeApi } from './kube-api.js';

export type EventReason = 'Woken' | 'WakeFailed' | 'Slept' | 'SleepFailed';

export class KubeEvents {
  readonly #api: KubeApi;
  readonly #identity: string;
  readonly #logger: Logger;

  constructor(api: KubeApi, identity: string, logger: Logger) {
    this.#api = api;
    this.#identity = identity;
    this.#logger = logger;
  }

  record(namespace: string, reason: EventReason, message: string): void {
    const now = new Date();
    const body = {
      metadata: { name: `${namespace}.${randomBytes(8).toString('hex')}`, namespace: 'default' },
      involvedObject: { apiVersion: 'v1', kind: 'Namespace', name: namespace },
      reason,
      message: message.slice(0, 1024),
      type: reason === 'WakeFailed' || reason === 'SleepFailed' ? 'Warning' : 'Normal',
      source: { component: 'wakegate', host: this.#identity },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    this.#api
      .call('create', `an Event about namespace "${namespace}"`, () => this.#api.core.createNamespacedEvent({ namespace: 'default', body }))
      .catch((err: unknown) => this.#logger.debug({ err, namespace, reason }, 'could not record a Kubernetes Event'));
  }
}
