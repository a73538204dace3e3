import { describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import type { StartedWakegate } from '../../helpers/wakegate.js';
import { replicas, seedEnvironment, startCluster, stopAfterEachTest, startKubeWakegate, until, type TestCluster } from './cluster.js';

stopAfterEachTest();

/** Two environments: `warm` already awake, `cold` asleep. */
async function setUp(config: Record<string, unknown> = {}): Promise<{ cluster: TestCluster; wakegate: StartedWakegate }> {
  const cluster = await startCluster();
  seedEnvironment(cluster.store, 'warm', 'warm.test', [{ name: 'web', replicas: 1 }]);
  seedEnvironment(cluster.store, 'cold', 'cold.test', [{ name: 'web', replicas: 0, annotations: { 'wakegate.io/sleep-replicas': '1' } }]);
  await cluster.kubelet.whenIdle();
  const wakegate = await startKubeWakegate(cluster, config);
  await until(async () => (await send({ port: wakegate.adminPort, path: '/api/v1/environments/warm' })).json().phase === 'awake', 10_000, 'warm to be awake');
  return { cluster, wakegate };
}

describe('the Kubernetes provider when the API server misbehaves', () => {
  it('keeps serving warm environments while the API server is down, fails a wake within its deadline naming the cause, and recovers', async () => {
    const { cluster, wakegate } = await setUp({ wake: { timeout: '2s' } });
    await cluster.api.faults.down();

    expect((await send({ port: wakegate.port, host: 'warm.test' })).status).toBe(200);
    const started = Date.now();
    const failed = await send({ port: wakegate.port, host: 'cold.test', timeoutMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect([502, 504]).toContain(failed.status);
    expect(failed.text).toContain('did not answer');

    await cluster.api.faults.up();
    const recovered = await send({ port: wakegate.port, host: 'cold.test', timeoutMs: 15_000 });
    expect(recovered.status).toBe(200);
    expect(replicas(cluster.store, 'cold', 'deployments', 'web')).toBe(1);
  });

  it('bounds every API request: scale calls the API server never answers fail a wake and a sleep as timeouts, and it recovers', async () => {
    const { cluster, wakegate } = await setUp({ wake: { timeout: '3s' }, kubernetes: { requestTimeout: '500ms' } });
    cluster.api.faults.hang({ path: /\/scale$/ });

    // A wake retries what may pass, timeouts included, until wake.timeout; the answer says why.
    const started = Date.now();
    const failed = await send({ port: wakegate.port, host: 'cold.test', timeoutMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failed.status).toBe(504);
    expect(failed.text).toContain('did not answer');
    const slept = await send({ port: wakegate.adminPort, method: 'POST', path: '/api/v1/environments/warm/sleep', timeoutMs: 10_000 });
    expect(slept.status).toBeGreaterThanOrEqual(500);
    expect(slept.text).toContain('did not answer');
    const metrics = (await send({ port: wakegate.adminPort, path: '/metrics' })).text;
    expect(metrics).toMatch(/wakegate_kube_api_errors_total\{verb="get",code="timeout"\} [1-9]/);

    await cluster.api.faults.reset();
    expect((await send({ port: wakegate.port, host: 'cold.test', timeoutMs: 15_000 })).status).toBe(200);
  });

  it('converges after watches are dropped mid-stream and expire: a wake started meanwhile is released', async () => {
    const { cluster, wakegate } = await setUp();
    cluster.api.faults.expireNextWatches(6);
    expect(cluster.api.faults.dropWatches()).toBeGreaterThan(0);
    const reply = await send({ port: wakegate.port, host: 'cold.test', timeoutMs: 20_000 });
    expect(reply.status).toBe(200);

    // A change made while the watches were away is seen once they are back.
    cluster.store.modify('namespaces', undefined, 'cold', (draft) => {
      draft.metadata.labels = { ...draft.metadata.labels, 'wakegate.io/enabled': 'false' };
    });
    await until(async () => (await send({ port: wakegate.adminPort, path: '/api/v1/environments/cold' })).status === 404, 15_000, 'cold to be forgotten');
    expect((await send({ port: wakegate.port, host: 'cold.test' })).status).toBe(404);
  });

  it('answers a wake refused by RBAC with a 502 that says which permission is missing, and logs it', async () => {
    const { cluster, wakegate } = await setUp();
    cluster.api.faults.forbid('get', 'deployments', 'scale');
    const reply = await send({ port: wakegate.port, host: 'cold.test', timeoutMs: 10_000 });
    expect(reply.status).toBe(502);
    expect(reply.text).toContain('forbidden');
    expect(reply.text).toContain('RBAC');
    expect(wakegate.logs().some((l) => l.msg === 'wake failed; the next request retries' && String(l.reason).includes('forbidden'))).toBe(true);
  });
});
