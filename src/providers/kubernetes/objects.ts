/**
 * The fields of Kubernetes objects wakegate reads, typed structurally. The informers hold two shapes
 * of the same object — list results are client-node models (timestamps as `Date`), watch events raw
 * JSON (timestamps as strings) (CONTRACT §3, §10) — so nothing here reads a timestamp, and every
 * field is optional: an omitempty field is absent (CONTRACT §4: Deployment status counters,
 * `endpoints: null` on an EndpointSlice with no pods).
 */

export interface Meta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly labels?: Readonly<Record<string, string>> | null;
  readonly annotations?: Readonly<Record<string, string>> | null;
  readonly ownerReferences?: readonly { readonly kind?: string; readonly name?: string; readonly controller?: boolean }[] | null;
}

export interface KubeObject {
  readonly metadata?: Meta;
}

export interface NamespaceObject extends KubeObject {
  readonly status?: { readonly phase?: string };
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>> | null;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] | null }[] | null;
}

export interface WorkloadObject extends KubeObject {
  readonly spec?: {
    readonly replicas?: number;
    readonly selector?: LabelSelector;
    readonly template?: unknown;
  };
  readonly status?: {
    readonly replicas?: number;
    readonly readyReplicas?: number;
    readonly availableReplicas?: number;
    readonly updatedReplicas?: number;
    readonly observedGeneration?: number;
    readonly conditions?: readonly Condition[] | null;
  };
}

export interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface ServicePort {
  readonly name?: string;
  readonly port?: number;
  readonly targetPort?: number | string;
  readonly protocol?: string;
}

export interface ServiceObject extends KubeObject {
  readonly spec?: { readonly selector?: Readonly<Record<string, string>> | null; readonly ports?: readonly ServicePort[] | null };
}

export interface EndpointSliceObject extends KubeObject {
  readonly addressType?: string;
  readonly endpoints?: readonly {
    readonly addresses?: readonly string[];
    readonly conditions?: { readonly ready?: boolean | null; readonly serving?: boolean | null; readonly terminating?: boolean | null };
  }[] | null;
  readonly ports?: readonly { readonly name?: string | null; readonly port?: number | null; readonly protocol?: string }[] | null;
}

export interface IngressBackend {
  readonly service?: { readonly name?: string; readonly port?: { readonly number?: number; readonly name?: string } };
}

export interface IngressObject extends KubeObject {
  readonly spec?: {
    readonly ingressClassName?: string;
    readonly rules?: readonly {
      readonly host?: string;
      readonly http?: { readonly paths?: readonly { readonly path?: string; readonly pathType?: string; readonly backend?: IngressBackend }[] };
    }[] | null;
  };
}

export interface ContainerStatus {
  readonly name?: string;
  readonly ready?: boolean;
  readonly restartCount?: number;
  readonly state?: {
    readonly waiting?: { readonly reason?: string; readonly message?: string };
    readonly terminated?: { readonly reason?: string; readonly exitCode?: number };
  };
  readonly lastState?: { readonly terminated?: { readonly reason?: string; readonly exitCode?: number; readonly message?: string } };
}

export interface PodObject extends KubeObject {
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: readonly Condition[] | null;
    readonly containerStatuses?: readonly ContainerStatus[] | null;
    readonly initContainerStatuses?: readonly ContainerStatus[] | null;
  };
}

export interface CronJobObject extends KubeObject {
  readonly spec?: { readonly suspend?: boolean };
}

export function nameOf(object: KubeObject): string {
  return object.metadata?.name ?? '';
}

export function namespaceOf(object: KubeObject): string {
  return object.metadata?.namespace ?? '';
}

export function annotation(object: KubeObject, key: string): string | undefined {
  return object.metadata?.annotations?.[key] ?? undefined;
}

/** Whether `labels` match a workload's `LabelSelector` (matchLabels and matchExpressions, as the API server evaluates them). */
export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>> | null | undefined): boolean {
  if (selector === undefined) return false;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (have[key] !== value) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const value = have[expression.key];
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        if (value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
      default:
        return false;
    }
  }
  // An empty selector selects nothing for a workload (the API server rejects it on Deployments).
  return Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).length > 0;
}
