import type { Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamPools, type UpstreamPool } from '../../../src/proxy/upstream-pools.js';
import { eventually } from '../../helpers/http-client.js';
import { TestUpstream } from '../../helpers/upstream.js';

let a: TestUpstream;
let b: TestUpstream;

beforeAll(async () => {
  a = await new TestUpstream().listen();
  b = await new TestUpstream().listen();
});

afterAll(async () => {
  await a.close();
  await b.close();
});

/** GET through a pool's dispatch with a plain handler; resolves with status and body text. */
function get(pool: UpstreamPool, origin: string, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const chunks: Buffer[] = [];
    const handler: Dispatcher.DispatchHandler = {
      onConnect: () => undefined,
      onHeaders: (s: number) => {
        status = s;
        return true;
      },
      onData: (c: Buffer) => {
        chunks.push(c);
        return true;
      },
      onComplete: () => resolve({ status, text: Buffer.concat(chunks).toString() }),
      onError: reject,
    };
    pool.dispatch({ origin, method: 'GET', path, headers: ['host', 'pool.test'], body: null }, handler);
  });
}

describe.each(['native', 'undici'] as const)('upstream pools (%s transport)', (transport) => {
  function pools(maxPools: number): UpstreamPools {
    return new UpstreamPools({ maxPools, connectionsPerPool: 4, keepAliveTimeout: 4_000, headersTimeout: 5_000, connectTimeout: 1_000, transport });
  }

  it('keeps one pool per origin and reuses it', async () => {
    const p = pools(10);
    expect(p.transport).toBe(transport);
    expect(p.get(a.origin)).toBe(p.get(a.origin));
    expect(p.get(a.origin)).not.toBe(p.get(b.origin));
    expect(p.size).toBe(2);
    await p.destroy();
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const p = pools(10);
    const before = a.connections;
    for (let i = 0; i < 10; i++) expect((await get(p.get(a.origin), a.origin, '/')).text).toBe('hello\n');
    // undici may open a second socket when a request is dispatched in the tick its predecessor ended.
    expect(a.connections - before).toBeLessThanOrEqual(transport === 'native' ? 1 : 2);
    await p.destroy();
  });

  it('opens no more than the connection bound, queueing the rest', async () => {
    const p = pools(10);
    const before = a.connections;
    const replies = await Promise.all(Array.from({ length: 12 }, () => get(p.get(a.origin), a.origin, '/slow?ms=50')));
    expect(replies.every((r) => r.text === 'slow\n')).toBe(true);
    expect(a.connections - before).toBeLessThanOrEqual(4);
    await p.destroy();
  });

  it('holds at most maxPools pools, closing the least recently used one', async () => {
    const p = pools(1);
    const first = p.get(a.origin);
    const open = a.openSockets.size;
    await get(first, a.origin, '/echo');
    p.get(b.origin);
    expect(p.size).toBe(1);
    expect(first.closed).toBe(true);
    // Its idle socket is closed: an evicted pool keeps nothing open.
    await eventually(() => a.openSockets.size <= open, 3_000, 'the evicted pool to close its socket');
    await p.destroy();
  });

  it('lets a request in flight on an evicted pool finish', async () => {
    const p = pools(1);
    const pending = get(p.get(a.origin), a.origin, '/slow?ms=200');
    await new Promise((r) => setTimeout(r, 50));
    p.get(b.origin);
    expect((await pending).text).toBe('slow\n');
    await p.close();
  });

  it('gives a fresh pool to an origin whose pool was evicted', async () => {
    const p = pools(1);
    const first = p.get(a.origin);
    p.get(b.origin);
    const again = p.get(a.origin);
    expect(again).not.toBe(first);
    expect((await get(again, a.origin, '/')).text).toBe('hello\n');
    await p.destroy();
  });
});
