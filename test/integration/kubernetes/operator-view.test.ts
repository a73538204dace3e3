import { describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import type { StartedWakegate } from '../../helpers/wakegate.js';
import { seedEnvironment, startCluster, stopAfterEachTest, startKubeWakegate, until, type TestCluster } from './cluster.js';

stopAfterEachTest();

async function setUp(config: Record<string, unknown> = {}, namespaceAnnotations: Record<string, string> = {}): Promise<{ cluster: TestCluster; wakegate: StartedWakegate }> {
  const cluster = await startCluster({ startDelayMs: 150 });
  seedEnvironment(
    cluster.store,
    'shop',
    'shop.test',
    [
      { name: 'web', replicas: 0, annotations: { 'wakegate.io/sleep-replicas': '2' }, routed: true },
      { name: 'db', kind: 'StatefulSet', replicas: 0, annotations: { 'wakegate.io/sleep-replicas': '1' } },
    ],
    namespaceAnnotations,
  );
  const wakegate = await startKubeWakegate(cluster, config);
  return { cluster, wakegate };
}

interface View {
  phase: string;
  phaseSince: string;
  savings: { last24h: { asleepHours: number; savedReplicaHours: number } };
  replicas: { current: number; awake: number };
  keepAwake: { until: string; by: string } | null;
  wakes: { result: string; seconds: number; phases: { scaleRequest: number; start: number | null; readiness: number; firstByte: number | null } }[];
}

const view = async (wg: StartedWakegate): Promise<View> => (await send({ port: wg.adminPort, path: '/api/v1/environments/shop' })).json<View>();

describe('the operator view of a Kubernetes environment', () => {
  it('shows the replicas running and the replicas a wake restores', async () => {
    const { wakegate } = await setUp();
    expect((await view(wakegate)).replicas).toEqual({ current: 0, awake: 3 });
    expect((await send({ port: wakegate.port, host: 'shop.test', timeoutMs: 20_000 })).status).toBe(200);
    await until(async () => (await view(wakegate)).replicas.current === 3, 5_000, 'the replicas to show');
    expect((await view(wakegate)).replicas).toEqual({ current: 3, awake: 3 });
  });

  it('splits a wake into scale request, pod start, readiness and first byte', async () => {
    const { wakegate } = await setUp();
    expect((await send({ port: wakegate.port, host: 'shop.test', timeoutMs: 20_000 })).status).toBe(200);
    await until(async () => (await view(wakegate)).wakes[0]?.phases.firstByte !== null, 5_000, 'the first byte to be timed');
    const wake = (await view(wakegate)).wakes[0]!;
    expect(wake.result).toBe('success');
    // The kubelet is told to take 150 ms from a running container to a ready pod.
    expect(wake.phases.scaleRequest).toBeLessThan(wake.seconds);
    expect(wake.phases.start).not.toBeNull();
    expect(wake.phases.readiness).toBeGreaterThanOrEqual(0.1);
    expect(wake.phases.firstByte).toBeLessThan(1);
  });

  it('writes a keep-awake wish onto the Namespace for every replica and kubectl, and removes it', async () => {
    const { cluster, wakegate } = await setUp();
    const annotations = (): Record<string, string> => cluster.store.get('namespaces', '', 'shop')?.metadata.annotations ?? {};
    const kept = await send({ port: wakegate.adminPort, method: 'POST', path: '/api/v1/environments/shop/keep-awake', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ for: '2h', by: 'alice@laptop' }) });
    expect(kept.status).toBe(200);
    const written = annotations()['wakegate.io/keep-awake-until'];
    expect(written).toBe(kept.json<{ keepAwake: { until: string } }>().keepAwake.until.replace(/\.\d{3}Z$/, 'Z'));
    expect(annotations()['wakegate.io/keep-awake-by']).toBe('alice@laptop');
    // The watch brings the same wish back: it is recorded once, not again as a change.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const events = (await send({ port: wakegate.adminPort, path: '/api/v1/environments/shop' })).json<{ events: { type: string }[] }>().events;
    expect(events.filter((e) => e.type === 'keep-awake')).toHaveLength(1);
    expect((await send({ port: wakegate.adminPort, method: 'DELETE', path: '/api/v1/environments/shop/keep-awake' })).status).toBe(200);
    expect(annotations()['wakegate.io/keep-awake-until']).toBeUndefined();
    expect(annotations()['wakegate.io/keep-awake-by']).toBeUndefined();
  });

  it('shows a keep-awake wish written with kubectl annotate, with who asked', async () => {
    const { cluster, wakegate } = await setUp();
    const inTwoHours = new Date(Date.now() + 2 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    cluster.store.modify('namespaces', '', 'shop', (draft) => {
      draft.metadata.annotations = { ...draft.metadata.annotations, 'wakegate.io/keep-awake-until': inTwoHours, 'wakegate.io/keep-awake-by': 'bob' };
    });
    await until(async () => (await view(wakegate)).keepAwake !== null, 5_000, 'the wish to show');
    expect((await view(wakegate)).keepAwake).toMatchObject({ until: inTwoHours.replace('Z', '.000Z'), by: 'bob' });
  });

  it('counts a sleep that began before wakegate started from when it began, with the replicas it spares', async () => {
    const threeHoursAgo = new Date(Date.now() - 3 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const { wakegate } = await setUp({}, { 'wakegate.io/phase': 'asleep', 'wakegate.io/phase-since': threeHoursAgo });
    const shop = await view(wakegate);
    expect(shop.phase).toBe('asleep');
    expect(shop.phaseSince).toBe(threeHoursAgo.replace('Z', '.000Z'));
    expect(shop.savings.last24h.asleepHours).toBeCloseTo(3, 2);
    // web's 2 replicas and db's 1, spared for three hours.
    expect(shop.savings.last24h.savedReplicaHours).toBeCloseTo(9, 1);
  });

  it('counts from its own start when the namespace says nothing, or says a phase the cluster does not show', async () => {
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const cases: Record<string, string>[] = [{}, { 'wakegate.io/phase': 'awake', 'wakegate.io/phase-since': anHourAgo }];
    for (const annotations of cases) {
      const { wakegate } = await setUp({}, annotations);
      const began = Date.now();
      const shop = await view(wakegate);
      expect(shop.phase).toBe('asleep');
      expect(Date.parse(shop.phaseSince)).toBeGreaterThan(began - 15_000);
      // Asleep since wakegate started, sparing all three replicas from then on.
      expect(shop.savings.last24h.asleepHours).toBeLessThan(0.01);
      await wakegate.stop();
    }
  });

  it('publishes when each phase began on the Namespace, where a wakegate started later picks it up', async () => {
    const { cluster, wakegate } = await setUp();
    expect((await send({ port: wakegate.port, host: 'shop.test', timeoutMs: 20_000 })).status).toBe(200);
    expect((await send({ port: wakegate.adminPort, method: 'POST', path: '/api/v1/environments/shop/sleep' })).status).toBe(200);
    await until(async () => (await view(wakegate)).phase === 'asleep', 10_000, 'the environment to sleep');
    const asleepSince = (await view(wakegate)).phaseSince;
    // Stopping writes what is pending at once (otherwise it goes out with the next batch, every 10 s).
    await wakegate.stop();
    const annotations = cluster.store.get('namespaces', '', 'shop')?.metadata.annotations ?? {};
    expect(annotations['wakegate.io/phase']).toBe('asleep');
    expect(annotations['wakegate.io/phase-since']).toBe(new Date(Math.floor(Date.parse(asleepSince) / 1000) * 1000).toISOString().replace('.000Z', 'Z'));

    const next = await startKubeWakegate(cluster);
    expect((await view(next)).phaseSince).toBe(annotations['wakegate.io/phase-since']!.replace('Z', '.000Z'));
  });
});
