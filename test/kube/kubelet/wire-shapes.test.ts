import { describe, expect, it } from 'vitest';
import { validateObject } from '../openapi/validate.js';
import { desiredSlices, endpointSliceObject, resolveTargetPort, type EndpointPod } from './endpoint-slices.js';
import { randomSuffix, templateHash } from './names.js';
import { newPodObject, podStatus, NODES, type PodView } from './pod-factory.js';
import { deploymentStatus, maxUnavailable, statefulSetStatus, type DeploymentStatusInput } from './workload-status.js';
import type { KubeObject } from '../fake-api/store.js';
import { conditionOf, statusOf } from './test-views.js';

// The pure builders behind the simulated kubelet, checked against the wire shapes of CONTRACT §4 and
// §13 and against the OpenAPI schemas.

const NOW = '2026-11-26T10:00:00Z';
const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1.0.0', ports: [{ name: 'http', containerPort: 8080 }] }] },
};
const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8c6b5b', uid: '6f1e2d3c-4b5a-4a99-8877-665544332211', controller: true, blockOwnerDeletion: true } as const;

function pod(view: Partial<PodView> = {}): KubeObject {
  const object = newPodObject({ namespace: 'dev', name: 'web-7d9f8c6b5b-x2kqz', generateName: 'web-7d9f8c6b5b-', template, labels: { 'pod-template-hash': '7d9f8c6b5b' }, owner });
  (object.spec as Record<string, unknown>).nodeName = NODES[0]!.name;
  const full: PodView = { uid: 'a1b2c3d4-0000-4000-8000-000000000001', node: NODES[0]!, containers: { state: 'waiting', reason: 'ContainerCreating' }, imagePulled: false, restartCount: 0, ...view };
  object.status = podStatus(full, object.spec as { containers: [] }, undefined, NOW);
  return { ...object, metadata: { ...object.metadata, uid: full.uid, resourceVersion: '7', creationTimestamp: NOW } };
}


describe('pods as the controllers create them and the kubelet reports them', () => {
  it('a ready pod has Ready=True, every container ready and running, a pod IP and phase Running', () => {
    const ready = pod({ ip: '127.0.1.1', startTime: NOW, containers: { state: 'running', startedAt: NOW, ready: true }, imagePulled: true });
    expect(validateObject(ready)).toEqual([]);
    expect(ready.metadata.ownerReferences).toEqual([owner]);
    expect(ready.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': '7d9f8c6b5b' });
    const status = statusOf(ready);
    expect(status.phase).toBe('Running');
    expect(status.podIP).toBe('127.0.1.1');
    expect(status.podIPs).toEqual([{ ip: '127.0.1.1' }]);
    expect(conditionOf(ready, 'Ready')?.status).toBe('True');
    expect(status.conditions?.map((c) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    expect(status.containerStatuses).toHaveLength(1);
    expect(status.containerStatuses?.[0]).toMatchObject({ name: 'web', ready: true, started: true, restartCount: 0, state: { running: { startedAt: NOW } } });
  });

  it('a starting pod is Pending with its container waiting in ContainerCreating and not ready', () => {
    const starting = pod();
    expect(validateObject(starting)).toEqual([]);
    expect(statusOf(starting).phase).toBe('Pending');
    expect(statusOf(starting).podIP).toBeUndefined();
    expect(conditionOf(starting, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]' });
    expect(statusOf(starting).containerStatuses?.[0]).toMatchObject({ ready: false, started: false, state: { waiting: { reason: 'ContainerCreating' } } });
  });

  it('an image that cannot be pulled leaves the pod Pending with a waiting reason and a message naming the image', () => {
    const failing = pod({ ip: '127.0.1.2', containers: { state: 'waiting', reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example.com/web:1.0.0"' } });
    expect(validateObject(failing)).toEqual([]);
    expect(statusOf(failing).phase).toBe('Pending');
    expect(statusOf(failing).containerStatuses?.[0]?.state.waiting).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example.com/web:1.0.0"' });
    expect(statusOf(failing).containerStatuses?.[0]?.imageID).toBe('');
  });

  it('a crashing container shows CrashLoopBackOff, its last termination and its restart count in a Running pod', () => {
    const crashing = pod({
      ip: '127.0.1.3',
      imagePulled: true,
      restartCount: 3,
      lastTermination: { exitCode: 1, reason: 'Error', startedAt: NOW, finishedAt: NOW },
      containers: { state: 'waiting', reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=web pod=web-7d9f8c6b5b-x2kqz_dev(uid)' },
    });
    expect(validateObject(crashing)).toEqual([]);
    const status = statusOf(crashing).containerStatuses?.[0];
    expect(statusOf(crashing).phase).toBe('Running');
    expect(status).toMatchObject({ ready: false, restartCount: 3, lastState: { terminated: { exitCode: 1, reason: 'Error' } }, state: { waiting: { reason: 'CrashLoopBackOff' } } });
    expect(status?.imageID).toMatch(/^registry\.example\.com\/web@sha256:[0-9a-f]{64}$/);
  });

  it('an unschedulable pod has no node, no IP and PodScheduled=False with the scheduler message', () => {
    const object = newPodObject({ namespace: 'dev', name: 'db-0', template, labels: {}, owner: { ...owner, kind: 'StatefulSet', name: 'db' } });
    object.status = podStatus({ uid: 'u', node: null, unschedulable: '0/3 nodes are available: 3 Insufficient cpu.', containers: { state: 'waiting', reason: 'ContainerCreating' }, imagePulled: false, restartCount: 0 }, object.spec as object, undefined, NOW);
    expect(validateObject(object)).toEqual([]);
    expect(object.status).toEqual({
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.', lastTransitionTime: NOW }],
      qosClass: 'BestEffort',
    });
  });

  it('keeps a condition’s lastTransitionTime while its status does not change', () => {
    const view: PodView = { uid: 'u', node: NODES[0]!, ip: '127.0.1.4', containers: { state: 'running', startedAt: NOW, ready: false }, imagePulled: true, restartCount: 0 };
    const first = podStatus(view, template.spec, undefined, NOW);
    const later = podStatus({ ...view, containers: { state: 'running', startedAt: NOW, ready: true } }, template.spec, first, '2026-11-26T10:00:05Z');
    const times = Object.fromEntries((later.conditions as { type: string; lastTransitionTime: string }[]).map((c) => [c.type, c.lastTransitionTime]));
    expect(times).toEqual({ PodReadyToStartContainers: NOW, Initialized: NOW, Ready: '2026-11-26T10:00:05Z', ContainersReady: '2026-11-26T10:00:05Z', PodScheduled: NOW });
  });
});

const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'dev', uid: '0f0e0d0c-0000-4000-8000-00000000000a', labels: { team: 'shop' } },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
};

function endpointPod(name: string, ready: boolean, terminating = false): EndpointPod {
  return { name, namespace: 'dev', uid: `uid-${name}`, ip: `127.0.2.${name.length}`, nodeName: 'wakegate-worker-1', hostname: undefined, subdomain: undefined, containers: template.spec.containers, ready, terminating };
}

describe('EndpointSlices as the EndpointSlice controller writes them', () => {
  it('a Service that selects no pod has one slice with null endpoints and null ports', () => {
    const [content, ...rest] = desiredSlices('web', service.spec as object, []);
    expect(rest).toEqual([]);
    const slice = endpointSliceObject(service, 'web-b8k2f', content!);
    expect(validateObject(slice)).toEqual([]);
    expect(slice).toMatchObject({ addressType: 'IPv4', endpoints: null, ports: null });
    expect(slice.metadata.labels).toEqual({ team: 'shop', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    expect(slice.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: service.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  });

  it('resolves a named targetPort through the pod’s container ports and lists pods with their conditions', () => {
    const pods = [endpointPod('web-a', true), endpointPod('web-bb', false), endpointPod('web-ccc', true, true)];
    const [content] = desiredSlices('web', service.spec as object, pods);
    const slice = endpointSliceObject(service, 'web-b8k2f', content!);
    expect(validateObject(slice)).toEqual([]);
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect((slice.endpoints as { conditions: object }[]).map((e) => e.conditions)).toEqual([
      { ready: true, serving: true, terminating: false },
      { ready: false, serving: false, terminating: false },
      { ready: false, serving: true, terminating: true },
    ]);
    expect((slice.endpoints as object[])[0]).toEqual({
      addresses: ['127.0.2.5'],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'wakegate-worker-1',
      targetRef: { kind: 'Pod', namespace: 'dev', name: 'web-a', uid: 'uid-web-a' },
    });
  });

  it('leaves out pods without an IP and splits more than 100 endpoints over several slices', () => {
    const many = Array.from({ length: 230 }, (_, i) => ({ ...endpointPod(`web-${i}`, true), ip: `127.0.3.${i}` }));
    const slices = desiredSlices('web', service.spec as object, [...many, { ...endpointPod('web-noip', false), ip: undefined }]);
    expect(slices.map((s) => s.endpoints?.length)).toEqual([100, 100, 30]);
  });

  it('resolves numbered, numeric-string and unknown named target ports', () => {
    expect(resolveTargetPort({ port: 80, targetPort: 9090 }, [])).toBe(9090);
    expect(resolveTargetPort({ port: 80, targetPort: '9091' }, [])).toBe(9091);
    expect(resolveTargetPort({ port: 80 }, [])).toBe(80);
    expect(resolveTargetPort({ port: 80, targetPort: 'grpc' }, template.spec.containers)).toBeNull();
  });
});

function deploymentInput(patch: Partial<DeploymentStatusInput>): DeploymentStatusInput {
  return { generation: 4, desired: 2, replicaSet: 'web-7d9f8c6b5b', revision: 'h', pods: [], failedCreate: null, maxUnavailable: 0, progressDeadlineSeconds: 600, previous: undefined, nowMs: Date.parse(NOW), now: NOW, ...patch };
}

function withStatus(kind: 'Deployment' | 'StatefulSet', status: Record<string, unknown>): KubeObject {
  return { apiVersion: 'apps/v1', kind, metadata: { name: 'web', namespace: 'dev' }, spec: { selector: { matchLabels: { app: 'web' } }, template, ...(kind === 'StatefulSet' ? { serviceName: 'web' } : {}) }, status };
}

describe('workload status as the controllers write it', () => {
  it('a Deployment scaled to zero omits every counter and stays Available', () => {
    const status = deploymentStatus(deploymentInput({ desired: 0 }));
    expect(validateObject(withStatus('Deployment', status))).toEqual([]);
    expect(Object.keys(status).sort()).toEqual(['conditions', 'observedGeneration']);
    expect((status.conditions as object[])[0]).toMatchObject({ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' });
  });

  it('a Deployment whose pods are all ready reports them and a completed rollout', () => {
    const ready = { terminating: false, ready: true, revision: 'h' };
    const status = deploymentStatus(deploymentInput({ pods: [ready, ready] }));
    expect(validateObject(withStatus('Deployment', status))).toEqual([]);
    expect(status).toMatchObject({ observedGeneration: 4, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(status.unavailableReplicas).toBeUndefined();
    expect((status.conditions as object[])[1]).toMatchObject({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-7d9f8c6b5b" has successfully progressed.' });
  });

  it('a Deployment whose pods cannot be created reports ReplicaFailure, then ProgressDeadlineExceeded once its deadline passes', () => {
    const failedCreate = 'pods "web-7d9f8c6b5b-" is forbidden: exceeded quota: compute-resources';
    const first = deploymentStatus(deploymentInput({ failedCreate, progressDeadlineSeconds: 1 }));
    expect(first).toMatchObject({ unavailableReplicas: 2 });
    expect(first.replicas).toBeUndefined();
    expect(first.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }),
        expect.objectContaining({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: failedCreate }),
      ]),
    );
    const later = deploymentStatus(deploymentInput({ failedCreate, progressDeadlineSeconds: 1, previous: first, nowMs: Date.parse(NOW) + 2_000, now: '2026-11-26T10:00:02Z' }));
    expect(validateObject(withStatus('Deployment', later))).toEqual([]);
    expect((later.conditions as object[]).find((c) => (c as { type: string }).type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
  });

  it('a StatefulSet scaled to zero still reports replicas and availableReplicas as 0', () => {
    const status = statefulSetStatus({ generation: 2, revision: 'db-5f7c9d8b6', pods: [] });
    expect(validateObject(withStatus('StatefulSet', status))).toEqual([]);
    expect(status).toEqual({ observedGeneration: 2, replicas: 0, currentRevision: 'db-5f7c9d8b6', updateRevision: 'db-5f7c9d8b6', collisionCount: 0, availableReplicas: 0 });
  });

  it.each([
    [undefined, 4, 1],
    [undefined, 1, 0],
    [undefined, 0, 0],
    [{ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }, 3, 1],
    [{ type: 'Recreate' }, 3, 0],
  ])('maxUnavailable of strategy %j with %i replicas is %i', (strategy, desired, expected) => {
    expect(maxUnavailable(strategy, desired)).toBe(expected);
  });
});

describe('generated names', () => {
  it('a template hash is stable, changes with the template, and is spelled like a real pod-template-hash', () => {
    const hash = templateHash(template);
    expect(templateHash(structuredClone(template))).toBe(hash);
    expect(templateHash({ ...template, metadata: { labels: { app: 'web', v: '2' } } })).not.toBe(hash);
    expect(hash).toMatch(/^[456789bcdf]{1,10}$/);
  });

  it('random suffixes use the controllers’ alphabet without vowels', () => {
    for (let i = 0; i < 50; i++) expect(randomSuffix()).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});
