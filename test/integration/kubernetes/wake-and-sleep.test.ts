import { describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import { TestUpstream } from '../../helpers/upstream.js';
import type { StartedWakegate } from '../../helpers/wakegate.js';
import { replicas, seedEnvironment, startCluster, stopAfterEachTest, startKubeWakegate, until, type TestCluster } from './cluster.js';

stopAfterEachTest();

async function setUp(config: Record<string, unknown> = {}): Promise<{ cluster: TestCluster; wakegate: StartedWakegate }> {
  const cluster = await startCluster();
  seedEnvironment(cluster.store, 'shop', 'shop.test', [
    { name: 'web', replicas: 0, annotations: { 'wakegate.io/sleep-replicas': '2', 'wakegate.io/wake-order': '1' }, routed: true },
    { name: 'db', kind: 'StatefulSet', replicas: 0, annotations: { 'wakegate.io/sleep-replicas': '1', 'wakegate.io/wake-order': '0' } },
  ]);
  const wakegate = await startKubeWakegate(cluster, config);
  return { cluster, wakegate };
}

describe('the Kubernetes provider against the fake API server', () => {
  it('lists an enabled namespace as an asleep environment routed by its Ingress', async () => {
    const { wakegate } = await setUp();
    const reply = await send({ port: wakegate.adminPort, path: '/api/v1/environments/shop' });
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ id: 'shop', kind: 'kubernetes', phase: 'asleep', hosts: ['shop.test'] });
  });

  it('wakes a sleeping namespace on request: restores each workload in wake order, holds until ready, then answers 200', async () => {
    const { cluster, wakegate } = await setUp();
    const reply = await send({ port: wakegate.port, host: 'shop.test', path: '/hello', timeoutMs: 20_000 });
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('shop');
    expect(reply.headers['x-wakegate-cold-start']).toBeDefined();
    expect(cluster.scalings).toEqual(['shop/StatefulSet/db 0→1', 'shop/Deployment/web 0→2']);
    expect(replicas(cluster.store, 'shop', 'deployments', 'web')).toBe(2);
  });

  it('puts an idle namespace to sleep: records the replicas, then scales every workload to zero', async () => {
    const { cluster, wakegate } = await setUp({ sleep: { idleAfter: '1s', minAwake: '0s', checkEvery: '200ms' } });
    expect((await send({ port: wakegate.port, host: 'shop.test', timeoutMs: 20_000 })).status).toBe(200);
    await until(() => replicas(cluster.store, 'shop', 'deployments', 'web') === 0 && replicas(cluster.store, 'shop', 'statefulsets', 'db') === 0, 15_000, 'the namespace to sleep');
    const web = cluster.store.get('deployments', 'shop', 'web');
    expect(web?.metadata.annotations?.['wakegate.io/sleep-replicas']).toBe('2');
    const view = (await send({ port: wakegate.adminPort, path: '/api/v1/environments/shop' })).json();
    expect(view).toMatchObject({ phase: 'asleep' });
  });

  it('suspends the CronJobs of a namespace that asks for it while asleep, and resumes only those on wake', async () => {
    const cluster = await startCluster();
    seedEnvironment(cluster.store, 'jobs', 'jobs.test', [{ name: 'web', replicas: 1 }], { 'wakegate.io/suspend-cronjobs': 'true' });
    const cronJob = (name: string, suspend: boolean) => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name, namespace: 'jobs' },
      spec: { schedule: '0 3 * * *', suspend, jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name, image: 'registry.example.com/report:1' }] } } } } },
    });
    cluster.store.create('cronjobs', cronJob('report', false));
    cluster.store.create('cronjobs', cronJob('paused-by-a-user', true));
    await cluster.kubelet.whenIdle();
    const wakegate = await startKubeWakegate(cluster);
    const suspended = (name: string): unknown => (cluster.store.get('cronjobs', 'jobs', name)?.spec as { suspend?: boolean }).suspend;

    expect((await send({ port: wakegate.adminPort, method: 'POST', path: '/api/v1/environments/jobs/sleep' })).status).toBe(200);
    expect([suspended('report'), suspended('paused-by-a-user')]).toEqual([true, true]);
    expect(cluster.store.get('cronjobs', 'jobs', 'report')?.metadata.annotations?.['wakegate.io/suspended-for-sleep']).toBe('true');

    expect((await send({ port: wakegate.port, host: 'jobs.test', timeoutMs: 20_000 })).status).toBe(200);
    expect([suspended('report'), suspended('paused-by-a-user')]).toEqual([false, true]);
  });

  it('counts a rollout as activity, so a fresh deploy is not put to sleep at once', async () => {
    const { cluster, wakegate } = await setUp({ sleep: { idleAfter: '3s', minAwake: '0s', checkEvery: '200ms' } });
    const woke = Date.now();
    expect((await send({ port: wakegate.port, host: 'shop.test', timeoutMs: 20_000 })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_000 - (Date.now() - woke)));
    cluster.store.modify('deployments', 'shop', 'web', (draft) => {
      const spec = draft.spec as { template: { spec: { containers: { image: string }[] } } };
      spec.template.spec.containers[0]!.image = 'registry.example.com/web:2';
    });
    await new Promise((resolve) => setTimeout(resolve, 4_000 - (Date.now() - woke)));
    expect(replicas(cluster.store, 'shop', 'deployments', 'web')).toBe(2);
    await until(() => replicas(cluster.store, 'shop', 'deployments', 'web') === 0, 10_000, 'the namespace to sleep after the rollout went idle');
  });

  it('records Kubernetes Events about the namespace when it wakes, sleeps and fails to wake, and publishes its phase', async () => {
    const { cluster, wakegate } = await setUp();
    expect((await send({ port: wakegate.port, host: 'shop.test', timeoutMs: 20_000 })).status).toBe(200);
    expect((await send({ port: wakegate.adminPort, method: 'POST', path: '/api/v1/environments/shop/sleep' })).status).toBe(200);
    cluster.kubelet.fail('shop', 'Deployment', 'web', 'CrashLoopBackOff');
    expect((await send({ port: wakegate.port, host: 'shop.test', timeoutMs: 20_000 })).status).toBe(502);
    const reasons = (): string[] =>
      cluster.store
        .list('events', 'default')
        .filter((e) => (e.involvedObject as { kind?: string; name?: string }).name === 'shop')
        .map((e) => String(e.reason));
    await until(() => reasons().length === 3, 5_000, 'three Events');
    expect(reasons()).toEqual(expect.arrayContaining(['Woken', 'Slept', 'WakeFailed']));
    // The phase is published on the namespace with the next batch of annotations (every 10 s).
    await until(() => cluster.store.get('namespaces', undefined, 'shop')?.metadata.annotations?.['wakegate.io/phase'] === 'failed', 15_000, 'the phase annotation');
  }, 25_000);

  it('in ingress mode, forwards to the ingress controller with the Host kept, once the namespace is ready', async () => {
    const controller = await new TestUpstream().listen();
    try {
      const { cluster, wakegate } = await setUp({ kubernetes: { mode: 'ingress', ingressUpstream: controller.origin } });
      const reply = await send({ port: wakegate.port, host: 'shop.test', path: '/echo/x', timeoutMs: 20_000 });
      expect(reply.status).toBe(200);
      expect(controller.seen.map((r) => [r.url, r.headers.host])).toEqual([['/echo/x', 'shop.test']]);
      // Forwarded only once the workloads and the routed Service's endpoints were ready.
      expect(replicas(cluster.store, 'shop', 'deployments', 'web')).toBe(2);
      const view = (await send({ port: wakegate.adminPort, path: '/api/v1/environments/shop' })).json();
      expect(view).toMatchObject({ phase: 'awake', upstream: controller.origin });
    } finally {
      await controller.close();
    }
  });

  it("shows a browser the reason a wake failed: the waiting page's event stream names the workload and the kubelet's reason", async () => {
    const { cluster, wakegate } = await setUp();
    cluster.kubelet.fail('shop', 'Deployment', 'web', 'ImagePullBackOff');
    const page = await send({ port: wakegate.port, host: 'shop.test', headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    // The stream ends after the failed phase (the page then shows the reason and a retry link).
    const events = await send({ port: wakegate.port, host: 'shop.test', path: '/.wakegate/events?env=shop', headers: { accept: 'text/event-stream' }, timeoutMs: 15_000 });
    expect(events.text).toContain('"phase":"failed"');
    expect(events.text).toMatch(/Deployment web cannot start: (ImagePullBackOff|ErrImagePull)/);
  });

  it('keeps user edits of a sleeping workload: a wake changes only the replicas', async () => {
    const { cluster, wakegate } = await setUp();
    cluster.store.modify('deployments', 'shop', 'web', (draft) => {
      const spec = draft.spec as { template: { spec: { containers: { image: string }[] } } };
      spec.template.spec.containers[0]!.image = 'registry.example.com/web:2';
    });
    expect((await send({ port: wakegate.port, host: 'shop.test', timeoutMs: 20_000 })).status).toBe(200);
    const web = cluster.store.get('deployments', 'shop', 'web') as { spec: { template: { spec: { containers: { image: string }[] } } } } | undefined;
    expect(web?.spec.template.spec.containers[0]?.image).toBe('registry.example.com/web:2');
  });

  it('fails a wake at once with 502 naming the workload when its image cannot be pulled', async () => {
    const { cluster, wakegate } = await setUp({ wake: { timeout: '30s' } });
    cluster.kubelet.fail('shop', 'Deployment', 'web', 'ImagePullBackOff');
    const started = Date.now();
    const reply = await send({ port: wakegate.port, host: 'shop.test', timeoutMs: 20_000 });
    expect(reply.status).toBe(502);
    expect(reply.text).toContain('Deployment web');
    expect(reply.text).toMatch(/ImagePullBackOff|ErrImagePull/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
