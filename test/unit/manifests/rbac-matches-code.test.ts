import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, grantedRules, kustomize } from './kube.js';

/**
 * Least privilege, checked both ways: every (API group, resource, verb) the ClusterRole and Role of
 * manifests/base grant is one the Kubernetes provider's code calls, and every call the code makes is
 * granted. The calls are read from the source of src/providers/kubernetes/: client-node's typed API
 * methods (`api.apps.readNamespacedDeploymentScale(` → get deployments/scale in apps) and the
 * collection paths its informers watch (`new ListWatch('/apis/apps/v1/deployments'` → watch).
 */

const PROVIDER = join(REPO, 'src/providers/kubernetes');

/** client-node API object → API group. */
const GROUPS: Record<string, string> = { core: '', apps: 'apps', discovery: 'discovery.k8s.io', networking: 'networking.k8s.io', coordination: 'coordination.k8s.io', batch: 'batch' };

/** Method verb prefix → RBAC verb. */
const VERBS: Record<string, string> = { list: 'list', read: 'get', replace: 'update', patch: 'patch', create: 'create', delete: 'delete' };

/** Kind (as in method names) → resource. */
const RESOURCES: Record<string, string> = {
  Namespace: 'namespaces',
  Deployment: 'deployments',
  DeploymentScale: 'deployments/scale',
  StatefulSet: 'statefulsets',
  StatefulSetScale: 'statefulsets/scale',
  Service: 'services',
  EndpointSlice: 'endpointslices',
  Ingress: 'ingresses',
  Pod: 'pods',
  CronJob: 'cronjobs',
  Event: 'events',
  Lease: 'leases',
};

function sources(): { file: string; text: string }[] {
  return readdirSync(PROVIDER)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => ({ file: name, text: readFileSync(join(PROVIDER, name), 'utf8') }));
}

/** `group resource verb` for every call in the provider's source. */
function calledByCode(): Set<string> {
  const calls = new Set<string>();
  for (const { file, text } of sources()) {
    for (const match of text.matchAll(/\.(core|apps|discovery|networking|coordination|batch)\.(list|read|replace|patch|create|delete)(Namespaced)?(\w+?)(ForAllNamespaces)?\(/g)) {
      const [, api = '', verb = '', , kind = ''] = match;
      const resource = RESOURCES[kind];
      if (resource === undefined) throw new Error(`${file}: unknown kind in ${match[0]}`);
      calls.add(`${GROUPS[api]} ${resource} ${VERBS[verb]}`);
    }
    // Informers: a ListWatch lists through a typed method (counted above) and watches its path.
    if (!text.includes('new ListWatch(')) continue;
    for (const match of text.matchAll(/['`](\/(?:api\/v1|apis\/([a-z0-9.]+)\/v1)(?:\/namespaces\/\$\{[^}]+\})?\/([a-z]+))['`]/g)) {
      const [, , group = '', resource = ''] = match;
      calls.add(`${group} ${resource} watch`);
    }
  }
  return calls;
}

function grantedByManifests(): Set<string> {
  return new Set(grantedRules(kustomize('manifests/base')).map((rule) => `${rule.apiGroup} ${rule.resource} ${rule.verb}`));
}

describe('RBAC of manifests/base against the Kubernetes provider', () => {
  it('finds the calls in the source (the scan itself works)', () => {
    const calls = calledByCode();
    expect(calls).toContain('apps deployments/scale update');
    expect(calls).toContain('apps deployments watch');
    expect(calls).toContain(' pods watch');
    expect(calls).toContain('coordination.k8s.io leases create');
  });

  it('grants nothing the code does not call', () => {
    const calls = calledByCode();
    const extra = [...grantedByManifests()].filter((rule) => !calls.has(rule)).sort();
    expect(extra).toEqual([]);
  });

  it('grants every call the code makes', () => {
    const granted = grantedByManifests();
    const missing = [...calledByCode()].filter((call) => !granted.has(call)).sort();
    expect(missing).toEqual([]);
  });
});
