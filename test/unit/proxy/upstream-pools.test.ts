import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { UpstreamPools } from '../../../src/proxy/upstream-pools.js';
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

function pools(maxPools: number): UpstreamPools {
  return new UpstreamPools({ maxPools, connectionsPerPool: 4, keepAliveTimeout: 4_000, headersTimeout: 5_000, connectTimeout: 1_000 });
}

describe('upstream pools', () => {
  it('keeps one pool per origin and reuses it', () => {
    const p = pools(10);
    expect(p.get(a.origin)).toBe(p.get(a.origin));
    expect(p.get(a.origin)).not.toBe(p.get(b.origin));
    expect(p.size).toBe(2);
    return p.destroy();
  });

  it('holds at most maxPools pools, closing the least recently used one', async () => {
    const p = pools(1);
    const first = p.get(a.origin);
    await request(`${a.origin}/echo`, { dispatcher: first }).then((r) => r.body.text());
    expect(a.openSockets.size).toBe(1);
    p.get(b.origin);
    expect(p.size).toBe(1);
    expect(first.closed).toBe(true);
    // Its idle socket is closed: an evicted pool keeps nothing open.
    await eventually(() => a.openSockets.size === 0, 3_000, 'the evicted pool to close its socket');
    await p.destroy();
  });

  it('lets a request in flight on an evicted pool finish', async () => {
    const p = pools(1);
    const pending = request(`${a.origin}/slow?ms=200`, { dispatcher: p.get(a.origin) }).then((r) => r.body.text());
    await new Promise((r) => setTimeout(r, 50));
    p.get(b.origin);
    expect(await pending).toBe('slow\n');
    await p.close();
  });

  it('gives a fresh pool to an origin whose pool was evicted', async () => {
    const p = pools(1);
    const first = p.get(a.origin);
    p.get(b.origin);
    const again = p.get(a.origin);
    expect(again).not.toBe(first);
    const text = await request(`${a.origin}/`, { dispatcher: again }).then((r) => r.body.text());
    expect(text).toBe('hello\n');
    await p.destroy();
  });
});
