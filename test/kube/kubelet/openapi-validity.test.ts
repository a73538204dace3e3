import { afterEach, describe, expect, it } from 'vitest';
import { seedEnvironment } from '../fixtures/index.js';
import { validateObject } from '../openapi/validate.js';
import type { Change } from '../fake-api/store.js';
import { eventually } from './test-http.js';
import { scale, startTestCluster, statusOf, type TestCluster } from './test-cluster.js';

// Everything the simulated kubelet writes — Pods, EndpointSlices, Events, Deployment and StatefulSet
// status — validates against the release-1.34 OpenAPI schemas, in every state it passes through.

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const WRITTEN_BY_THE_KUBELET = new Set(['pods', 'endpointslices', 'events', 'deployments', 'statefulsets']);

function problems(changes: readonly Change[]): string[] {
  return changes
    .filter((c) => WRITTEN_BY_THE_KUBELET.has(c.resource))
    .flatMap((c) => validateObject(c.object).map((p) => `${c.type} ${c.object.kind}/${c.object.metadata.name} rv ${c.resourceVersion}: ${p}`));
}

describe('objects written by the simulated kubelet', { timeout: 20_000 }, () => {
  it('validate against the OpenAPI schemas through waking, failing, healing and sleeping', async () => {
    cluster = startTestCluster({ stopDelayMs: 30 });
    const { store, kubelet, changes } = cluster;
    seedEnvironment(store, {
      name: 'shop',
      workloads: [
        { name: 'web', replicas: 0 },
        { name: 'api', replicas: 0 },
        { name: 'worker', replicas: 0 },
        { name: 'jobs', replicas: 0 },
        { name: 'cfg', replicas: 0 },
        { kind: 'StatefulSet', name: 'db', replicas: 0, service: { headless: true } },
      ],
      ingress: { host: 'shop.preview.localhost' },
    });
    kubelet.fail('shop', 'Deployment', 'api', 'CrashLoopBackOff');
    kubelet.fail('shop', 'Deployment', 'worker', 'Unschedulable');
    kubelet.fail('shop', 'Deployment', 'jobs', 'FailedCreate');
    kubelet.fail('shop', 'Deployment', 'cfg', 'CreateContainerConfigError');
    kubelet.fail('shop', 'StatefulSet', 'db', 'ImagePullBackOff');
    for (const name of ['web', 'api', 'worker', 'jobs', 'cfg']) scale(store, 'deployments', 'shop', name, 2);
    scale(store, 'statefulsets', 'shop', 'db', 2);
    await kubelet.whenIdle();
    await eventually(() => store.list('pods', 'shop').some((p) => (statusOf(p).containerStatuses?.[0]?.restartCount ?? 0) >= 2), 'a crash-looping restart');
    for (const name of ['api', 'worker', 'jobs', 'cfg']) kubelet.heal('shop', 'Deployment', name);
    kubelet.heal('shop', 'StatefulSet', 'db');
    await kubelet.whenIdle();
    for (const name of ['web', 'api', 'worker', 'jobs', 'cfg']) scale(store, 'deployments', 'shop', name, 0);
    scale(store, 'statefulsets', 'shop', 'db', 0);
    await kubelet.whenIdle();

    const kinds = new Set(changes.filter((c) => WRITTEN_BY_THE_KUBELET.has(c.resource)).map((c) => c.object.kind));
    expect([...kinds].sort()).toEqual(['Deployment', 'EndpointSlice', 'Event', 'Pod', 'StatefulSet']);
    expect(changes.length).toBeGreaterThan(100);
    expect(problems(changes)).toEqual([]);
  });
});
