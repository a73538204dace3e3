/**
 * Fail fast: while an environment wakes, the states of its Pods and workloads that will not resolve
 * by waiting (CONTRACT §13) end the wait at once with a 502 naming the workload and the reason,
 * instead of holding every request until `wake.timeout`.
 *
 * A pure function of the objects the informers hold. A Pod belongs to the workload whose selector
 * matches its labels — what the controllers themselves use — so ReplicaSets need not be watched.
 */
import { nameOf, selectorMatches, type ContainerStatus, type PodObject, type WorkloadObject } from './objects.js';
import type { WorkloadKind } from './environment-model.js';

/** Container waiting reasons a kubelet keeps reporting until someone changes the workload. */
const STUCK_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

export interface StuckWorkload {
  readonly kind: WorkloadKind;
  readonly name: string;
  /** The kubelet's or controller's reason, e.g. `ImagePullBackOff`, `Unschedulable`, `FailedCreate`. */
  readonly reason: string;
  /** Its message, or what we know (the last exit code of a crashing container). */
  readonly message: string;
}

export interface WorkloadsAndPods {
  readonly deployments: readonly WorkloadObject[];
  readonly statefulSets: readonly WorkloadObject[];
  readonly pods: readonly PodObject[];
}

/** The first workload of `names` (kind/name pairs being woken) that cannot become ready by waiting; null if none. */
export function stuckWorkload(objects: WorkloadsAndPods, woken: readonly { kind: WorkloadKind; name: string }[]): StuckWorkload | null {
  for (const { kind, name } of woken) {
    const workload = (kind === 'Deployment' ? objects.deployments : objects.statefulSets).find((w) => nameOf(w) === name);
    if (workload === undefined) continue;
    const failed = failedCondition(workload);
    if (failed !== null) return { kind, name, ...failed };
    for (const pod of objects.pods) {
      if (!selectorMatches(workload.spec?.selector, pod.metadata?.labels)) continue;
      const problem = podProblem(pod);
      if (problem !== null) return { kind, name, ...problem };
    }
  }
  return null;
}

/** Pods cannot even be created (quota, admission), or the rollout gave up (CONTRACT §13). */
function failedCondition(workload: WorkloadObject): { reason: string; message: string } | null {
  for (const condition of workload.status?.conditions ?? []) {
    if (condition.type === 'ReplicaFailure' && condition.status === 'True') {
      return { reason: condition.reason ?? 'ReplicaFailure', message: condition.message ?? 'pods cannot be created' };
    }
    if (condition.type === 'Progressing' && condition.status === 'False' && condition.reason === 'ProgressDeadlineExceeded') {
      return { reason: 'ProgressDeadlineExceeded', message: condition.message ?? 'the rollout did not progress in time' };
    }
  }
  return null;
}

function podProblem(pod: PodObject): { reason: string; message: string } | null {
  for (const condition of pod.status?.conditions ?? []) {
    if (condition.type === 'PodScheduled' && condition.status === 'False' && condition.reason === 'Unschedulable') {
      return { reason: 'Unschedulable', message: `pod ${nameOf(pod)}: ${condition.message ?? 'no node can run it'}` };
    }
  }
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const reason = status.state?.waiting?.reason;
    if (reason !== undefined && STUCK_REASONS.has(reason)) return { reason, message: `pod ${nameOf(pod)}, container ${status.name ?? '?'}: ${describe(status)}` };
  }
  return null;
}

function describe(status: ContainerStatus): string {
  const waiting = status.state?.waiting;
  const last = status.lastState?.terminated;
  const parts = [waiting?.message ?? waiting?.reason ?? 'waiting'];
  if (last !== undefined) parts.push(`last exit code ${last.exitCode ?? '?'}${last.reason === undefined ? '' : ` (${last.reason})`}`);
  if ((status.restartCount ?? 0) > 0) parts.push(`${status.restartCount} restarts`);
  return parts.join('; ');
}
