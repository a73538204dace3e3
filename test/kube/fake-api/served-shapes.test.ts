/**
 * Everything the fake serves in client-node and kubectl flows — single objects, list items (with
 * kind/apiVersion restored), watch event objects, Scale, Status — is valid against the OpenAPI
 * schemas, with strict unknown-field checks.
 */
import { PatchStrategy, setHeaderOptions, V1MicroTime, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateAs, validateObject } from '../openapi/validate.js';
import { kubectlFor, SHOP_MANIFEST } from './kubectl-support.js';
import { startFakeApiServer, type FakeApiServer, type ServedDocument } from './server.js';
import { clientsFor, emptySlice, rejection, seed, type Clients } from './test-support.js';

/** Discovery documents and `/version` are not API objects of the OpenAPI documents. */
const NOT_OBJECTS = new Set(['APIVersions', 'APIGroupList', 'APIGroup', 'APIResourceList']);

function problemsOf(served: ServedDocument): string[] {
  const body = served.body as { type?: unknown; object?: unknown; kind?: unknown; apiVersion?: unknown; items?: unknown };
  const where = `${served.method} ${served.path}`;
  if (typeof body.type === 'string' && typeof body.object === 'object') {
    const type = body.type;
    return validateObject(body.object).map((p) => `${where} ${type} event: ${p}`);
  }
  if (typeof body.kind !== 'string' || NOT_OBJECTS.has(body.kind)) return [];
  const problems = validateObject(body).map((p) => `${where}: ${p}`);
  if (body.kind.endsWith('List') && Array.isArray(body.items)) {
    const kind = body.kind.slice(0, -'List'.length);
    for (const [i, item] of (body.items as unknown[]).entries()) problems.push(...validateAs(item, String(body.apiVersion), kind).map((p) => `${where} items[${i}]: ${p}`));
  }
  return problems;
}

let server: FakeApiServer;
let clients: Clients;
const served: ServedDocument[] = [];

beforeAll(async () => {
  server = await startFakeApiServer({ observe: (document) => served.push(document), bookmarkIntervalMs: 100 });
  seed(server.store);
  clients = clientsFor(server);
});
afterAll(async () => {
  await server.close();
});

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('objects the fake serves', () => {
  it('are valid in client-node flows: lists, reads, patches, scale, events, leases, errors and watch events', async () => {
    const before = served.length;
    await clients.apps.listDeploymentForAllNamespaces();
    await clients.apps.listNamespacedStatefulSet({ namespace: 'shop' });
    await clients.core.listNamespace();
    await clients.discovery.listNamespacedEndpointSlice({ namespace: 'shop' });
    server.store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } });
    server.store.create('endpointslices', emptySlice('blog', 'web'));
    await clients.core.listServiceForAllNamespaces();
    await clients.apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' });
    await clients.apps.readNamespacedDeploymentScale({ namespace: 'shop', name: 'web' });
    await clients.apps.patchNamespacedDeploymentScale({ namespace: 'shop', name: 'web', body: { spec: { replicas: 0 } } }, merge);
    await clients.apps.patchNamespacedStatefulSetScale({ namespace: 'shop', name: 'db', body: [{ op: 'replace', path: '/spec/replicas', value: 2 }] });
    await clients.core.patchNamespace({ name: 'shop', body: { metadata: { annotations: { 'wakegate.dev/last-activity': '2026-11-26T10:00:00Z' } } } }, merge);
    const now = new V1MicroTime();
    await clients.core.createNamespacedEvent({ namespace: 'default', body: { metadata: { generateName: 'shop.', namespace: 'default' }, involvedObject: { apiVersion: 'v1', kind: 'Namespace', name: 'shop' }, reason: 'Woken', message: 'm', type: 'Normal', eventTime: now, reportingComponent: 'wakegate', reportingInstance: 'w-0', action: 'Wake' } });
    const lease = await clients.coordination.createNamespacedLease({ namespace: 'default', body: { metadata: { name: 'sleeper', namespace: 'default' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: now, renewTime: now, leaseTransitions: 0 } } });
    await clients.coordination.replaceNamespacedLease({ namespace: 'default', name: 'sleeper', body: { ...lease, spec: { ...lease.spec, renewTime: new V1MicroTime() } } });
    await rejection(clients.apps.readNamespacedDeployment({ namespace: 'shop', name: 'nope' }));
    await rejection(clients.coordination.replaceNamespacedLease({ namespace: 'default', name: 'sleeper', body: lease }));
    await rejection(clients.apps.listDeploymentForAllNamespaces({ fieldSelector: 'spec.x=1' }));
    await rejection(clients.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: {} }, setHeaderOptions('Content-Type', 'text/plain')));

    const events = await new Promise<number>((resolve) => {
      let count = 0;
      void new Watch(clients.kc).watch('/apis/apps/v1/deployments', { allowWatchBookmarks: true, timeoutSeconds: 1 }, () => { count++; }, () => resolve(count));
      setTimeout(() => {
        server.store.modify('deployments', 'shop', 'api', (d) => { d.status = { replicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 }; });
        server.store.delete('deployments', 'blog', 'web');
      }, 100);
    });
    expect(events).toBeGreaterThan(4);
    server.faults.expireNextWatches(1);
    await new Promise((resolve) => { void new Watch(clients.kc).watch('/api/v1/namespaces', { resourceVersion: '5' }, () => undefined, resolve); });

    const documents = served.slice(before);
    expect(documents.map((d) => (d.body as { kind?: string; type?: string }).kind ?? (d.body as { type?: string }).type))
      .toEqual(expect.arrayContaining(['DeploymentList', 'StatefulSetList', 'NamespaceList', 'EndpointSliceList', 'ServiceList', 'Deployment', 'Scale', 'Namespace', 'Event', 'Lease', 'Status', 'ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']));
    expect(documents.flatMap(problemsOf)).toEqual([]);
  });

  it('are valid in kubectl flows: create, apply, scale, annotate, get, get -w and delete', async () => {
    const before = served.length;
    const kubectl = kubectlFor(server);
    try {
      const manifest = kubectl.manifest('app.yaml', SHOP_MANIFEST.replaceAll('shop', 'store'));
      expect((await kubectl.run(['create', '-f', manifest])).code).toBe(0);
      kubectl.manifest('app.yaml', SHOP_MANIFEST.replaceAll('shop', 'store').replace('web:1', 'web:2'));
      expect((await kubectl.run(['apply', '-f', manifest])).code).toBe(0);
      expect((await kubectl.run(['-n', 'store', 'scale', 'deployment', 'web', '--replicas=0'])).code).toBe(0);
      expect((await kubectl.run(['-n', 'store', 'annotate', 'deployment', 'web', 'a=b'])).code).toBe(0);
      expect((await kubectl.run(['get', 'deployments', '-A', '-o', 'json'])).code).toBe(0);
      expect((await kubectl.run(['get', 'namespaces', '-w', '--request-timeout=1s'])).code).toBe(0);
      expect((await kubectl.run(['-n', 'store', 'delete', 'deployment', 'web'])).code).toBe(0);
    } finally {
      kubectl.cleanup();
    }
    const documents = served.slice(before);
    expect(documents.length).toBeGreaterThan(10);
    expect(documents.flatMap(problemsOf)).toEqual([]);
  }, 60_000);
});
