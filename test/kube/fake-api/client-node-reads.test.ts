import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeApiServer, type FakeApiServer } from './server.js';
import { Store } from './store.js';
import { rejection, startSeeded, statusOf, type Clients } from './test-support.js';

let server: FakeApiServer;
let clients: Clients;

beforeEach(async () => {
  ({ server, clients } = await startSeeded());
});
afterEach(async () => {
  await server.close();
});

interface WireList { kind?: string; apiVersion?: string; metadata: Record<string, unknown>; items: Record<string, unknown>[] }

async function raw(path: string): Promise<{ status: number; contentType: string | null; body: WireList }> {
  const response = await fetch(server.url + path);
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.json() as WireList };
}

describe('reads through client-node', () => {
  it('lists deployments of one namespace and of all namespaces, with the list resourceVersion', async () => {
    const shop = await clients.apps.listNamespacedDeployment({ namespace: 'shop' });
    expect(shop.items.map((d) => d.metadata?.name)).toEqual(['api', 'web']);
    expect(shop.metadata?.resourceVersion).toBe(String(server.store.currentResourceVersion));
    const all = await clients.apps.listDeploymentForAllNamespaces();
    expect(all.items.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`)).toEqual(['blog/web', 'shop/api', 'shop/web']);
    expect(all.items[0]?.metadata?.creationTimestamp).toBeInstanceOf(Date);
  });

  it('serves list items without kind and apiVersion, and single objects with them', async () => {
    const list = await raw('/apis/apps/v1/namespaces/shop/deployments');
    expect(list.contentType).toBe('application/json');
    expect(list.body).toMatchObject({ kind: 'DeploymentList', apiVersion: 'apps/v1' });
    expect(list.body.items[0]?.kind).toBeUndefined();
    expect(list.body.items[0]?.apiVersion).toBeUndefined();
    const item = await raw('/apis/apps/v1/namespaces/shop/deployments/web');
    expect(Object.keys(item.body).slice(0, 3)).toEqual(['kind', 'apiVersion', 'metadata']);
  });

  it('keeps endpoints: null and ports: null of an empty EndpointSlice', async () => {
    const list = await raw('/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices');
    expect(list.body.items[0]).toMatchObject({ endpoints: null, ports: null, addressType: 'IPv4' });
    const typed = await clients.discovery.listNamespacedEndpointSlice({ namespace: 'shop', labelSelector: 'kubernetes.io/service-name=web' });
    expect(typed.items).toHaveLength(1);
  });

  it('filters by label selectors of every operator, form-encoded as client-node sends them', async () => {
    const names = async (labelSelector: string): Promise<string[]> => (await clients.apps.listDeploymentForAllNamespaces({ labelSelector })).items.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`);
    expect(await names('app=web')).toEqual(['blog/web', 'shop/web']);
    expect(await names('app==api')).toEqual(['shop/api']);
    expect(await names('app!=web')).toEqual(['shop/api']);
    expect(await names('app in (api,web),tier')).toEqual(['shop/api']);
    expect(await names('app notin (web)')).toEqual(['shop/api']);
    expect(await names('!tier')).toEqual(['blog/web', 'shop/web']);
    const namespaces = await clients.core.listNamespace({ labelSelector: 'wakegate.dev/enabled=true' });
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual(['shop']);
  });

  it('filters by metadata.name and metadata.namespace field selectors and refuses others with 400', async () => {
    const byName = await clients.apps.listDeploymentForAllNamespaces({ fieldSelector: 'metadata.name=web,metadata.namespace!=blog' });
    expect(byName.items.map((d) => d.metadata?.namespace)).toEqual(['shop']);
    const error = statusOf(await rejection(clients.apps.listDeploymentForAllNamespaces({ fieldSelector: 'spec.replicas=1' })));
    expect(error.code).toBe(400);
    expect(error.status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"', reason: 'BadRequest', code: 400 });
  });

  it('pages with limit and continue, every page at the first page\'s resourceVersion', async () => {
    const first = await clients.apps.listDeploymentForAllNamespaces({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.metadata?.remainingItemCount).toBe(1);
    server.store.create('deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'zz', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'zz' } }, template: { spec: { containers: [] } } } });
    server.store.delete('deployments', 'shop', 'web');
    const second = await clients.apps.listDeploymentForAllNamespaces({ limit: 2, _continue: first.metadata?._continue });
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    expect(second.items.map((d) => d.metadata?.name)).toEqual(['web']);
    expect(second.metadata?._continue).toBeUndefined();
  });

  it('answers 410 Expired for a continue token older than the kept history', async () => {
    const small = await startFakeApiServer({ store: new Store({ historyLimit: 2 }) });
    try {
      const first = await (await fetch(`${small.url}/api/v1/namespaces?limit=1`)).json() as { metadata: { continue: string } };
      for (let i = 0; i < 3; i++) small.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `n${i}` } });
      const next = await fetch(`${small.url}/api/v1/namespaces?limit=1&continue=${first.metadata.continue}`);
      expect(next.status).toBe(410);
      expect(await next.json()).toMatchObject({ reason: 'Expired', code: 410 });
    } finally {
      await small.close();
    }
  });

  it('reads a deployment and a namespace and reports a missing one as 404 NotFound with plural kind and group', async () => {
    const web = await clients.apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' });
    expect(web.spec?.replicas).toBe(2);
    expect((await clients.core.readNamespace({ name: 'shop' })).metadata?.labels?.['kubernetes.io/metadata.name']).toBe('shop');
    const missing = statusOf(await rejection(clients.apps.readNamespacedDeployment({ namespace: 'shop', name: 'nope' })));
    expect(missing.code).toBe(404);
    expect(missing.status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "nope" not found', reason: 'NotFound', details: { name: 'nope', group: 'apps', kind: 'deployments' }, code: 404 });
    const service = statusOf(await rejection(clients.core.readNamespacedService({ namespace: 'shop', name: 'web' })));
    expect(service.status?.details).toEqual({ name: 'web', kind: 'services' });
  });

  it('waits for a list at a future resourceVersion, then answers 504 with Retry-After', async () => {
    const response = await fetch(`${server.url}/api/v1/namespaces?resourceVersion=${server.store.currentResourceVersion + 5}`);
    expect(response.status).toBe(504);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ reason: 'Timeout', details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 }, code: 504 });
  });
});
