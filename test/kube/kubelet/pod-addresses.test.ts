import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { seedEnvironment } from '../fixtures/index.js';
import { AddressPool, podAddresses } from './pod-addresses.js';
import { getFrom } from './test-http.js';
import { readyEndpoints, startTestCluster, statusOf, podsOf, type TestCluster } from './test-cluster.js';

// Every pod has a loopback address of its own, like a pod IP.

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/** The address the pool hands out after `address` (127.0.1.1 … 127.0.255.254, then round again). */
function following(address: string): string {
  const [, , third = 1, fourth = 1] = address.split('.').map(Number);
  const index = ((third - 1) * 254 + (fourth - 1) + 1) % (255 * 254);
  return `127.0.${1 + Math.floor(index / 254)}.${1 + (index % 254)}`;
}

describe('pod addresses', { timeout: 15_000 }, () => {
  it('are unique loopback addresses outside 127.0.0.x, reused only once released and after every other one', () => {
    const pool = new AddressPool(255 * 254 - 2);
    const first = [pool.allocate(), pool.allocate(), pool.allocate()];
    expect(first).toEqual(['127.0.255.253', '127.0.255.254', '127.0.1.1']);
    pool.release('127.0.255.254');
    expect(pool.allocate()).toBe('127.0.1.2');
    expect(pool.size).toBe(3);
  });

  it('a pod whose address and port another process holds moves to the next address before reporting its IP', async () => {
    const probe = podAddresses.allocate();
    podAddresses.release(probe);
    const taken = following(probe);
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(8080, taken, resolve));
    try {
      cluster = startTestCluster();
      const { store, kubelet } = cluster;
      seedEnvironment(store, { name: 'shop', workloads: [{ name: 'web', replicas: 1 }] });
      await kubelet.whenIdle();
      expect(readyEndpoints(store, 'shop', 'web')).toBe(1);
      const ip = statusOf(podsOf(store, 'shop', 'web-')[0]).podIP!;
      expect(ip).not.toBe(taken);
      expect(ip).toBe(following(taken));
      expect((await getFrom(ip, 8080, '/')).status).toBe(200);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
