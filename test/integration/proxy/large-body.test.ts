import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import { startWakegateProcess, type WakegateProcess } from '../../helpers/process.js';
import { TestUpstream, type SeenRequest } from '../../helpers/upstream.js';

const GiB = 1024 * 1024 * 1024;

/** Peak resident memory of a process, from the kernel (bytes). */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) * 1024;
}

/** `total` bytes in 256 KiB chunks, generated as they are read. */
function generated(total: number): Readable {
  const chunk = Buffer.alloc(256 * 1024, 0x5a);
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(chunk.length, left);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

let upstream: TestUpstream;
let wg: WakegateProcess;

beforeAll(async () => {
  upstream = await new TestUpstream().listen();
  wg = await startWakegateProcess({ log: { level: 'info' }, environments: [{ name: 'app', hosts: ['app.test'], upstream: upstream.origin }] }, 60_000);
});

afterAll(async () => {
  wg.kill('SIGKILL');
  await wg.exited;
  await upstream.close();
});

describe('large bodies', () => {
  it('streams a 1 GiB upload to the upstream without buffering it', async () => {
    const before = peakRss(wg.child.pid!);
    const reply = await send({ port: wg.port, method: 'POST', path: '/sink', body: generated(GiB), headers: { 'content-length': String(GiB) }, timeoutMs: 50_000 });
    expect(reply.status).toBe(200);
    expect(reply.json<SeenRequest>().bodyBytes).toBe(GiB);
    // The proxy's peak memory grew by buffers, not by the body.
    expect(peakRss(wg.child.pid!) - before).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);

  it('streams a 1 GiB chunked upload too', async () => {
    const before = peakRss(wg.child.pid!);
    const reply = await send({ port: wg.port, method: 'POST', path: '/sink', body: generated(GiB), timeoutMs: 50_000 });
    expect(reply.status).toBe(200);
    expect(reply.json<SeenRequest>().bodyBytes).toBe(GiB);
    expect(peakRss(wg.child.pid!) - before).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);
});
