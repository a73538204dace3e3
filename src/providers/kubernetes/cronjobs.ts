/**
 * `wakegate.io/suspend-cronjobs: "true"` on a namespace: its CronJobs are suspended while it sleeps
 * and resumed on wake (CONTRACT §13). Only CronJobs wakegate suspended are resumed — each carries
 * `wakegate.io/suspended-for-sleep` — so one a user had suspended stays suspended. Jobs already
 * running are not touched ("suspending a CronJob does not affect Jobs that are already running").
 *
 * CronJobs are listed when needed (at sleep and wake), not watched: nothing on the request path reads them.
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ANNOTATIONS } from './annotations.js';
import type { KubeApi } from './kube-api.js';
import { annotation, nameOf, type CronJobObject } from './objects.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export class CronJobs {
  readonly #api: KubeApi;

  constructor(api: KubeApi) {
    this.#api = api;
  }

  /** Suspends every running CronJob of `namespace`, marking them; returns their names. */
  async suspend(namespace: string): Promise<string[]> {
    const suspended: string[] = [];
    for (const cronJob of await this.#list(namespace)) {
      if (cronJob.spec?.suspend === true) continue;
      const name = nameOf(cronJob);
      const body = { metadata: { annotations: { [ANNOTATIONS.suspendedForSleep]: 'true' } }, spec: { suspend: true } };
      await this.#api.call('patch', `cronjobs.batch "${name}" in namespace "${namespace}"`, () => this.#api.batch.patchNamespacedCronJob({ namespace, name, body }, MERGE_PATCH));
      suspended.push(name);
    }
    return suspended;
  }

  /** Resumes the CronJobs of `namespace` that `suspend` suspended; returns their names. */
  async resume(namespace: string): Promise<string[]> {
    const resumed: string[] = [];
    for (const cronJob of await this.#list(namespace)) {
      if (annotation(cronJob, ANNOTATIONS.suspendedForSleep) !== 'true') continue;
      const name = nameOf(cronJob);
      const body = { metadata: { annotations: { [ANNOTATIONS.suspendedForSleep]: null } }, spec: { suspend: false } };
      await this.#api.call('patch', `cronjobs.batch "${name}" in namespace "${namespace}"`, () => this.#api.batch.patchNamespacedCronJob({ namespace, name, body }, MERGE_PATCH));
      resumed.push(name);
    }
    return resumed;
  }

  async #list(namespace: string): Promise<readonly CronJobObject[]> {
    const list = await this.#api.call('list', `cronjobs.batch in namespace "${namespace}"`, () => this.#api.batch.listNamespacedCronJob({ namespace }));
    return list.items;
  }
}
