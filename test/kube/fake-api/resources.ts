/**
 * The resource table: every resource the fake serves, with the names the wire uses for it
 * (CONTRACT §2 paths, §8 `details.kind` plural + `group`, §14 discovery). One row per resource;
 * routing, discovery, Status errors and the store all read from here.
 */

export type Resource = 'namespaces' | 'deployments' | 'statefulsets' | 'pods' | 'cronjobs'
  | 'endpointslices' | 'services' | 'ingresses' | 'events' | 'leases';

export interface ResourceInfo {
  readonly resource: Resource;
  /** '' for the core group (omitted from Status details, CONTRACT §8). */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** Has a `/status` subresource: a write to the main resource keeps the stored `status`. */
  readonly statusSubresource: boolean;
  readonly scaleSubresource: boolean;
  /** PUT with an empty `metadata.resourceVersion` is allowed (CONTRACT §7: Deployment yes, Lease no). */
  readonly allowUnconditionalUpdate: boolean;
  /** PUT to a missing object creates it (Lease, CONTRACT §7). */
  readonly allowCreateOnUpdate: boolean;
  /** `metadata.generation` is maintained (1 on create, +1 on spec/annotation changes). */
  readonly tracksGeneration: boolean;
}

const row = (info: Omit<ResourceInfo, 'shortNames' | 'categories' | 'statusSubresource' | 'scaleSubresource' | 'allowUnconditionalUpdate' | 'allowCreateOnUpdate' | 'tracksGeneration'> & Partial<ResourceInfo>): ResourceInfo => ({
  shortNames: [], categories: [], statusSubresource: false, scaleSubresource: false,
  allowUnconditionalUpdate: true, allowCreateOnUpdate: false, tracksGeneration: false, ...info,
});

export const RESOURCES: ReadonlyMap<Resource, ResourceInfo> = new Map(([
  row({ resource: 'namespaces', group: '', version: 'v1', kind: 'Namespace', singular: 'namespace', namespaced: false, shortNames: ['ns'], statusSubresource: true }),
  row({ resource: 'pods', group: '', version: 'v1', kind: 'Pod', singular: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'], statusSubresource: true }),
  row({ resource: 'services', group: '', version: 'v1', kind: 'Service', singular: 'service', namespaced: true, shortNames: ['svc'], categories: ['all'], statusSubresource: true }),
  row({ resource: 'events', group: '', version: 'v1', kind: 'Event', singular: 'event', namespaced: true, shortNames: ['ev'] }),
  row({ resource: 'deployments', group: 'apps', version: 'v1', kind: 'Deployment', singular: 'deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], statusSubresource: true, scaleSubresource: true, tracksGeneration: true }),
  row({ resource: 'statefulsets', group: 'apps', version: 'v1', kind: 'StatefulSet', singular: 'statefulset', namespaced: true, shortNames: ['sts'], categories: ['all'], statusSubresource: true, scaleSubresource: true, tracksGeneration: true }),
  row({ resource: 'cronjobs', group: 'batch', version: 'v1', kind: 'CronJob', singular: 'cronjob', namespaced: true, shortNames: ['cj'], categories: ['all'], statusSubresource: true }),
  row({ resource: 'endpointslices', group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', singular: 'endpointslice', namespaced: true }),
  row({ resource: 'ingresses', group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', singular: 'ingress', namespaced: true, shortNames: ['ing'], statusSubresource: true }),
  row({ resource: 'leases', group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', singular: 'lease', namespaced: true, allowUnconditionalUpdate: false, allowCreateOnUpdate: true }),
] as const).map((info) => [info.resource, info]));

export function infoOf(resource: Resource): ResourceInfo {
  const info = RESOURCES.get(resource);
  if (info === undefined) throw new Error(`unknown resource ${resource}`);
  return info;
}

export function apiVersionOf(info: ResourceInfo): string {
  return info.group === '' ? info.version : `${info.group}/${info.version}`;
}

/** `deployments.apps`, `services`: how Status messages name a resource (CONTRACT §8). */
export function qualifiedName(info: ResourceInfo): string {
  return info.group === '' ? info.resource : `${info.resource}.${info.group}`;
}

/** Group-versions in discovery order (core first). */
export function groupVersions(): { group: string; version: string; resources: ResourceInfo[] }[] {
  const byGroupVersion = new Map<string, { group: string; version: string; resources: ResourceInfo[] }>();
  for (const info of RESOURCES.values()) {
    const key = apiVersionOf(info);
    const entry = byGroupVersion.get(key) ?? { group: info.group, version: info.version, resources: [] };
    entry.resources.push(info);
    byGroupVersion.set(key, entry);
  }
  return [...byGroupVersion.values()];
}

/** The resource serving `apiVersion` + `kind`, or undefined. */
export function resourceOfKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  for (const info of RESOURCES.values()) if (info.kind === kind && apiVersionOf(info) === apiVersion) return info;
  return undefined;
}
