import { describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import type { StartedWakegate } from '../../helpers/wakegate.js';
import { replicas, seedEnvironment, startCluster, stopAfterEachTest, startKubeWakegate, until, type TestCluster } from './cluster.js';

stopAfterEachTest();

async function twoReplicas(config: Record<string, unknown> = {}): Promise<{ cluster: TestCluster; a: StartedWakegate; b: StartedWakegate }> {
  const cluster = await startCluster({ startDelayMs: 300 });
  seedEnvironment(cluster.store, 'shop', 'shop.test', [
    { name: 'web', replicas: 0, annotations: { 'wakegate.io/sleep-replicas': '3', 'wakegate.io/wake-order': '1' }, routed: true },
    { name: 'api', replicas: 0, annotations: { 'wakegate.io/sleep-replicas': '2', 'wakegate.io/wake-order': '0' } },
  ]);
  const a = await startKubeWakegate(cluster, { ...config, kubernetes: { identity: 'wakegate-a' } });
  const b = await startKubeWakegate(cluster, { ...config, kubernetes: { identity: 'wakegate-b' } });
  return { cluster, a, b };
}

function leaseHolder(cluster: TestCluster): string | undefined {
  const lease = cluster.store.get('leases', 'wakegate', 'wakegate-sleeper') as { spec?: { holderIdentity?: string } } | undefined;
  return lease?.spec?.holderIdentity;
}

describe('several wakegate replicas on one cluster', () => {
  it('wake once: 200 concurrent requests split across two replicas scale each workload up once, to its remembered count', async () => {
    const { cluster, a, b } = await twoReplicas();
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) => send({ port: (i % 2 === 0 ? a : b).port, host: 'shop.test', path: `/r/${i}`, timeoutMs: 30_000 })),
    );
    expect(replies.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    expect(cluster.scalings).toEqual(['shop/Deployment/api 0→2', 'shop/Deployment/web 0→3']);
    expect(replicas(cluster.store, 'shop', 'deployments', 'web')).toBe(3);
  });

  it('only the holder of the wakegate-sleeper Lease puts environments to sleep, and another replica takes over when it stops', async () => {
    const { cluster, a, b } = await twoReplicas({ sleep: { idleAfter: '1s', minAwake: '0s', checkEvery: '200ms' } });
    await until(() => leaseHolder(cluster) !== undefined && leaseHolder(cluster) !== '', 10_000, 'a Lease holder');
    const holder = leaseHolder(cluster);
    const [leader, follower] = holder === 'wakegate-a' ? [a, b] : [b, a];
    expect((await send({ port: follower.port, host: 'shop.test', timeoutMs: 20_000 })).status).toBe(200);
    await until(() => replicas(cluster.store, 'shop', 'deployments', 'web') === 0, 15_000, 'the namespace to sleep');
    const sleptBy = (w: StartedWakegate): boolean => w.logs().some((l) => l.msg === 'putting environment to sleep' && l.component === 'sleeper');
    expect(sleptBy(leader)).toBe(true);
    expect(sleptBy(follower)).toBe(false);

    await leader.stop();
    await until(() => leaseHolder(cluster) === (follower === a ? 'wakegate-a' : 'wakegate-b'), 10_000, 'the other replica to take the Lease');
  });

  it("does not sleep an environment another replica is serving: activity travels through the namespace annotation", async () => {
    // Each replica publishes its activity at most every 10 s, so an idle window must be longer than that.
    const { cluster, a, b } = await twoReplicas({ sleep: { idleAfter: '12s', minAwake: '0s', checkEvery: '200ms' } });
    await until(() => leaseHolder(cluster) !== undefined && leaseHolder(cluster) !== '', 10_000, 'a Lease holder');
    const follower = leaseHolder(cluster) === 'wakegate-a' ? b : a;
    // Only the follower sees traffic, for longer than idleAfter; the leader must learn of it.
    const end = Date.now() + 16_000;
    while (Date.now() < end) {
      expect((await send({ port: follower.port, host: 'shop.test', timeoutMs: 20_000 })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(replicas(cluster.store, 'shop', 'deployments', 'web')).toBe(3);
    const ns = cluster.store.get('namespaces', undefined, 'shop');
    expect(ns?.metadata.annotations?.['wakegate.io/last-activity']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  }, 40_000);
});
