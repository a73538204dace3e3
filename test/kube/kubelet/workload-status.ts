/**
 * `status` of Deployments and StatefulSets as their controllers write it, from the pods they own.
 * Pure functions of what the controller knows.
 *
 * Deployment (CONTRACT §4, §13; kubernetes `pkg/controller/deployment/sync.go`, `progress.go`,
 * `util/deployment_util.go`): every counter is omitempty — absent at 0; `replicas` counts pods that
 * are not terminating; `Available` follows maxUnavailable; `Progressing` becomes
 * `NewReplicaSetAvailable` once complete and then stays (a later scale does not touch it), times out
 * to `ProgressDeadlineExceeded` only while a rollout has not completed; `ReplicaFailure` carries a
 * failed pod create.
 *
 * StatefulSet (`pkg/controller/statefulset/stateful_set_control.go` computeReplicaStatus):
 * `replicas` and `availableReplicas` are always present (the latter has no omitempty), the others
 * omitempty; `replicas` counts every created pod, terminating ones included; `collisionCount: 0`.
 */
import { keepTransitionTimes, type Condition } from './shapes.js';

export interface PodSummary {
  readonly terminating: boolean;
  /** Running with condition Ready=True. */
  readonly ready: boolean;
  /** `pod-template-hash` / revision of the template the pod was made from. */
  readonly revision: string;
}

export interface DeploymentStatusInput {
  readonly generation: number;
  readonly desired: number;
  /** The current template's ReplicaSet, `<deployment>-<hash>`, and its hash. */
  readonly replicaSet: string;
  readonly revision: string;
  readonly pods: readonly PodSummary[];
  /** Message of the last failed pod create, while creates fail. */
  readonly failedCreate: string | null;
  readonly maxUnavailable: number;
  readonly progressDeadlineSeconds: number;
  readonly previous: Record<string, unknown> | undefined;
  readonly nowMs: number;
  readonly now: string;
}

const PROGRESS_REASONS = { available: 'NewReplicaSetAvailable', updated: 'ReplicaSetUpdated', created: 'NewReplicaSetCreated', timedOut: 'ProgressDeadlineExceeded' } as const;

export function deploymentStatus(input: DeploymentStatusInput): Record<string, unknown> {
  const active = input.pods.filter((pod) => !pod.terminating);
  const replicas = active.length;
  const updated = active.filter((pod) => pod.revision === input.revision).length;
  const ready = active.filter((pod) => pod.ready).length;
  const available = ready; // minReadySeconds is 0
  const unavailable = Math.max(input.desired - available, 0);
  const previousConditions = (input.previous?.conditions ?? []) as Condition[];
  const counters = { replicas, updatedReplicas: updated, readyReplicas: ready, availableReplicas: available, unavailableReplicas: unavailable };

  const minimum = input.desired - input.maxUnavailable;
  const availableCondition: Condition =
    available >= minimum
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: input.now, lastTransitionTime: input.now }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: input.now, lastTransitionTime: input.now };

  const progressing = progressingCondition(input, counters, previousConditions);
  const conditions: Condition[] = [availableCondition, progressing];
  if (input.failedCreate !== null) {
    conditions.push({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: input.failedCreate, lastUpdateTime: input.now, lastTransitionTime: input.now });
  }
  return {
    observedGeneration: input.generation,
    ...omitZero(counters),
    conditions: keepTransitionTimes(conditions, previousConditions),
  };
}

function progressingCondition(input: DeploymentStatusInput, counters: { replicas: number; updatedReplicas: number; readyReplicas: number; availableReplicas: number }, previous: readonly Condition[]): Condition {
  const before = previous.find((c) => c.type === 'Progressing');
  const rs = `ReplicaSet "${input.replicaSet}"`;
  const condition = (status: 'True' | 'False', reason: string, message: string): Condition => ({ type: 'Progressing', status, reason, message, lastUpdateTime: input.now, lastTransitionTime: input.now });
  // A completed rollout stays completed through scaling: the controller only re-checks progress for a new template.
  const rolledOut = before?.reason === PROGRESS_REASONS.available && before.message === `${rs} has successfully progressed.`;
  if (rolledOut && counters.replicas === counters.updatedReplicas) return before;
  const complete = counters.updatedReplicas === input.desired && counters.replicas === input.desired && counters.availableReplicas === input.desired;
  if (complete) return condition('True', PROGRESS_REASONS.available, `${rs} has successfully progressed.`);
  if (before === undefined) return condition('True', PROGRESS_REASONS.created, `Created new replica set "${input.replicaSet}"`);
  const last = input.previous as { updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number; replicas?: number } | undefined;
  const moved =
    counters.updatedReplicas > (last?.updatedReplicas ?? 0) || counters.readyReplicas > (last?.readyReplicas ?? 0) || counters.availableReplicas > (last?.availableReplicas ?? 0);
  if (moved || (before.reason !== PROGRESS_REASONS.updated && before.reason !== PROGRESS_REASONS.created && before.reason !== PROGRESS_REASONS.timedOut)) {
    return condition('True', PROGRESS_REASONS.updated, `${rs} is progressing.`);
  }
  if (before.reason === PROGRESS_REASONS.timedOut) return before;
  if (progressDeadlinePassed(before, input.progressDeadlineSeconds, input.nowMs)) {
    return condition('False', PROGRESS_REASONS.timedOut, `${rs} has timed out progressing.`);
  }
  return before;
}

/** When a rollout that has not progressed since `condition` was written times out; null if it cannot. */
export function progressDeadlineAt(status: Record<string, unknown> | undefined, progressDeadlineSeconds: number): number | null {
  const condition = ((status?.conditions ?? []) as Condition[]).find((c) => c.type === 'Progressing');
  if (condition === undefined || condition.status !== 'True' || condition.reason === PROGRESS_REASONS.available) return null;
  const since = Date.parse(condition.lastUpdateTime ?? '');
  return Number.isNaN(since) ? null : since + progressDeadlineSeconds * 1000;
}

function progressDeadlinePassed(condition: Condition, seconds: number, nowMs: number): boolean {
  const since = Date.parse(condition.lastUpdateTime ?? '');
  return !Number.isNaN(since) && nowMs >= since + seconds * 1000;
}

/**
 * `maxUnavailable` of a Deployment with `desired` replicas: an int or a percentage rounded down
 * (default 25%); 1 when maxSurge and maxUnavailable both resolve to 0; 0 when scaled to zero.
 */
export function maxUnavailable(strategy: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } } | undefined, desired: number): number {
  if (desired === 0 || strategy?.type === 'Recreate') return 0;
  const resolve = (value: number | string | undefined, fallback: string, round: (n: number) => number): number => {
    const v = value ?? fallback;
    if (typeof v === 'number') return v;
    const percent = /^(\d+)%$/.exec(v);
    return percent === null ? Number(v) || 0 : round((Number(percent[1]) * desired) / 100);
  };
  const unavailable = resolve(strategy?.rollingUpdate?.maxUnavailable, '25%', Math.floor);
  const surge = resolve(strategy?.rollingUpdate?.maxSurge, '25%', Math.ceil);
  return surge === 0 && unavailable === 0 ? 1 : unavailable;
}

export interface StatefulSetStatusInput {
  readonly generation: number;
  /** `<statefulset>-<hash>`, the ControllerRevision of the current template. */
  readonly revision: string;
  readonly pods: readonly PodSummary[];
}

export function statefulSetStatus(input: StatefulSetStatusInput): Record<string, unknown> {
  const live = input.pods.filter((pod) => !pod.terminating);
  const ready = input.pods.filter((pod) => pod.ready).length;
  const current = live.filter((pod) => pod.revision === input.revision).length;
  return {
    observedGeneration: input.generation,
    replicas: input.pods.length,
    ...omitZero({ readyReplicas: ready, currentReplicas: current, updatedReplicas: current }),
    currentRevision: input.revision,
    updateRevision: input.revision,
    collisionCount: 0,
    availableReplicas: ready,
  };
}

function omitZero(counters: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).filter(([, value]) => value !== 0));
}
