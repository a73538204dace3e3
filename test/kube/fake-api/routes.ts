/**
 * Maps request paths onto resources (CONTRACT §2, §13): `/api/v1/...` for the core group,
 * `/apis/<group>/<version>/...` otherwise; `namespaces/<ns>/<resource>[/<name>[/<sub>]]` for
 * namespaced resources, `<resource>` for their all-namespaces collections and for cluster-scoped ones.
 */
import { RESOURCES, type Resource, type ResourceInfo } from './resources.js';

export interface ResourceTarget {
  readonly info: ResourceInfo;
  readonly resource: Resource;
  /** undefined: all namespaces (collections) or a cluster-scoped resource. */
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

const byGroupVersion = new Map<string, Map<string, ResourceInfo>>();
for (const info of RESOURCES.values()) {
  const prefix = info.group === '' ? `api/${info.version}` : `apis/${info.group}/${info.version}`;
  const resources = byGroupVersion.get(prefix) ?? new Map<string, ResourceInfo>();
  resources.set(info.resource, info);
  byGroupVersion.set(prefix, resources);
}

/** The resource a path names, or undefined when it names none of the served resources. */
export function resolveResourcePath(pathname: string): ResourceTarget | undefined {
  const segments = pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  const core = segments[0] === 'api';
  const prefixLength = core ? 2 : 3;
  if (segments[0] !== 'api' && segments[0] !== 'apis') return undefined;
  const resources = byGroupVersion.get(segments.slice(0, prefixLength).join('/'));
  if (resources === undefined) return undefined;
  const rest = segments.slice(prefixLength);
  // namespaces/<ns>/<resource>...: a namespaced resource; namespaces/<ns>[/<sub>] is the Namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    const info = resources.get(rest[2] ?? '');
    if (info === undefined || !info.namespaced || rest.length > 5) return undefined;
    return { info, resource: info.resource, namespace: rest[1], name: rest[3], subresource: rest[4] };
  }
  const info = resources.get(rest[0] ?? '');
  if (info === undefined || rest.length > 3) return undefined;
  if (info.namespaced && rest.length > 1) return undefined;
  return { info, resource: info.resource, namespace: undefined, name: rest[1], subresource: rest[2] };
}

/** The RBAC verb of a request (for the Forbidden fault and its message, CONTRACT §8). */
export function verbOf(method: string, target: ResourceTarget, watch: boolean): string {
  switch (method) {
    case 'GET': return target.name === undefined ? (watch ? 'watch' : 'list') : 'get';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return target.name === undefined ? 'deletecollection' : 'delete';
    default: return method.toLowerCase();
  }
}
