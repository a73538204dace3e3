import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ANNOTATIONS, formatTime } from './annotations.js';
import type { KubeApi } from './kube-api.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * Writes a keep-awake wish onto the environment's Namespace (`wakegate.io/keep-awake-until`,
 * `wakegate.io/keep-awake-by`), or removes both (a merge patch with null values), so every
 * wakegate replica's sleeper and `kubectl` see it. The watch brings it back into the environment.
 */
export async function writeKeepAwake(api: KubeApi, namespace: string, wish: { readonly until: number; readonly by: string } | null): Promise<void> {
  const annotations: Record<string, string | null> =
    wish === null ? { [ANNOTATIONS.keepAwakeUntil]: null, [ANNOTATIONS.keepAwakeBy]: null } : { [ANNOTATIONS.keepAwakeUntil]: formatTime(wish.until), [ANNOTATIONS.keepAwakeBy]: wish.by };
  await api.call('patch', `namespaces "${namespace}"`, () => api.core.patchNamespace({ name: namespace, body: { metadata: { annotations } } }, MERGE_PATCH));
}
