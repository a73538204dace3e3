/**
 * Replica changes, through the `/scale` subresource only (least privilege, ARCHITECTURE §5).
 *
 * - `scaleUp` is idempotent across wakegate replicas: it reads the Scale, does nothing when it
 *   already has at least the target (never scales down), and otherwise replaces it carrying the
 *   resourceVersion it read, so of two replicas waking at once one write wins and the other gets
 *   409 Conflict, reads again, and finds nothing left to do (CONTRACT §7).
 * - `scaleToZero` first records the current replicas in `wakegate.io/sleep-replicas` on the
 *   workload (a merge patch of one annotation), then scales to 0 — so a wake knows what to restore
 *   even if the record and the scale are seen by different replicas.
 *
 * Only `spec.replicas` is ever written: a user's edits to a sleeping workload (image, env, …) are
 * never overwritten by a wake.
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ANNOTATIONS } from './annotations.js';
import type { WorkloadKind } from './environment-model.js';
import { KubeApiError, type KubeApi } from './kube-api.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Attempts of a conditional write before giving up on conflicts (other writers keep winning). */
const CONFLICT_ATTEMPTS = 5;

export class Scaler {
  readonly #api: KubeApi;

  constructor(api: KubeApi) {
    this.#api = api;
  }

  /** Scales to at least `replicas`; resolves with what it found or did. */
  async scaleUp(namespace: string, kind: WorkloadKind, name: string, replicas: number): Promise<'already' | 'scaled'> {
    const what = describe(namespace, kind, name, 'scale');
    for (let attempt = 1; ; attempt++) {
      const scale = await this.#api.call('get', what, () =>
        kind === 'Deployment' ? this.#api.apps.readNamespacedDeploymentScale({ namespace, name }) : this.#api.apps.readNamespacedStatefulSetScale({ namespace, name }),
      );
      if ((scale.spec?.replicas ?? 0) >= replicas) return 'already';
      const body = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace, resourceVersion: scale.metadata?.resourceVersion }, spec: { replicas } };
      try {
        await this.#api.call('update', what, () =>
          kind === 'Deployment'
            ? this.#api.apps.replaceNamespacedDeploymentScale({ namespace, name, body })
            : this.#api.apps.replaceNamespacedStatefulSetScale({ namespace, name, body }),
        );
        return 'scaled';
      } catch (err) {
        if (!(err instanceof KubeApiError && err.code === 409) || attempt >= CONFLICT_ATTEMPTS) throw err;
      }
    }
  }

  /** Records `current` as the replicas to restore, then scales to zero. */
  async scaleToZero(namespace: string, kind: WorkloadKind, name: string, current: number): Promise<void> {
    const record = { metadata: { annotations: { [ANNOTATIONS.sleepReplicas]: String(current) } } };
    await this.#api.call('patch', describe(namespace, kind, name), () =>
      kind === 'Deployment'
        ? this.#api.apps.patchNamespacedDeployment({ namespace, name, body: record }, MERGE_PATCH)
        : this.#api.apps.patchNamespacedStatefulSet({ namespace, name, body: record }, MERGE_PATCH),
    );
    const zero = { spec: { replicas: 0 } };
    await this.#api.call('patch', describe(namespace, kind, name, 'scale'), () =>
      kind === 'Deployment'
        ? this.#api.apps.patchNamespacedDeploymentScale({ namespace, name, body: zero }, MERGE_PATCH)
        : this.#api.apps.patchNamespacedStatefulSetScale({ namespace, name, body: zero }, MERGE_PATCH),
    );
  }
}

/** `deployments.apps "web" in namespace "shop"`, as the API server names objects in its messages. */
export function describe(namespace: string, kind: WorkloadKind, name: string, subresource?: string): string {
  const resource = kind === 'Deployment' ? 'deployments' : 'statefulsets';
  return `${resource}.apps${subresource === undefined ? '' : `/${subresource}`} "${name}" in namespace "${namespace}"`;
}
