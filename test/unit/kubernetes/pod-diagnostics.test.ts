import { describe, expect, it } from 'vitest';
import type { PodObject, WorkloadObject } from '../../../src/providers/kubernetes/objects.js';
import { stuckWorkload } from '../../../src/providers/kubernetes/pod-diagnostics.js';

const web: WorkloadObject = { metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } } } };
const db: WorkloadObject = { metadata: { name: 'db' }, spec: { replicas: 1, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] } } };

function pod(app: string, status: PodObject['status']): PodObject {
  return { metadata: { name: `${app}-7d9f8b6c5d-x2x4z`, labels: { app, 'pod-template-hash': '7d9f8b6c5d' } }, status };
}

const woken = [
  { kind: 'Deployment' as const, name: 'web' },
  { kind: 'StatefulSet' as const, name: 'db' },
];

describe('stuck workloads while waking', () => {
  it.each([
    ['ErrImagePull', 'rpc error: code = NotFound desc = failed to pull and unpack image "web:nope"'],
    ['ImagePullBackOff', 'Back-off pulling image "web:nope"'],
    ['CrashLoopBackOff', 'back-off 10s restarting failed container=web'],
    ['CreateContainerConfigError', 'secret "db-password" not found'],
  ])('names the workload and the reason when a container waits with %s', (reason, message) => {
    const pods = [pod('web', { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { waiting: { reason, message } } }] })];
    expect(stuckWorkload({ deployments: [web], statefulSets: [db], pods }, woken)).toEqual({
      kind: 'Deployment',
      name: 'web',
      reason,
      message: `pod web-7d9f8b6c5d-x2x4z, container web: ${message}`,
    });
  });

  it('adds the last exit code and restart count of a crashing container', () => {
    const pods = [
      pod('db', {
        phase: 'Running',
        containerStatuses: [
          { name: 'db', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } },
        ],
      }),
    ];
    expect(stuckWorkload({ deployments: [web], statefulSets: [db], pods }, woken)?.message).toBe('pod db-7d9f8b6c5d-x2x4z, container db: back-off 40s; last exit code 1 (Error); 3 restarts');
  });

  it('reports a pod the scheduler cannot place', () => {
    const pods = [pod('web', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }] })];
    expect(stuckWorkload({ deployments: [web], statefulSets: [db], pods }, woken)).toMatchObject({ name: 'web', reason: 'Unschedulable', message: 'pod web-7d9f8b6c5d-x2x4z: 0/3 nodes are available: 3 Insufficient cpu.' });
  });

  it('reports pods that cannot be created (quota) from the workload condition', () => {
    const failing: WorkloadObject = {
      ...web,
      status: { conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-1" is forbidden: exceeded quota: compute' }] },
    };
    expect(stuckWorkload({ deployments: [failing], statefulSets: [db], pods: [] }, woken)).toMatchObject({ kind: 'Deployment', name: 'web', reason: 'FailedCreate' });
  });

  it('says nothing about pods that are starting normally, or about workloads not being woken', () => {
    const starting = [pod('web', { phase: 'Pending', containerStatuses: [{ name: 'web', state: { waiting: { reason: 'ContainerCreating' } } }] })];
    expect(stuckWorkload({ deployments: [web], statefulSets: [db], pods: starting }, woken)).toBeNull();
    const otherBroken = [pod('cron', { phase: 'Pending', containerStatuses: [{ name: 'cron', state: { waiting: { reason: 'ImagePullBackOff' } } }] })];
    expect(stuckWorkload({ deployments: [web], statefulSets: [db], pods: otherBroken }, woken)).toBeNull();
  });
});
