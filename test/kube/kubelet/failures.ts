/**
 * The ways a workload's pods fail, and the words a real cluster uses for each (CONTRACT §13; kubelet
 * `pkg/kubelet/images/types.go`, `pkg/kubelet/container/sync_result.go`; scheduler and quota
 * admission messages as `kubectl describe` shows them).
 */

export type Failure = 'ImagePullBackOff' | 'CrashLoopBackOff' | 'Unschedulable' | 'FailedCreate' | 'CreateContainerConfigError';

export const FAILURES: readonly Failure[] = ['ImagePullBackOff', 'CrashLoopBackOff', 'Unschedulable', 'FailedCreate', 'CreateContainerConfigError'];

/** The scheduler's verdict on a cluster of three nodes none of which has room. */
export function unschedulableMessage(nodes: number): string {
  return `0/${nodes} nodes are available: ${nodes} Insufficient cpu. preemption: 0/${nodes} nodes are available: ${nodes} No preemption victims found for incoming pod.`;
}

/** The kubelet's first report of an image it cannot pull. */
export function errImagePullMessage(image: string): string {
  const repository = image.replace(/:[^/:]*$/, '');
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${repository}: not found`;
}

/** What it reports while it waits before the next pull. */
export function imagePullBackOffMessage(image: string): string {
  return `Back-off pulling image "${image}"`;
}

/** A container that refers to a Secret that does not exist. */
export function createContainerConfigErrorMessage(workload: string): string {
  return `secret "${workload}-env" not found`;
}

/** The kubelet's message while a crashing container waits for its next restart. */
export function crashLoopMessage(backoffSeconds: number, container: string, pod: string, namespace: string, uid: string): string {
  return `back-off ${backoffSeconds}s restarting failed container=${container} pod=${pod}_${namespace}(${uid})`;
}

/** Quota admission refusing a pod, as the ReplicaSet (or StatefulSet) controller reports it. */
export function failedCreateMessage(podName: string): string {
  return `pods "${podName}" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=500m, used: requests.cpu=2, limited: requests.cpu=2`;
}
