import { afterEach, describe, expect, it } from 'vitest';
import { seedEnvironment } from '../fixtures/index.js';
import { alive, eventually, getFrom } from './test-http.js';
import { endpointsOf, podsOf, readyEndpoints, scale, startTestCluster, statusOf, type TestCluster } from './test-cluster.js';

// Replica changes become pods with real processes on their own loopback addresses, and EndpointSlices
// that follow them — as a cluster's controllers, scheduler and kubelet would (CONTRACT §4, §13).

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('scaling workloads', { timeout: 15_000 }, () => {
  it('scaling a Deployment from 0 to 2 gives two Ready pods that answer on their pod IPs and a slice with two ready endpoints after the start delay', async () => {
    cluster = startTestCluster({ startDelayMs: 300 });
    const { store, kubelet } = cluster;
    seedEnvironment(store, { name: 'shop', workloads: [{ name: 'web', replicas: 0 }], ingress: { host: 'shop.preview.localhost' } });
    await kubelet.whenIdle();
    expect(endpointsOf(store, 'shop', 'web')).toBeNull();
    const [slice] = store.list('endpointslices', 'shop');
    expect(slice?.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(slice?.ports).toBeNull();

    const started = Date.now();
    scale(store, 'deployments', 'shop', 'web', 2);
    await eventually(() => readyEndpoints(store, 'shop', 'web') === 2, 'two ready endpoints');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await kubelet.whenIdle();

    const pods = podsOf(store, 'shop', 'web-');
    expect(pods).toHaveLength(2);
    const deployment = store.get('deployments', 'shop', 'web')!;
    for (const pod of pods) {
      const [owner] = pod.metadata.ownerReferences ?? [];
      const hash = pod.metadata.labels?.['pod-template-hash'];
      expect(owner).toMatchObject({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `web-${hash}`, controller: true, blockOwnerDeletion: true });
      expect(pod.metadata.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.metadata.labels).toMatchObject({ app: 'web' });
      const status = statusOf(pod);
      expect(status.phase).toBe('Running');
      expect(status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(status.containerStatuses?.every((c) => c.ready)).toBe(true);
      expect(status.podIP).toMatch(/^127\.0\.\d+\.\d+$/);
      const reply = await getFrom(status.podIP!, 8080, '/hello', 'shop.preview.localhost');
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ pod: pod.metadata.name, namespace: 'shop', path: '/hello', host: 'shop.preview.localhost' });
    }
    expect(new Set(pods.map((p) => statusOf(p).podIP)).size).toBe(2);

    const endpoints = endpointsOf(store, 'shop', 'web')!;
    expect(endpoints.map((e) => e.addresses[0]).sort()).toEqual(pods.map((p) => statusOf(p).podIP).sort());
    const [updated] = store.list('endpointslices', 'shop');
    expect(updated?.metadata.name).toBe(slice?.metadata.name);
    expect(updated?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(statusOf(deployment)).toMatchObject({ observedGeneration: deployment.metadata.generation, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
  });

  it('scaling a Deployment from 2 to 0 marks its endpoints terminating, then leaves null endpoints, and stops its processes', async () => {
    cluster = startTestCluster({ stopDelayMs: 200 });
    const { store, kubelet, changes } = cluster;
    seedEnvironment(store, { name: 'shop', workloads: [{ name: 'web', replicas: 2 }] });
    await kubelet.whenIdle();
    expect(readyEndpoints(store, 'shop', 'web')).toBe(2);
    const pids = kubelet.pods('shop').map((p) => p.pid!);
    expect(pids.every(alive)).toBe(true);

    const before = changes.length;
    scale(store, 'deployments', 'shop', 'web', 0);
    await kubelet.whenIdle();

    const sliceStates = changes
      .slice(before)
      .filter((c) => c.resource === 'endpointslices')
      .map((c) => c.object.endpoints as { conditions: object }[] | null);
    expect(sliceStates).toContainEqual([
      expect.objectContaining({ conditions: { ready: false, serving: true, terminating: true } }),
      expect.objectContaining({ conditions: { ready: false, serving: true, terminating: true } }),
    ]);
    expect(sliceStates.at(-1)).toBeNull();
    const [slice] = store.list('endpointslices', 'shop');
    expect(slice).toMatchObject({ endpoints: null, ports: null });
    expect(podsOf(store, 'shop', 'web-')).toEqual([]);
    expect(pids.some(alive)).toBe(false);
    const status = statusOf(store.get('deployments', 'shop', 'web'));
    for (const counter of ['replicas', 'readyReplicas', 'availableReplicas', 'updatedReplicas', 'unavailableReplicas']) expect(status[counter]).toBeUndefined();
  });

  it('a StatefulSet starts its pods in ordinal order, each once the previous one is Ready, and stops them highest first', async () => {
    cluster = startTestCluster();
    const { store, kubelet, changes } = cluster;
    seedEnvironment(store, { name: 'data', workloads: [{ kind: 'StatefulSet', name: 'db', replicas: 0, port: 5432, portName: 'postgres', service: { headless: true, port: 5432 } }] });
    await kubelet.whenIdle();
    const before = changes.length;
    scale(store, 'statefulsets', 'data', 'db', 3);
    await eventually(() => readyEndpoints(store, 'data', 'db') === 3, 'three ready endpoints');
    await kubelet.whenIdle();

    const podEvents = changes.slice(before).filter((c) => c.resource === 'pods');
    const created = podEvents.filter((c) => c.type === 'ADDED').map((c) => c.object.metadata.name);
    expect(created).toEqual(['db-0', 'db-1', 'db-2']);
    const readyAt = (name: string): number =>
      podEvents.findIndex((c) => c.object.metadata.name === name && statusOf(c.object).conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
    const createdAt = (name: string): number => podEvents.findIndex((c) => c.type === 'ADDED' && c.object.metadata.name === name);
    expect(readyAt('db-0')).toBeLessThan(createdAt('db-1'));
    expect(readyAt('db-1')).toBeLessThan(createdAt('db-2'));

    const db1 = store.get('pods', 'data', 'db-1')!;
    expect(db1.metadata.labels).toMatchObject({ app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-1', 'apps.kubernetes.io/pod-index': '1' });
    expect(db1.metadata.labels?.['controller-revision-hash']).toMatch(/^db-/);
    expect(db1.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: store.get('statefulsets', 'data', 'db')!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(db1.spec).toMatchObject({ hostname: 'db-1', subdomain: 'db' });
    const ip = statusOf(db1).podIP!;
    expect((await getFrom(ip, 5432, '/')).status).toBe(200);
    expect(statusOf(store.get('statefulsets', 'data', 'db'))).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3, collisionCount: 0 });

    const beforeDown = changes.length;
    scale(store, 'statefulsets', 'data', 'db', 0);
    await kubelet.whenIdle();
    const deleted = changes
      .slice(beforeDown)
      .filter((c) => c.resource === 'pods' && c.type === 'DELETED')
      .map((c) => c.object.metadata.name);
    expect(deleted).toEqual(['db-2', 'db-1', 'db-0']);
    expect(statusOf(store.get('statefulsets', 'data', 'db'))).toMatchObject({ replicas: 0, availableReplicas: 0 });
  });

  it('the start-delay annotation makes one workload’s pods slower to become Ready than the kubelet’s default', async () => {
    cluster = startTestCluster({ startDelayMs: 50 });
    const { store, kubelet } = cluster;
    seedEnvironment(store, { name: 'shop', workloads: [{ name: 'fast', replicas: 0 }, { name: 'slow', replicas: 0, startDelay: '700ms' }] });
    await kubelet.whenIdle();
    const started = Date.now();
    scale(store, 'deployments', 'shop', 'fast', 1);
    scale(store, 'deployments', 'shop', 'slow', 1);
    await eventually(() => readyEndpoints(store, 'shop', 'fast') === 1, 'the fast pod');
    expect(readyEndpoints(store, 'shop', 'slow')).toBe(0);
    await eventually(() => readyEndpoints(store, 'shop', 'slow') === 1, 'the slow pod');
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });

  it('a pod deleted by someone else loses its process and is replaced by a new one', async () => {
    cluster = startTestCluster();
    const { store, kubelet } = cluster;
    seedEnvironment(store, { name: 'shop', workloads: [{ name: 'web', replicas: 1 }] });
    await kubelet.whenIdle();
    const [old] = kubelet.pods('shop');
    store.delete('pods', 'shop', old!.name);
    await eventually(() => !alive(old!.pid!), 'the old process to stop');
    await eventually(() => readyEndpoints(store, 'shop', 'web') === 1 && kubelet.pods('shop')[0]?.name !== old!.name, 'a replacement pod');
    await kubelet.whenIdle();
    expect(podsOf(store, 'shop', 'web-').map((p) => p.metadata.name)).not.toContain(old!.name);
  });

  it('a Service created after its pods, with a numbered targetPort, gets a slice of them at once', async () => {
    cluster = startTestCluster();
    const { store, kubelet } = cluster;
    seedEnvironment(store, { name: 'shop', workloads: [{ name: 'web', replicas: 2, service: false }] });
    await kubelet.whenIdle();
    expect(store.list('endpointslices', 'shop')).toEqual([]);
    store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-direct', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } });
    await kubelet.whenIdle();
    expect(readyEndpoints(store, 'shop', 'web-direct')).toBe(2);
    expect(store.list('endpointslices', 'shop')[0]?.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
    store.delete('services', 'shop', 'web-direct');
    await kubelet.whenIdle();
    expect(store.list('endpointslices', 'shop')).toEqual([]);
  });

  it('closing the kubelet stops every pod process', async () => {
    const local = startTestCluster();
    seedEnvironment(local.store, { name: 'shop', workloads: [{ name: 'web', replicas: 3 }] });
    await local.kubelet.whenIdle();
    const pids = local.kubelet.pods().map((p) => p.pid!);
    expect(pids).toHaveLength(3);
    await local.close();
    expect(pids.some(alive)).toBe(false);
  });
});
