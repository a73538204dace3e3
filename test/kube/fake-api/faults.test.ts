import { PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeApiServer, FakeApiServerOptions } from './server.js';
import { clientsFor, rejection, startSeeded, statusOf, type Clients } from './test-support.js';

let server: FakeApiServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: FakeApiServerOptions = {}): Promise<{ server: FakeApiServer; clients: Clients }> {
  const started = await startSeeded(options);
  server = started.server;
  return started;
}

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('fault switches observed through client-node', () => {
  it('API down refuses connections, and up serves again on the same port with the same data', async () => {
    const { server, clients } = await start();
    await server.faults.down();
    const error = await rejection(clients.core.listNamespace());
    expect(String((error as Error).message)).toMatch(/ECONNREFUSED/);
    await server.faults.up();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect((await clients.core.listNamespace()).items.map((n) => n.metadata?.name)).toContain('shop');
  });

  it('API down cuts open watches', async () => {
    const { server, clients } = await start();
    const ended = new Promise<unknown>((resolve) => {
      void new Watch(clients.kc).watch('/api/v1/namespaces', {}, () => undefined, resolve);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.faults.down();
    expect(await ended).toBeTruthy();
    await server.faults.reset();
  });

  it('slow delays every response by the given time until reset', async () => {
    const { server, clients } = await start();
    server.faults.slow(300);
    const started = Date.now();
    await clients.core.readNamespace({ name: 'shop' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await server.faults.reset();
    const again = Date.now();
    await clients.core.readNamespace({ name: 'shop' });
    expect(Date.now() - again).toBeLessThan(250);
  });

  it('hangs matching requests without an answer until the client gives up, and answers the others', async () => {
    const { server, clients } = await start();
    server.faults.hang({ method: 'GET', path: /\/scale$/ });
    const hung = clients.apps.readNamespacedDeploymentScale({ namespace: 'shop', name: 'web' });
    const outcome = await Promise.race([hung.then(() => 'answered', () => 'failed'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 500))]);
    expect(outcome).toBe('still waiting');
    await clients.core.readNamespace({ name: 'shop' });
    await server.faults.reset();
    await clients.apps.readNamespacedDeploymentScale({ namespace: 'shop', name: 'web' });
    // The hung request ends when the server closes after the test (its rejection is handled above).
  });

  it('fails the next N requests with 500 InternalError, optionally only those matching a method and path', async () => {
    const { server, clients } = await start();
    server.faults.fail500({ count: 2 });
    for (let i = 0; i < 2; i++) {
      const error = statusOf(await rejection(clients.core.readNamespace({ name: 'shop' })));
      expect(error).toEqual({ code: 500, status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Internal error occurred: injected fault', reason: 'InternalError', details: { causes: [{ message: 'injected fault' }] }, code: 500 } });
    }
    await clients.core.readNamespace({ name: 'shop' });
    server.faults.fail500({ method: 'PATCH', path: /\/scale$/ });
    await clients.apps.readNamespacedDeploymentScale({ namespace: 'shop', name: 'web' });
    expect(statusOf(await rejection(clients.apps.patchNamespacedDeploymentScale({ namespace: 'shop', name: 'web', body: { spec: { replicas: 0 } } }, merge))).code).toBe(500);
    expect(statusOf(await rejection(clients.apps.patchNamespacedDeploymentScale({ namespace: 'shop', name: 'web', body: { spec: { replicas: 0 } } }, merge))).code).toBe(500);
    await server.faults.reset();
    await clients.apps.patchNamespacedDeploymentScale({ namespace: 'shop', name: 'web', body: { spec: { replicas: 0 } } }, merge);
  });

  it('forbids one verb on one resource with the API server\'s 403 message', async () => {
    const { server, clients } = await start();
    server.faults.forbid('patch', 'deployments', 'scale');
    const error = statusOf(await rejection(clients.apps.patchNamespacedDeploymentScale({ namespace: 'shop', name: 'web', body: { spec: { replicas: 0 } } }, merge)));
    expect(error).toEqual({ code: 403, status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "web" is forbidden: User "system:anonymous" cannot patch resource "deployments/scale" in API group "apps" in the namespace "shop"', reason: 'Forbidden', details: { name: 'web', group: 'apps', kind: 'deployments' }, code: 403 } });
    await clients.apps.readNamespacedDeploymentScale({ namespace: 'shop', name: 'web' });
    server.faults.forbid('list', 'namespaces');
    expect(statusOf(await rejection(clients.core.listNamespace())).status?.message).toBe('namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope');
  });

  it('conflicts the next write with 409 and lets the one after through', async () => {
    const { server, clients } = await start();
    server.faults.conflictNextWrites(1);
    const error = statusOf(await rejection(clients.core.patchNamespace({ name: 'shop', body: { metadata: { annotations: { a: 'b' } } } }, merge)));
    expect(error.status).toMatchObject({ reason: 'Conflict', code: 409, message: 'Operation cannot be fulfilled on namespaces "shop": the object has been modified; please apply your changes to the latest version and try again' });
    await clients.core.patchNamespace({ name: 'shop', body: { metadata: { annotations: { a: 'b' } } } }, merge);
  });

  it('expires the next watch with an ERROR 410 event', async () => {
    const { server, clients } = await start();
    server.faults.expireNextWatches(1);
    const events: string[] = [];
    const done = await new Promise<unknown>((resolve) => {
      void new Watch(clients.kc).watch('/api/v1/namespaces', { resourceVersion: String(server.store.currentResourceVersion) }, (type, object: { code?: number }) => events.push(`${type} ${object.code}`), resolve);
    });
    expect(done).toBeNull();
    expect(events).toEqual(['ERROR 410']);
  });

  it('drops open watches by destroying their sockets, which client-node reports as an error', async () => {
    const { server, clients } = await start();
    const done = new Promise<unknown>((resolve) => {
      void new Watch(clients.kc).watch('/api/v1/namespaces', {}, () => undefined, resolve);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.faults.dropWatches()).toBe(1);
    expect(await done).toBeInstanceOf(Error);
  });
});

describe('authentication', () => {
  it('requires the bearer token when one is configured: 401 Unauthorized otherwise', async () => {
    const { server, clients } = await start({ token: 'secret' });
    expect((await clients.core.readNamespace({ name: 'shop' })).metadata?.name).toBe('shop');
    const anonymous = clientsFor({ ...server, kubeConfigOptions: () => ({ ...server.kubeConfigOptions(), users: [{ name: 'fake-user', token: 'wrong' }] }) });
    const error = await rejection(anonymous.core.readNamespace({ name: 'shop' }));
    expect((error as { code: number }).code).toBe(401);
    const raw = await fetch(`${server.url}/api/v1/namespaces`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });
});
