import { BatchV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeApiServer } from './server.js';
import { startSeeded, type Clients } from './test-support.js';

let server: FakeApiServer;
let clients: Clients;

beforeEach(async () => {
  ({ server, clients } = await startSeeded());
});
afterEach(async () => {
  await server.close();
});

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('pods and cronjobs through client-node', () => {
  it('suspends a CronJob with a merge patch and reads the default suspend: false before', async () => {
    server.store.create('cronjobs', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'shop' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', image: 'example.com/job:1' }], restartPolicy: 'OnFailure' } } } } } });
    const batch = clients.kc.makeApiClient(BatchV1Api);
    const [before] = (await batch.listCronJobForAllNamespaces()).items;
    expect(before?.spec?.suspend).toBe(false);
    const patched = await batch.patchNamespacedCronJob({ namespace: 'shop', name: 'nightly', body: { spec: { suspend: true } } }, merge);
    expect(patched.spec?.suspend).toBe(true);
    expect(patched.spec?.schedule).toBe('0 3 * * *');
  });

  it('lists pods of all namespaces and of one, with owner references and waiting reasons as stored', async () => {
    const web = server.store.get('deployments', 'shop', 'web')!;
    server.store.create('pods', {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'web-5d9c7b6f4-abcde', namespace: 'shop', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d9c7b6f4', uid: web.metadata.uid!, controller: true, blockOwnerDeletion: true }] },
      spec: { containers: [{ name: 'web', image: 'example.com/web:1' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'web', image: 'example.com/web:1', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } }] },
    });
    const all = await clients.core.listPodForAllNamespaces({ labelSelector: 'app=web' });
    expect(all.items).toHaveLength(1);
    const [pod] = (await clients.core.listNamespacedPod({ namespace: 'shop' })).items;
    expect(pod?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', controller: true });
    expect(pod?.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ImagePullBackOff');
    expect((await clients.core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Running' })).items).toEqual([]);
  });
});
