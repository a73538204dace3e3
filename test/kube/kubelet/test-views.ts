/** Typed views of the status fields the kubelet's tests read (stored objects are plain JSON). */
import type { KubeObject } from '../fake-api/store.js';

export interface ConditionView {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

export interface ContainerStatusView {
  readonly name: string;
  readonly image: string;
  readonly imageID: string;
  readonly ready: boolean;
  readonly started?: boolean;
  readonly restartCount: number;
  readonly state: { readonly waiting?: { readonly reason: string; readonly message?: string }; readonly running?: { readonly startedAt: string } };
  readonly lastState: { readonly terminated?: { readonly exitCode: number; readonly reason?: string; readonly containerID?: string } };
}

export interface StatusView {
  readonly phase?: string;
  readonly podIP?: string;
  readonly conditions?: readonly ConditionView[];
  readonly containerStatuses?: readonly ContainerStatusView[];
  readonly replicas?: number;
  readonly readyReplicas?: number;
  readonly availableReplicas?: number;
  readonly updatedReplicas?: number;
  readonly unavailableReplicas?: number;
  readonly [field: string]: unknown;
}

export function statusOf(object: KubeObject | undefined): StatusView {
  return (object?.status ?? {}) as StatusView;
}

export function conditionOf(object: KubeObject | undefined, type: string): ConditionView | undefined {
  return statusOf(object).conditions?.find((c) => c.type === type);
}
