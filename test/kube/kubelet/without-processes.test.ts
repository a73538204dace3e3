import { afterEach, describe, expect, it } from 'vitest';
import { seedEnvironment } from '../fixtures/index.js';
import { livePodProcesses } from './index.js';
import { readyEndpoints, scale, startTestCluster, type TestCluster } from './test-cluster.js';

// Without processes the kubelet is cheap enough for scale tests: pods and endpoints only.

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('a kubelet without processes', { timeout: 20_000 }, () => {
  it('runs hundreds of pods across many namespaces with unique addresses and slices of at most 100 endpoints', async () => {
    cluster = startTestCluster({ processes: false, startDelayMs: 10, stopDelayMs: 0 });
    const { store, kubelet } = cluster;
    for (let i = 0; i < 40; i++) seedEnvironment(store, { name: `env-${i}`, workloads: [{ name: 'web', replicas: 0 }, { name: 'api', replicas: 0 }] });
    seedEnvironment(store, { name: 'big', workloads: [{ name: 'web', replicas: 0 }] });
    await kubelet.whenIdle();
    for (let i = 0; i < 40; i++) {
      scale(store, 'deployments', `env-${i}`, 'web', 3);
      scale(store, 'deployments', `env-${i}`, 'api', 2);
    }
    scale(store, 'deployments', 'big', 'web', 250);
    await kubelet.whenIdle();

    expect(livePodProcesses()).toBe(0);
    const pods = kubelet.pods();
    expect(pods).toHaveLength(40 * 5 + 250);
    expect(pods.every((p) => p.ready && p.pid === null)).toBe(true);
    expect(new Set(pods.map((p) => p.ip)).size).toBe(pods.length);
    expect(readyEndpoints(store, 'env-7', 'web')).toBe(3);
    expect(readyEndpoints(store, 'big', 'web')).toBe(250);
    expect(store.list('endpointslices', 'big').map((s) => (s.endpoints as unknown[]).length).sort()).toEqual([100, 100, 50]);

    scale(store, 'deployments', 'big', 'web', 0);
    await kubelet.whenIdle();
    expect(store.list('pods', 'big')).toEqual([]);
    expect(store.list('endpointslices', 'big')).toEqual([expect.objectContaining({ endpoints: null, ports: null })]);
  });
});
