/**
 * What kubectl reads before it acts (CONTRACT §14): `/version` (minor 33, so the kubectl
 * dispatcher picks its 1.33 binary), legacy discovery (`/api`, `/apis`, `/apis/<group>`, and an
 * `APIResourceList` per group-version, subresources included) and the OpenAPI v3 documents.
 */
import { apiVersionOf, groupVersions, type ResourceInfo } from './resources.js';

export const VERSION_INFO = {
  major: '1',
  minor: '33',
  emulationMajor: '1',
  emulationMinor: '33',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '32',
  gitVersion: 'v1.33.0',
  gitCommit: '60a317eadfcb839692a5f8b2f2d4a5bb3f2c4e8a',
  gitTreeState: 'clean',
  buildDate: '2025-04-23T13:07:06Z',
  goVersion: 'go1.24.2',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const ALL_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

function resourceEntries(info: ResourceInfo): Record<string, unknown>[] {
  const main: Record<string, unknown> = { name: info.resource, singularName: info.singular, namespaced: info.namespaced, kind: info.kind, verbs: ALL_VERBS };
  if (info.shortNames.length > 0) main.shortNames = info.shortNames;
  if (info.categories.length > 0) main.categories = info.categories;
  const entries = [main];
  if (info.statusSubresource) entries.push({ name: `${info.resource}/status`, singularName: '', namespaced: info.namespaced, kind: info.kind, verbs: SUBRESOURCE_VERBS });
  if (info.scaleSubresource) entries.push({ name: `${info.resource}/scale`, singularName: '', namespaced: info.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: SUBRESOURCE_VERBS });
  return entries;
}

/** The discovery document for a path, or undefined when the path is not a discovery path. */
export function discoveryDocument(pathname: string, serverAddress: string): unknown {
  const path = pathname.replace(/\/+$/, '');
  const groups = groupVersions();
  if (path === '/api') {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }
  const apiGroup = (group: string, version: string): Record<string, unknown> => {
    const gv = { groupVersion: `${group}/${version}`, version };
    return { name: group, versions: [gv], preferredVersion: gv };
  };
  if (path === '/apis') {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.filter((g) => g.group !== '').map((g) => apiGroup(g.group, g.version)) };
  }
  for (const g of groups) {
    const prefix = g.group === '' ? `/api/${g.version}` : `/apis/${g.group}/${g.version}`;
    if (path === prefix) {
      const first = g.resources[0];
      return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: first === undefined ? g.version : apiVersionOf(first), resources: g.resources.flatMap(resourceEntries) };
    }
    if (g.group !== '' && path === `/apis/${g.group}`) return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.group, g.version) };
  }
  return undefined;
}
