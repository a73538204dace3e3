import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kubectlFor, SHOP_MANIFEST, type Kubectl } from './kubectl-support.js';
import { startFakeApiServer, type FakeApiServer } from './server.js';

let server: FakeApiServer;
let kubectl: Kubectl;

beforeEach(async () => {
  server = await startFakeApiServer();
  kubectl = kubectlFor(server);
});
afterEach(async () => {
  kubectl.cleanup();
  await server.close();
});

type Container = { name: string; image: string; env?: { name: string; value: string }[]; ports?: unknown[] };
const containersOf = (s: FakeApiServer): Container[] =>
  ((s.store.get('deployments', 'shop', 'web')?.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers);

describe('the real kubectl against the fake', () => {
  it('creates a namespace and a deployment with create -f', async () => {
    const result = await kubectl.run(['create', '-f', kubectl.manifest('shop.yaml', SHOP_MANIFEST)]);
    expect(result).toMatchObject({ code: 0, stdout: 'namespace/shop created\ndeployment.apps/web created\n' });
    expect(server.store.get('deployments', 'shop', 'web')?.metadata.generation).toBe(1);
    expect(server.requests.some((r) => r.path === '/openapi/v3/apis/apps/v1')).toBe(true);
    const posts = server.requests.filter((r) => r.method === 'POST').map((r) => new URLSearchParams(r.query).get('fieldManager'));
    expect(posts).toEqual(['kubectl-create', 'kubectl-create']);
  }, 30_000);

  it('applies, re-applies a changed manifest with a strategic merge patch, and reports an unchanged one', async () => {
    const path = kubectl.manifest('shop.yaml', SHOP_MANIFEST);
    expect((await kubectl.run(['apply', '-f', path])).stdout).toBe('namespace/shop created\ndeployment.apps/web created\n');
    kubectl.manifest('shop.yaml', SHOP_MANIFEST.replace('example.com/web:1', 'example.com/web:2').replace('value: one', 'value: two'));
    expect((await kubectl.run(['apply', '-f', path])).stdout).toBe('namespace/shop unchanged\ndeployment.apps/web configured\n');
    const [web] = containersOf(server);
    expect(web).toMatchObject({ name: 'web', image: 'example.com/web:2', env: [{ name: 'MODE', value: 'two' }] });
    expect(web?.ports).toHaveLength(1);
    const deployment = server.store.get('deployments', 'shop', 'web');
    expect(deployment?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('example.com/web:2');
    expect(deployment?.metadata.generation).toBe(2);
    expect((await kubectl.run(['apply', '-f', path])).stdout).toBe('namespace/shop unchanged\ndeployment.apps/web unchanged\n');
    expect(server.requests.some((r) => r.method === 'PATCH' && r.query.includes('fieldManager=kubectl-client-side-apply'))).toBe(true);
  }, 30_000);

  it('applies server-side, creating and then updating', async () => {
    const path = kubectl.manifest('shop.yaml', SHOP_MANIFEST);
    expect(await kubectl.run(['apply', '--server-side', '-f', path])).toMatchObject({ code: 0, stdout: 'namespace/shop serverside-applied\ndeployment.apps/web serverside-applied\n' });
    kubectl.manifest('shop.yaml', SHOP_MANIFEST.replace('replicas: 2', 'replicas: 3'));
    expect((await kubectl.run(['apply', '--server-side', '-f', path])).code).toBe(0);
    expect((server.store.get('deployments', 'shop', 'web')?.spec as { replicas: number }).replicas).toBe(3);
  }, 30_000);

  it('scales and annotates a deployment', async () => {
    await kubectl.run(['create', '-f', kubectl.manifest('shop.yaml', SHOP_MANIFEST)]);
    expect((await kubectl.run(['-n', 'shop', 'scale', 'deployment', 'web', '--replicas=0'])).stdout).toBe('deployment.apps/web scaled\n');
    expect(server.requests.some((r) => r.method === 'PATCH' && r.path === '/apis/apps/v1/namespaces/shop/deployments/web/scale')).toBe(true);
    expect((server.store.get('deployments', 'shop', 'web')?.spec as { replicas: number }).replicas).toBe(0);
    expect((await kubectl.run(['-n', 'shop', 'annotate', 'deployment', 'web', 'wakegate.dev/keep-awake-until=2026-12-01T00:00:00Z'])).stdout).toBe('deployment.apps/web annotated\n');
    expect(server.store.get('deployments', 'shop', 'web')?.metadata.annotations).toEqual({ 'wakegate.dev/keep-awake-until': '2026-12-01T00:00:00Z' });
  }, 30_000);

  it('gets objects as a table, across all namespaces and as JSON', async () => {
    await kubectl.run(['create', '-f', kubectl.manifest('shop.yaml', SHOP_MANIFEST)]);
    expect((await kubectl.run(['get', 'deployments', '-A'])).stdout).toMatch(/^NAMESPACE\s+NAME\s+AGE\nshop\s+web\s+\d+s\n$/);
    expect((await kubectl.run(['get', 'namespaces'])).stdout).toMatch(/^NAME\s+AGE\ndefault\s+.*\nkube-node-lease\s+.*\nkube-public\s+.*\nkube-system\s+.*\nshop\s+/);
    const json = JSON.parse((await kubectl.run(['-n', 'shop', 'get', 'deployment', 'web', '-o', 'json'])).stdout) as { kind: string; spec: { replicas: number } };
    expect(json).toMatchObject({ kind: 'Deployment', spec: { replicas: 2 } });
    const list = JSON.parse((await kubectl.run(['get', 'deploy', '-A', '-o', 'json'])).stdout) as { items: { kind: string; metadata: { name: string } }[] };
    expect(list.items.map((i) => [i.kind, i.metadata.name])).toEqual([['Deployment', 'web']]);
    expect(server.requests.some((r) => r.path === '/apis/apps/v1/deployments' && r.query.includes('limit=500'))).toBe(true);
  }, 30_000);

  it('watches a collection with get -w until its request timeout, printing each change', async () => {
    await kubectl.run(['create', '-f', kubectl.manifest('shop.yaml', SHOP_MANIFEST)]);
    const watch = kubectl.spawn(['-n', 'shop', 'get', 'deployments', '-w', '--output-watch-events', '--request-timeout=5s']);
    await watch.waitFor(/ADDED\s+web/);
    await waitForWatch(server);
    server.store.modify('deployments', 'shop', 'web', (d) => { d.metadata.labels = { changed: 'yes' }; });
    await watch.waitFor(/MODIFIED\s+web/);
    watch.stop();
  }, 30_000);

  it('watches a named object with get -w, which drops the synthetic first event', async () => {
    await kubectl.run(['create', '-f', kubectl.manifest('shop.yaml', SHOP_MANIFEST)]);
    const watch = kubectl.spawn(['-n', 'shop', 'get', 'deployment', 'web', '-w', '-o', 'custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas', '--request-timeout=5s']);
    await watch.waitFor(/web\s+2\n/);
    await waitForWatch(server);
    server.store.modify('deployments', 'shop', 'web', (d) => { (d.spec as { replicas: number }).replicas = 5; });
    await watch.waitFor(/web\s+5\n/);
    const watchRequest = server.requests.find((r) => r.query.includes('watch=true'));
    expect(Object.fromEntries(new URLSearchParams(watchRequest?.query))).toMatchObject({ fieldSelector: 'metadata.name=web', resourceVersion: '0', watch: 'true' });
    watch.stop();
  }, 30_000);

  it('deletes a deployment and a namespace, waiting for them to go', async () => {
    await kubectl.run(['create', '-f', kubectl.manifest('shop.yaml', SHOP_MANIFEST)]);
    expect((await kubectl.run(['-n', 'shop', 'delete', 'deployment', 'web'])).stdout).toBe('deployment.apps "web" deleted\n');
    expect(server.store.get('deployments', 'shop', 'web')).toBeUndefined();
    expect((await kubectl.run(['delete', 'namespace', 'shop'])).stdout).toBe('namespace "shop" deleted\n');
    expect((await kubectl.run(['get', 'namespace', 'shop'])).stderr).toBe('Error from server (NotFound): namespaces "shop" not found\n');
  }, 30_000);

  it('rejects an unknown field under the strict field validation kubectl asks for', async () => {
    const result = await kubectl.run(['create', '-f', kubectl.manifest('typo.yaml', SHOP_MANIFEST.replace('replicas: 2', 'replica: 2'))]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"');
    expect(server.requests.some((r) => r.method === 'POST' && r.query.includes('fieldValidation=Strict'))).toBe(true);
  }, 30_000);

  it('fails the imperative create namespace, which sends Protobuf, with a message pointing to create -f', async () => {
    const result = await kubectl.run(['create', 'namespace', 'other']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('use kubectl create -f or kubectl apply -f');
  }, 30_000);
});

/** kubectl lists before it watches: wait until the watch request has arrived. */
async function waitForWatch(s: FakeApiServer): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!s.requests.some((r) => r.query.includes('watch=true'))) {
    if (Date.now() > deadline) throw new Error('kubectl did not start watching');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
