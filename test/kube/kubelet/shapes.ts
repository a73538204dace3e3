/**
 * The fields of stored objects the simulated controllers read, typed structurally (the store holds
 * plain JSON). Everything is optional, as in what `kubectl apply` may have stored.
 */

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort?: number;
  readonly protocol?: string;
}

export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly ports?: readonly ContainerPort[];
  readonly [field: string]: unknown;
}

export interface PodTemplate {
  readonly metadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec?: { readonly containers?: readonly Container[]; readonly [field: string]: unknown };
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>> | null;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] | null }[] | null;
}

export interface WorkloadSpec {
  readonly replicas?: number;
  readonly selector?: LabelSelector;
  readonly template?: PodTemplate;
  readonly serviceName?: string;
  readonly progressDeadlineSeconds?: number;
  readonly strategy?: { readonly rollingUpdate?: { readonly maxUnavailable?: number | string; readonly maxSurge?: number | string } };
}

export interface ServicePort {
  readonly name?: string;
  readonly port?: number;
  readonly targetPort?: number | string;
  readonly protocol?: string;
  readonly appProtocol?: string;
}

export interface ServiceSpec {
  readonly selector?: Readonly<Record<string, string>> | null;
  readonly ports?: readonly ServicePort[];
}

export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
  readonly lastUpdateTime?: string;
}

/** Workloads the simulated controllers run, by the store's resource name. */
export type WorkloadResource = 'deployments' | 'statefulsets';
export type WorkloadKind = 'Deployment' | 'StatefulSet';

export const RESOURCE_OF_KIND: Readonly<Record<WorkloadKind, WorkloadResource>> = { Deployment: 'deployments', StatefulSet: 'statefulsets' };

/** Does a workload's label selector select `labels`? An empty selector selects nothing (the API server refuses it on workloads). */
export function selects(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (selector === undefined) return false;
  const have = labels ?? {};
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  if (matchLabels.length === 0 && expressions.length === 0) return false;
  if (!matchLabels.every(([key, value]) => have[key] === value)) return false;
  return expressions.every(({ key, operator, values }) => {
    const value = have[key];
    switch (operator) {
      case 'In':
        return value !== undefined && (values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
}

/** Does a Service's selector (a plain map) select `labels`? A Service without one has no managed endpoints. */
export function serviceSelects(selector: Readonly<Record<string, string>> | null | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([key, value]) => labels?.[key] === value);
}

/**
 * Replaces `next`'s transition times by `previous`'s where a condition's status did not change, as
 * every controller does: `lastTransitionTime` moves only when `status` flips.
 */
export function keepTransitionTimes<C extends Condition>(next: readonly C[], previous: readonly Condition[] | undefined): C[] {
  return next.map((condition) => {
    const before = previous?.find((c) => c.type === condition.type);
    if (before === undefined || before.status !== condition.status || before.lastTransitionTime === undefined) return condition;
    const kept: C & { lastUpdateTime?: string } = { ...condition, lastTransitionTime: before.lastTransitionTime };
    // Deployment conditions: an unchanged one keeps its lastUpdateTime too — except Progressing, whose
    // lastUpdateTime marks the last progress seen (the progress deadline counts from it).
    const unchanged = before.reason === condition.reason && before.message === condition.message;
    if (condition.type !== 'Progressing' && unchanged && condition.lastUpdateTime !== undefined && before.lastUpdateTime !== undefined) {
      return { ...kept, lastUpdateTime: before.lastUpdateTime };
    }
    return kept;
  });
}
