import { afterEach, describe, expect, it } from 'vitest';
import { seedEnvironment } from '../fixtures/index.js';
import type { Change } from '../fake-api/store.js';
import { eventually } from './test-http.js';
import { endpointsOf, podsOf, readyEndpoints, scale, startTestCluster, statusOf, type TestCluster } from './test-cluster.js';
import type { ConditionView, ContainerStatusView } from './test-views.js';

// Failing pods look on the wire the way a real kubelet and controllers report them (CONTRACT §13), and
// none of them ever gives a ready endpoint.

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const IMAGE = 'registry.example.com/shop/web:1.0.0';

/** An environment with Deployment `web` at 0, failing as `failure`, then scaled to 1. */
async function failingWeb(failure: Parameters<TestCluster['kubelet']['fail']>[3]): Promise<TestCluster> {
  cluster = startTestCluster();
  seedEnvironment(cluster.store, { name: 'shop', workloads: [{ name: 'web', replicas: 0, progressDeadlineSeconds: 1 }] });
  await cluster.kubelet.whenIdle();
  cluster.kubelet.fail('shop', 'Deployment', 'web', failure);
  scale(cluster.store, 'deployments', 'shop', 'web', 1);
  await cluster.kubelet.whenIdle();
  return cluster;
}

function containerStates(changes: readonly Change[]): ContainerStatusView['state'][] {
  return changes.flatMap((c) => {
    const state = c.resource === 'pods' && c.type !== 'DELETED' ? statusOf(c.object).containerStatuses?.[0]?.state : undefined;
    return state === undefined ? [] : [state];
  });
}

function noReadyEndpointEver(changes: readonly Change[]): boolean {
  return changes
    .filter((c) => c.resource === 'endpointslices')
    .every((c) => ((c.object.endpoints as { conditions: { ready: boolean } }[] | null) ?? []).every((e) => !e.conditions.ready));
}

describe('failing workloads', { timeout: 15_000 }, () => {
  it('ImagePullBackOff: the pod stays Pending, first ErrImagePull then ImagePullBackOff, both naming the image', async () => {
    const { store, changes } = await failingWeb('ImagePullBackOff');
    const [pod] = podsOf(store, 'shop', 'web-');
    const status = statusOf(pod);
    expect(status.phase).toBe('Pending');
    expect(status.podIP).toBeDefined();
    expect(status.containerStatuses?.[0]).toMatchObject({ ready: false, started: false, restartCount: 0, imageID: '', image: IMAGE, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${IMAGE}"` } } });
    const reasons = containerStates(changes).flatMap((s) => (s.waiting === undefined ? [] : [s.waiting.reason]));
    expect(reasons).toEqual(['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff']);
    const errImagePull = containerStates(changes).find((s) => s.waiting?.reason === 'ErrImagePull');
    expect(errImagePull?.waiting?.message).toContain(`"${IMAGE}"`);
    expect(endpointsOf(store, 'shop', 'web')?.[0]?.conditions).toEqual({ ready: false, serving: false, terminating: false });
    expect(noReadyEndpointEver(changes)).toBe(true);
    expect(statusOf(store.get('deployments', 'shop', 'web'))).toMatchObject({ replicas: 1, updatedReplicas: 1, unavailableReplicas: 1 });
    expect(statusOf(store.get('deployments', 'shop', 'web')).readyReplicas).toBeUndefined();
  });

  it('CrashLoopBackOff: the process starts and exits, the restart count grows, the last termination is kept', async () => {
    const { store, changes } = await failingWeb('CrashLoopBackOff');
    await eventually(() => (statusOf(podsOf(store, 'shop', 'web-')[0]).containerStatuses?.[0]?.restartCount ?? 0) >= 2, 'a second restart');
    const status = statusOf(podsOf(store, 'shop', 'web-')[0]);
    expect(status.phase).toBe('Running');
    const container = status.containerStatuses![0]!;
    expect(container.ready).toBe(false);
    expect(container.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(container.lastState.terminated?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    if (container.state.waiting !== undefined) {
      expect(container.state.waiting.reason).toBe('CrashLoopBackOff');
      expect(container.state.waiting.message).toMatch(/^back-off \d+s restarting failed container=web pod=web-/);
    }
    const reasons = containerStates(changes).map((s) => s.waiting?.reason);
    expect(reasons).toContain('CrashLoopBackOff');
    expect(noReadyEndpointEver(changes)).toBe(true);
  });

  it('Unschedulable: the pod has no node and no IP, PodScheduled is False with the scheduler message, and the slice stays empty', async () => {
    const { store, changes } = await failingWeb('Unschedulable');
    const [pod] = podsOf(store, 'shop', 'web-');
    expect((pod?.spec as { nodeName?: string }).nodeName).toBeUndefined();
    expect(statusOf(pod)).toEqual({
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
          lastTransitionTime: expect.any(String),
        },
      ],
      qosClass: 'Burstable',
    });
    expect(endpointsOf(store, 'shop', 'web')).toBeNull();
    expect(noReadyEndpointEver(changes)).toBe(true);
  });

  it('CreateContainerConfigError: the pod stays Pending with the container waiting on a missing Secret', async () => {
    const { store } = await failingWeb('CreateContainerConfigError');
    const status = statusOf(podsOf(store, 'shop', 'web-')[0]);
    expect(status.phase).toBe('Pending');
    expect(status.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'CreateContainerConfigError', message: 'secret "web-env" not found' } });
    expect(readyEndpoints(store, 'shop', 'web')).toBe(0);
  });

  it('FailedCreate: no pod appears; the Deployment reports ReplicaFailure and a Warning Event, and its completed rollout stays complete', async () => {
    const { store } = await failingWeb('FailedCreate');
    expect(podsOf(store, 'shop', 'web-')).toEqual([]);
    const conditions: readonly ConditionView[] = statusOf(store.get('deployments', 'shop', 'web')).conditions ?? [];
    const failure = conditions.find((c) => c.type === 'ReplicaFailure');
    expect(failure).toMatchObject({ status: 'True', reason: 'FailedCreate' });
    expect(failure?.message).toMatch(/^pods "web-[a-z0-9]+-" is forbidden: exceeded quota: compute-resources/);
    // Scaling is not a rollout: the controller does not re-check progress (pkg/controller/deployment/progress.go).
    expect(conditions.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    const [event] = store.list('events', 'shop');
    expect(event).toMatchObject({ reason: 'FailedCreate', type: 'Warning', involvedObject: { kind: 'ReplicaSet', namespace: 'shop' } });
    expect(endpointsOf(store, 'shop', 'web')).toBeNull();
  });

  it('FailedCreate on a new Deployment: its rollout never completes and times out with ProgressDeadlineExceeded', async () => {
    cluster = startTestCluster();
    const { store, kubelet } = cluster;
    kubelet.fail('shop', 'Deployment', 'web', 'FailedCreate');
    seedEnvironment(store, { name: 'shop', workloads: [{ name: 'web', replicas: 1, progressDeadlineSeconds: 1 }] });
    await kubelet.whenIdle();
    const progressing = (): ConditionView | undefined => (statusOf(store.get('deployments', 'shop', 'web')).conditions ?? []).find((c) => c.type === 'Progressing');
    expect(progressing()).toMatchObject({ status: 'True', reason: 'NewReplicaSetCreated' });
    await eventually(() => progressing()?.reason === 'ProgressDeadlineExceeded', 'ProgressDeadlineExceeded', 6_000);
    expect(progressing()).toMatchObject({ status: 'False', message: expect.stringMatching(/^ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$/) });
    expect((statusOf(store.get('deployments', 'shop', 'web')).conditions ?? []).map((c) => c.type)).toEqual(['Available', 'Progressing', 'ReplicaFailure']);
  });

  it('FailedCreate on a StatefulSet creates no pod and records the controller’s Warning Event', async () => {
    cluster = startTestCluster();
    const { store, kubelet } = cluster;
    seedEnvironment(store, { name: 'data', workloads: [{ kind: 'StatefulSet', name: 'db', replicas: 0 }] });
    kubelet.fail('data', 'StatefulSet', 'db', 'FailedCreate');
    scale(store, 'statefulsets', 'data', 'db', 1);
    await kubelet.whenIdle();
    expect(store.list('pods', 'data')).toEqual([]);
    expect(store.list('events', 'data')[0]).toMatchObject({ reason: 'FailedCreate', involvedObject: { kind: 'StatefulSet', name: 'db' }, message: expect.stringContaining('create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden') });
    expect(statusOf(store.get('statefulsets', 'data', 'db'))).toMatchObject({ replicas: 0, availableReplicas: 0 });
  });

  it('a failing first pod of a StatefulSet holds back the next ordinals', async () => {
    cluster = startTestCluster();
    const { store, kubelet } = cluster;
    seedEnvironment(store, { name: 'data', workloads: [{ kind: 'StatefulSet', name: 'db', replicas: 0 }] });
    kubelet.fail('data', 'StatefulSet', 'db', 'ImagePullBackOff');
    scale(store, 'statefulsets', 'data', 'db', 3);
    await kubelet.whenIdle();
    expect(store.list('pods', 'data').map((p) => p.metadata.name)).toEqual(['db-0']);
  });

  it.each(['ImagePullBackOff', 'CrashLoopBackOff', 'Unschedulable', 'FailedCreate', 'CreateContainerConfigError'] as const)('heal after %s brings the Deployment to Ready pods and ready endpoints', async (failure) => {
    const { store, kubelet } = await failingWeb(failure);
    kubelet.heal('shop', 'Deployment', 'web');
    await eventually(() => readyEndpoints(store, 'shop', 'web') === 1, 'a ready endpoint after heal');
    await kubelet.whenIdle();
    const pods = podsOf(store, 'shop', 'web-');
    expect(pods).toHaveLength(1);
    expect(statusOf(pods[0]).containerStatuses?.[0]).toMatchObject({ ready: true, restartCount: 0 });
    const status = statusOf(store.get('deployments', 'shop', 'web'));
    expect(status).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1 });
    expect((status.conditions ?? []).some((c) => c.type === 'ReplicaFailure')).toBe(false);
  });

  it('a failure does not touch pods that are already Ready', async () => {
    cluster = startTestCluster();
    const { store, kubelet } = cluster;
    seedEnvironment(store, { name: 'shop', workloads: [{ name: 'web', replicas: 1 }] });
    await kubelet.whenIdle();
    const [ready] = kubelet.pods('shop');
    kubelet.fail('shop', 'Deployment', 'web', 'ImagePullBackOff');
    await kubelet.whenIdle();
    expect(kubelet.pods('shop').map((p) => p.name)).toEqual([ready!.name]);
    expect(readyEndpoints(store, 'shop', 'web')).toBe(1);
  });
});
