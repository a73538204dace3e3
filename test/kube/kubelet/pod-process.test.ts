import { describe, expect, it } from 'vitest';
import { PodProcess } from './pod-processes.js';
import { alive, getFrom } from './test-http.js';

// The real process behind a pod: its own loopback address, every container port, and a clean end.

describe('the pod process', { timeout: 10_000 }, () => {
  it('listens on its pod IP on every port and answers any path naming the pod and echoing path and host', async () => {
    const pod = new PodProcess({ name: 'web-abc-x2kqz', namespace: 'dev', ip: '127.0.200.11', ports: [18080, 18081], crash: false });
    try {
      expect(await pod.started).toEqual({ kind: 'listening' });
      const reply = await getFrom('127.0.200.11', 18081, '/some/path?q=1', 'alice.preview.localhost');
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ pod: 'web-abc-x2kqz', namespace: 'dev', ip: '127.0.200.11', port: 18081, path: '/some/path?q=1', host: 'alice.preview.localhost' });
      expect(await getFrom('127.0.200.11', 18080, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    } finally {
      await pod.stop();
    }
    expect(await pod.exited).toEqual({ code: 0, signal: null });
    expect(alive(pod.pid!)).toBe(false);
  });

  it('reports a port already taken on its address instead of listening', async () => {
    const first = new PodProcess({ name: 'a', namespace: 'dev', ip: '127.0.200.12', ports: [18082], crash: false });
    try {
      await first.started;
      const second = new PodProcess({ name: 'b', namespace: 'dev', ip: '127.0.200.12', ports: [18082], crash: false });
      expect(await second.started).toEqual({ kind: 'address-in-use' });
      expect((await second.exited).code).toBe(98);
    } finally {
      await first.stop();
    }
  });

  it('a crashing container exits with code 1 and its error output before listening', async () => {
    const pod = new PodProcess({ name: 'web-crash', namespace: 'dev', ip: '127.0.200.13', ports: [18083], crash: true });
    const started = await pod.started;
    expect(started.kind).toBe('exited');
    if (started.kind === 'exited') {
      expect(started.exit.code).toBe(1);
      expect(started.output).toContain('web-crash: fatal');
    }
  });
});
