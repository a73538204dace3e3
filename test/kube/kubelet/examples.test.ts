import { afterEach, describe, expect, it } from 'vitest';
import { applyManifests } from '../fixtures/index.js';
import { getFrom } from './test-http.js';
import { endpointsOf, readyEndpoints, scale, startTestCluster, type TestCluster } from './test-cluster.js';

// The example dev namespaces of the no-cluster demo start asleep and really answer once woken.

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('the example dev namespaces', { timeout: 20_000 }, () => {
  it('start with no endpoints, and restoring their sleep-replicas gives every Service ready endpoints that answer', async () => {
    cluster = startTestCluster({ startDelayMs: 20 });
    const { store, kubelet } = cluster;
    const objects = [...applyManifests(store, 'examples/kube/alice-preview.yaml'), ...applyManifests(store, 'examples/kube/bob-feature-x.yaml')];
    await kubelet.whenIdle();
    const services = objects.filter((o) => o.kind === 'Service').map((o) => [o.metadata.namespace ?? '', o.metadata.name ?? ''] as const);
    expect(services).toHaveLength(4);
    for (const [namespace, name] of services) expect(endpointsOf(store, namespace, name)).toBeNull();
    expect(kubelet.pods()).toEqual([]);

    for (const workload of objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')) {
      const replicas = Number(workload.metadata.annotations?.['wakegate.io/sleep-replicas']);
      scale(store, workload.kind === 'Deployment' ? 'deployments' : 'statefulsets', workload.metadata.namespace ?? '', workload.metadata.name ?? '', replicas);
    }
    await kubelet.whenIdle();

    expect(readyEndpoints(store, 'alice-preview', 'web')).toBe(2);
    expect(readyEndpoints(store, 'alice-preview', 'api')).toBe(1);
    expect(readyEndpoints(store, 'bob-feature-x', 'app')).toBe(1);
    expect(readyEndpoints(store, 'bob-feature-x', 'db')).toBe(1);
    for (const slice of [...store.list('endpointslices', 'alice-preview'), ...store.list('endpointslices', 'bob-feature-x')]) {
      const [port] = slice.ports as { port: number }[];
      for (const endpoint of slice.endpoints as { addresses: string[]; targetRef: { name: string } }[]) {
        const reply = await getFrom(endpoint.addresses[0]!, port!.port, '/', 'alice.preview.localhost');
        expect(reply.status).toBe(200);
        expect(JSON.parse(reply.body)).toMatchObject({ pod: endpoint.targetRef.name, namespace: slice.metadata.namespace });
      }
    }
  });
});
