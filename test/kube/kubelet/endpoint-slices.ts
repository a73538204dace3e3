/**
 * EndpointSlices as the EndpointSlice controller writes them (CONTRACT §4; EPS; kubernetes
 * `pkg/controller/endpointslice/reconciler.go`, `staging/.../endpointslice/util`): pure functions from
 * a Service and the pods it selects to the slices' content.
 *
 * - One slice per distinct port mapping, at most 100 endpoints each; a Service that selects no pod
 *   keeps one slice with `"endpoints": null, "ports": null` (the scaled-to-zero shape).
 * - A pod is an endpoint once it has an IP; `ready` = pod Ready and not terminating, `serving` = pod
 *   Ready, `terminating` = being deleted. Ports carry the *resolved* target port (a named targetPort
 *   looked up in the pod's containers; a port that does not resolve is left out for that pod).
 */
import type { KubeObject } from '../fake-api/store.js';
import type { Container, ServicePort, ServiceSpec } from './shapes.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** What the controller needs to know of a pod. */
export interface EndpointPod {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly ip: string | undefined;
  readonly nodeName: string | undefined;
  readonly hostname: string | undefined;
  readonly subdomain: string | undefined;
  readonly containers: readonly Container[];
  readonly ready: boolean;
  readonly terminating: boolean;
}

export interface EndpointPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  readonly appProtocol?: string;
}

export interface Endpoint {
  readonly addresses: readonly string[];
  readonly conditions: { readonly ready: boolean; readonly serving: boolean; readonly terminating: boolean };
  readonly hostname?: string;
  readonly nodeName?: string;
  readonly targetRef: { readonly kind: 'Pod'; readonly namespace: string; readonly name: string; readonly uid: string };
}

/** The content of one slice; `null`s as the real server serves a Service with no endpoints. */
export interface SliceContent {
  readonly ports: readonly EndpointPort[] | null;
  readonly endpoints: readonly Endpoint[] | null;
}

/** The container port a Service port's `targetPort` means for this pod; null when a name does not resolve. */
export function resolveTargetPort(servicePort: ServicePort, containers: readonly Container[]): number | null {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (target === undefined) return null;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = servicePort.protocol ?? 'TCP';
  for (const container of containers) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? 'TCP') === protocol && port.containerPort !== undefined) return port.containerPort;
    }
  }
  return null;
}

/** The slices a Service should have, given every pod of its namespace that its selector selects. */
export function desiredSlices(serviceName: string, spec: ServiceSpec, pods: readonly EndpointPod[]): SliceContent[] {
  const groups = new Map<string, { ports: EndpointPort[]; endpoints: Endpoint[] }>();
  for (const pod of [...pods].sort((a, b) => a.name.localeCompare(b.name))) {
    if (pod.ip === undefined) continue;
    const ports: EndpointPort[] = [];
    for (const servicePort of spec.ports ?? []) {
      const port = resolveTargetPort(servicePort, pod.containers);
      if (port === null) continue;
      ports.push({ name: servicePort.name ?? '', port, protocol: servicePort.protocol ?? 'TCP', ...(servicePort.appProtocol === undefined ? {} : { appProtocol: servicePort.appProtocol }) });
    }
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { ports, endpoints: [] }));
    group.endpoints.push({
      addresses: [pod.ip],
      conditions: { ready: pod.ready && !pod.terminating, serving: pod.ready, terminating: pod.terminating },
      ...(pod.hostname !== undefined && pod.subdomain === serviceName ? { hostname: pod.hostname } : {}),
      ...(pod.nodeName === undefined ? {} : { nodeName: pod.nodeName }),
      targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid },
    });
  }
  const slices: SliceContent[] = [];
  for (const { ports, endpoints } of groups.values()) {
    for (let i = 0; i < endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) {
      slices.push({ ports, endpoints: endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
    }
  }
  return slices.length === 0 ? [{ ports: null, endpoints: null }] : slices;
}

/** A whole EndpointSlice object named `name` for `service` with `content`. */
export function endpointSliceObject(service: KubeObject, name: string, content: SliceContent): KubeObject {
  const serviceName = service.metadata.name ?? '';
  const spec = (service.spec ?? {}) as { clusterIP?: string };
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      generateName: `${serviceName}-`,
      namespace: service.metadata.namespace,
      labels: {
        ...(service.metadata.labels ?? {}),
        ...(spec.clusterIP === 'None' ? { 'service.kubernetes.io/headless': '' } : {}),
        [SERVICE_NAME_LABEL]: serviceName,
        [MANAGED_BY_LABEL]: MANAGED_BY,
      },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: serviceName, uid: service.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints: content.endpoints === null ? null : content.endpoints.map((e) => ({ ...e })),
    ports: content.ports === null ? null : content.ports.map((p) => ({ ...p })),
  };
}

/** Does stored slice `object` already say what `wanted` says (so that no write is needed)? */
export function sameSlice(object: KubeObject, wanted: KubeObject): boolean {
  return (
    JSON.stringify(object.endpoints ?? null) === JSON.stringify(wanted.endpoints) &&
    JSON.stringify(object.ports ?? null) === JSON.stringify(wanted.ports) &&
    JSON.stringify(object.metadata.labels ?? {}) === JSON.stringify(wanted.metadata.labels) &&
    object.addressType === wanted.addressType
  );
}
