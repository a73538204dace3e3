/**
 * What one namespace means to wakegate, computed from the objects the informers hold: a pure
 * function of a `NamespaceSnapshot`, so the provider, the API and the tests agree on every answer.
 *
 * - Routes come from its Ingresses (host + path → Service:port). Every path type is served as a
 *   prefix: the ingress controller behind wakegate applies `Exact` itself; wakegate only has to
 *   send the request to the right environment.
 * - Workloads are its Deployments and StatefulSets, minus `wakegate.io/ignore`.
 * - It is `asleep` when every workload has 0 replicas, `up` when every workload is scaled and ready
 *   and every routed Service has a ready endpoint, and `starting` otherwise (partly scaled, or
 *   scaled and not ready yet: a wake — ours, another replica's or a user's — is under way).
 */
import { createHash } from 'node:crypto';
import {
  ANNOTATIONS,
  readFlag,
  readIdleAfter,
  readReplicas,
  readTime,
  readWakeOrder,
} from './annotations.js';
import {
  annotation,
  nameOf,
  type EndpointSliceObject,
  type IngressObject,
  type NamespaceObject,
  type ServiceObject,
  type WorkloadObject,
} from './objects.js';

export interface NamespaceSnapshot {
  readonly namespace: NamespaceObject;
  readonly deployments: readonly WorkloadObject[];
  readonly statefulSets: readonly WorkloadObject[];
  readonly services: readonly ServiceObject[];
  readonly endpointSlices: readonly EndpointSliceObject[];
  readonly ingresses: readonly IngressObject[];
}

export type WorkloadKind = 'Deployment' | 'StatefulSet';

export interface WorkloadFacts {
  readonly kind: WorkloadKind;
  readonly name: string;
  /** `spec.replicas` (absent means 1, the API default). */
  readonly replicas: number;
  readonly readyReplicas: number;
  /** What a wake scales it to: `wakegate.io/sleep-replicas`, else 1. */
  readonly wakeReplicas: number;
  readonly wakeOrder: number;
  readonly ignored: boolean;
  /** A hash of `spec.template`: a change is a rollout (see `templateHash`). */
  readonly template: string;
}

export interface RouteFacts {
  readonly host: string;
  readonly pathPrefix: string;
  readonly service: string;
  readonly port: { readonly number?: number; readonly name?: string };
}

export type ClusterState = 'asleep' | 'up' | 'starting';

export interface EnvironmentFacts {
  readonly id: string;
  readonly routes: readonly RouteFacts[];
  readonly workloads: readonly WorkloadFacts[];
  /** ms; Infinity = never; null = the configured default. */
  readonly idleAfter: number | null;
  readonly lastActivity: number | null;
  /** `wakegate.io/phase` and `wakegate.io/phase-since`: the last phase a wakegate wrote, and since when. */
  readonly publishedPhase: string | null;
  readonly publishedPhaseSince: number | null;
  readonly keepAwakeUntil: number | null;
  /** `wakegate.io/keep-awake-by`, or null. */
  readonly keepAwakeBy: string | null;
  readonly suspendCronJobs: boolean;
  readonly state: ClusterState;
  /** What is not ready yet, in words (for the waiting page); null when up. */
  readonly notReady: string | null;
  /** Annotations and Ingress rules that could not be read, in words. */
  readonly problems: readonly string[];
}

export function environmentFacts(snapshot: NamespaceSnapshot): EnvironmentFacts {
  const id = nameOf(snapshot.namespace);
  const problems: string[] = [];
  const read = <T>(result: { ok: true; value: T } | { ok: false; problem: string }, fallback: T): T => {
    if (result.ok) return result.value;
    problems.push(result.problem);
    return fallback;
  };
  const ns = snapshot.namespace;
  const workloads = [
    ...snapshot.deployments.map((w) => workloadFacts('Deployment', w, read)),
    ...snapshot.statefulSets.map((w) => workloadFacts('StatefulSet', w, read)),
  ].sort((a, b) => a.wakeOrder - b.wakeOrder || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  const routes = ingressRoutes(snapshot.ingresses, problems);
  const { state, notReady } = clusterState(workloads, routes, snapshot);
  return {
    id,
    routes,
    workloads,
    idleAfter: read(readIdleAfter(annotation(ns, ANNOTATIONS.idleAfter)), null),
    lastActivity: read(readTime(ANNOTATIONS.lastActivity, annotation(ns, ANNOTATIONS.lastActivity)), null),
    publishedPhase: annotation(ns, ANNOTATIONS.phase) ?? null,
    publishedPhaseSince: read(readTime(ANNOTATIONS.phaseSince, annotation(ns, ANNOTATIONS.phaseSince)), null),
    keepAwakeUntil: read(readTime(ANNOTATIONS.keepAwakeUntil, annotation(ns, ANNOTATIONS.keepAwakeUntil)), null),
    keepAwakeBy: annotation(ns, ANNOTATIONS.keepAwakeBy)?.slice(0, 64) || null,
    suspendCronJobs: readFlag(annotation(ns, ANNOTATIONS.suspendCronJobs)),
    state,
    notReady,
    problems,
  };
}

type Reader = <T>(result: { ok: true; value: T } | { ok: false; problem: string }, fallback: T) => T;

function workloadFacts(kind: WorkloadKind, w: WorkloadObject, read: Reader): WorkloadFacts {
  const sleepReplicas = read(readReplicas(annotation(w, ANNOTATIONS.sleepReplicas)), null);
  return {
    kind,
    name: nameOf(w),
    replicas: w.spec?.replicas ?? 1,
    readyReplicas: w.status?.readyReplicas ?? 0,
    wakeReplicas: sleepReplicas !== null && sleepReplicas > 0 ? sleepReplicas : 1,
    wakeOrder: read(readWakeOrder(annotation(w, ANNOTATIONS.wakeOrder)), 0),
    ignored: readFlag(annotation(w, ANNOTATIONS.ignore)),
    // The caches store the hash already (slim.ts); a whole template (tests, other callers) is hashed here.
    template: typeof w.spec?.template === 'string' ? w.spec.template : templateHash(w.spec?.template),
  };
}

function ingressRoutes(ingresses: readonly IngressObject[], problems: string[]): RouteFacts[] {
  const routes: RouteFacts[] = [];
  const seen = new Set<string>();
  for (const ingress of ingresses) {
    for (const rule of ingress.spec?.rules ?? []) {
      if (rule.host === undefined || rule.host === '') {
        problems.push(`Ingress ${nameOf(ingress)}: a rule without a host is not routed (wakegate routes by host)`);
        continue;
      }
      for (const path of rule.http?.paths ?? []) {
        const service = path.backend?.service;
        if (service?.name === undefined || service.port === undefined) {
          problems.push(`Ingress ${nameOf(ingress)}: a path of ${rule.host} has no Service backend`);
          continue;
        }
        const prefix = path.path === undefined || path.path === '' ? '/' : path.path;
        if (!prefix.startsWith('/') || /[()[\]*+?{}|^$\\]/.test(prefix)) {
          problems.push(`Ingress ${nameOf(ingress)}: path "${prefix}" of ${rule.host} is not a plain path prefix`);
          continue;
        }
        const key = `${rule.host.toLowerCase()} ${prefix}`;
        if (seen.has(key)) continue;
        seen.add(key);
        routes.push({ host: rule.host.toLowerCase(), pathPrefix: prefix, service: service.name, port: service.port });
      }
    }
  }
  return routes;
}

function clusterState(workloads: readonly WorkloadFacts[], routes: readonly RouteFacts[], snapshot: NamespaceSnapshot): { state: ClusterState; notReady: string | null } {
  const managed = workloads.filter((w) => !w.ignored);
  if (managed.length > 0 && managed.every((w) => w.replicas === 0)) return { state: 'asleep', notReady: 'every workload is scaled to zero' };
  const scaledDown = managed.find((w) => w.replicas === 0);
  if (scaledDown !== undefined) return { state: 'starting', notReady: `${scaledDown.kind} ${scaledDown.name} has 0 replicas` };
  const unready = managed.find((w) => w.readyReplicas < w.replicas);
  if (unready !== undefined) return { state: 'starting', notReady: `${unready.kind} ${unready.name}: ${unready.readyReplicas}/${unready.replicas} replicas ready` };
  const noEndpoint = routes.find((r) => readyOrigins(snapshot, r).length === 0);
  if (noEndpoint !== undefined) return { state: 'starting', notReady: `Service ${noEndpoint.service} has no ready endpoint` };
  return { state: 'up', notReady: null };
}

/**
 * The ready endpoints of a route's Service port as `http://address:port` origins, across every
 * EndpointSlice of the Service (CONTRACT §4: joined by `kubernetes.io/service-name`; `ready` absent
 * means ready; an EndpointSlice with no pods has `endpoints: null`).
 */
export function readyOrigins(snapshot: Pick<NamespaceSnapshot, 'services' | 'endpointSlices'>, route: Pick<RouteFacts, 'service' | 'port'>): string[] {
  const service = snapshot.services.find((s) => nameOf(s) === route.service);
  const servicePort = service?.spec?.ports?.find((p) => (route.port.number !== undefined ? p.port === route.port.number : p.name === route.port.name));
  if (servicePort === undefined) return [];
  const portName = servicePort.name ?? '';
  const origins: string[] = [];
  for (const slice of snapshot.endpointSlices) {
    if (slice.metadata?.labels?.['kubernetes.io/service-name'] !== route.service) continue;
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    const port = slice.ports?.find((p) => (p.name ?? '') === portName)?.port;
    if (port === undefined || port === null) continue;
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false) continue;
      for (const address of endpoint.addresses ?? []) origins.push(address.includes(':') ? `http://[${address}]:${port}` : `http://${address}:${port}`);
    }
  }
  return origins;
}

/**
 * A stable hash of a pod template. The informers hold list results as client-node models and watch
 * events as raw JSON, so the same template can differ in key order, `undefined` members and `Date`
 * objects; keys are sorted, `undefined` dropped and dates written as the API writes them.
 */
export function templateHash(template: unknown): string {
  return createHash('sha1').update(canonical(template)).digest('base64url').slice(0, 16);
}

function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString().replace('.000Z', 'Z'));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
