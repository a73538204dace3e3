import { makeInformer, Watch, type V1Deployment } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeApiServer, FakeApiServerOptions } from './server.js';
import { Store } from './store.js';
import { deployment, eventually, startSeeded, type Clients } from './test-support.js';

let server: FakeApiServer | undefined;
const cleanups: (() => void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server?.close();
  server = undefined;
});

async function start(options: FakeApiServerOptions = {}): Promise<{ server: FakeApiServer; clients: Clients }> {
  const started = await startSeeded(options);
  server = started.server;
  return started;
}

/** A watch event object as client-node hands it over: raw JSON. */
type WatchedObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- raw JSON, asserted field by field
interface Seen { type: string; name: string; rv: string; object: WatchedObject }

/** Starts a client-node Watch and records its events and how it ended. */
async function watch(clients: Clients, path: string, query: Record<string, string | number | boolean | undefined>): Promise<{ events: Seen[]; ended: Promise<unknown> }> {
  const events: Seen[] = [];
  let end: (err: unknown) => void = () => undefined;
  const ended = new Promise<unknown>((resolve) => { end = resolve; });
  const controller = await new Watch(clients.kc).watch(path, query, (type, object: WatchedObject) => {
    events.push({ type, name: object?.metadata?.name as string, rv: object?.metadata?.resourceVersion as string, object });
  }, (err) => end(err ?? null));
  cleanups.push(() => controller.abort());
  return { events, ended };
}

describe('Watch through client-node', () => {
  it('starts with a synthetic ADDED per existing object when resourceVersion is unset or 0', async () => {
    const { clients } = await start();
    const unset = await watch(clients, '/apis/apps/v1/namespaces/shop/deployments', {});
    const zero = await watch(clients, '/apis/apps/v1/deployments', { resourceVersion: '0' });
    await eventually(() => unset.events.length === 2 && zero.events.length === 3);
    expect(unset.events.map((e) => [e.type, e.name])).toEqual([['ADDED', 'api'], ['ADDED', 'web']]);
    expect(zero.events[0]?.object).toMatchObject({ kind: 'Deployment', apiVersion: 'apps/v1' });
  });

  it('sends only later changes from a given resourceVersion: MODIFIED, then DELETED with the last state and a new resourceVersion', async () => {
    const { server, clients } = await start();
    const from = server.store.currentResourceVersion;
    const w = await watch(clients, '/apis/apps/v1/namespaces/shop/deployments', { resourceVersion: String(from) });
    server.store.modify('deployments', 'shop', 'web', (d) => { d.status = { replicas: 2 }; });
    server.store.delete('deployments', 'shop', 'web');
    server.store.create('deployments', deployment('blog', 'other'));
    await eventually(() => w.events.length === 2);
    expect(w.events.map((e) => [e.type, e.name, e.rv])).toEqual([['MODIFIED', 'web', String(from + 1)], ['DELETED', 'web', String(from + 2)]]);
    expect(w.events[1]?.object.status).toEqual({ replicas: 2 });
  });

  it('resumes from history: changes made before the watch started but after its resourceVersion are replayed', async () => {
    const { server, clients } = await start();
    const from = server.store.currentResourceVersion;
    server.store.modify('deployments', 'shop', 'api', (d) => { d.metadata.annotations = { a: 'b' }; });
    const w = await watch(clients, '/apis/apps/v1/deployments', { resourceVersion: String(from) });
    await eventually(() => w.events.length === 1);
    expect(w.events[0]).toMatchObject({ type: 'MODIFIED', name: 'api' });
  });

  it('turns label changes into ADDED and DELETED for a selector watch', async () => {
    const { server, clients } = await start();
    const w = await watch(clients, '/api/v1/namespaces', { resourceVersion: String(server.store.currentResourceVersion), labelSelector: 'wakegate.dev/enabled=true' });
    server.store.modify('namespaces', undefined, 'blog', (n) => { n.metadata.labels = { ...n.metadata.labels, 'wakegate.dev/enabled': 'true' }; });
    server.store.modify('namespaces', undefined, 'blog', (n) => { n.metadata.annotations = { x: 'y' }; });
    server.store.modify('namespaces', undefined, 'shop', (n) => { n.metadata.labels = { 'wakegate.dev/enabled': 'false' }; });
    await eventually(() => w.events.length === 3);
    expect(w.events.map((e) => [e.type, e.name])).toEqual([['ADDED', 'blog'], ['MODIFIED', 'blog'], ['DELETED', 'shop']]);
    // The DELETED of a selector transition carries the old content with the new resourceVersion.
    expect(w.events[2]?.object.metadata.labels['wakegate.dev/enabled']).toBe('true');
    expect(w.events[2]?.rv).toBe(String(server.store.currentResourceVersion));
  });

  it('answers a too-old resourceVersion with one ERROR 410 Expired event in a 200 stream, then a clean end', async () => {
    const { server, clients } = await start({ store: new Store({ historyLimit: 2 }) });
    for (let i = 0; i < 3; i++) server.store.modify('deployments', 'shop', 'web', (d) => { d.metadata.labels = { i: String(i) }; });
    const w = await watch(clients, '/apis/apps/v1/deployments', { resourceVersion: '2' });
    expect(await w.ended).toBeNull();
    expect(w.events).toHaveLength(1);
    expect(w.events[0]?.type).toBe('ERROR');
    expect(w.events[0]?.object).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: 2 (${server.store.currentResourceVersion})`, reason: 'Expired', code: 410 });
  });

  it('ends a watch cleanly at timeoutSeconds, with a BOOKMARK before when bookmarks are allowed', async () => {
    const { server, clients } = await start({ bookmarkIntervalMs: 200 });
    const w = await watch(clients, '/apis/apps/v1/deployments', { resourceVersion: String(server.store.currentResourceVersion), allowWatchBookmarks: true, timeoutSeconds: 1 });
    const started = Date.now();
    expect(await w.ended).toBeNull();
    expect(Date.now() - started).toBeGreaterThan(800);
    expect(w.events.length).toBeGreaterThanOrEqual(3);
    expect(w.events.every((e) => e.type === 'BOOKMARK')).toBe(true);
    expect(w.events[0]?.object).toEqual({ kind: 'Deployment', apiVersion: 'apps/v1', metadata: { resourceVersion: String(server.store.currentResourceVersion) } });
  });

  it('waits on a future resourceVersion and sends only what comes after it', async () => {
    const { server, clients } = await start();
    const future = server.store.currentResourceVersion + 1;
    const w = await watch(clients, '/apis/apps/v1/deployments', { resourceVersion: String(future) });
    server.store.modify('deployments', 'shop', 'web', (d) => { d.metadata.labels = { one: '1' }; });
    server.store.modify('deployments', 'shop', 'web', (d) => { d.metadata.labels = { two: '2' }; });
    await eventually(() => w.events.length === 1);
    expect(w.events[0]?.object.metadata.labels).toEqual({ two: '2' });
  });

  it('refuses a watch with an unknown field selector with an ordinary 400 before the stream starts', async () => {
    const { clients } = await start();
    const w = await watch(clients, '/apis/apps/v1/deployments', { fieldSelector: 'status.phase=Running' }).catch((error: unknown) => ({ error }));
    const err = 'error' in w ? w.error : await w.ended;
    expect((err as { statusCode?: number }).statusCode).toBe(400);
  });
});

describe('makeInformer through client-node', () => {
  function informerOf(clients: Clients) {
    const informer = makeInformer(clients.kc, '/apis/apps/v1/namespaces/shop/deployments', () => clients.apps.listNamespacedDeployment({ namespace: 'shop' }));
    const seen: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (d: V1Deployment) => seen.push(`add ${d.metadata?.name}`));
    informer.on('update', (d: V1Deployment) => seen.push(`update ${d.metadata?.name}`));
    informer.on('delete', (d: V1Deployment) => seen.push(`delete ${d.metadata?.name}`));
    informer.on('error', (err: unknown) => errors.push(err));
    let stopped = false;
    cleanups.push(() => { stopped = true; void informer.stop(); });
    return { informer, seen, errors, stopped: () => stopped };
  }

  it('reports add, update and delete', async () => {
    const { server, clients } = await start();
    const { informer, seen } = informerOf(clients);
    await informer.start();
    await eventually(() => seen.length === 2);
    server.store.modify('deployments', 'shop', 'web', (d) => { d.status = { replicas: 2, readyReplicas: 2 }; });
    server.store.delete('deployments', 'shop', 'api');
    await eventually(() => seen.length === 4);
    expect(seen).toEqual(['add api', 'add web', 'update web', 'delete api']);
    expect(informer.list().map((d) => d.metadata?.name)).toEqual(['web']);
  });

  it('relists after a 410 ERROR event and catches up on what it missed', async () => {
    const { server, clients } = await start();
    const { informer, seen } = informerOf(clients);
    server.faults.expireNextWatches(1);
    const lists = (): number => server.requests.filter((r) => r.path.endsWith('/deployments') && !r.query.includes('watch')).length;
    await informer.start();
    await eventually(() => lists() >= 2 && server.requests.some((r) => r.query.includes('watch=true')));
    server.store.modify('deployments', 'shop', 'web', (d) => { d.metadata.labels = { after: 'relist' }; });
    await eventually(() => seen.includes('update web'));
    expect(lists()).toBe(2);
  });

  it('reconnects from its last resourceVersion after the server ends the watch at its default timeout', async () => {
    const { server, clients } = await start({ watchTimeoutSeconds: 1 });
    const { informer, seen } = informerOf(clients);
    await informer.start();
    const watches = (): number => server.requests.filter((r) => r.query.includes('watch=true')).length;
    await eventually(() => watches() >= 2, 4000);
    server.store.modify('deployments', 'shop', 'api', (d) => { d.metadata.labels = { after: 'reconnect' }; });
    await eventually(() => seen.includes('update api'));
    const second = server.requests.filter((r) => r.query.includes('watch=true'))[1];
    expect(new URLSearchParams(second?.query).get('resourceVersion')).not.toBe('');
  });

  it('emits an error when its watch is dropped mid-stream', async () => {
    const { server, clients } = await start();
    const { informer, errors } = informerOf(clients);
    await informer.start();
    await eventually(() => server.requests.some((r) => r.query.includes('watch=true')));
    expect(server.faults.dropWatches()).toBe(1);
    await eventually(() => errors.length === 1);
  });
});
