import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import { rawUpstream } from '../../helpers/upstream.js';
import { startWakegate } from '../../helpers/wakegate.js';

describe('early answers', () => {
  it('relays an answer the upstream gives before reading the whole body, and the client connection stays usable', async () => {
    // Answers 413 as soon as the head arrives, never reading the body (as a size-limited server does).
    const early = await rawUpstream((_req, socket) => {
      socket.write('HTTP/1.1 413 Payload Too Large\r\nContent-Length: 9\r\nConnection: close\r\n\r\ntoo large');
      socket.end();
    });
    const proxy = await startWakegate({ environments: [{ name: 'early', hosts: ['early.test'], upstream: early.origin }] });
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const reply = await send({ port: proxy.port, host: 'early.test', method: 'POST', path: '/upload', body: Buffer.alloc(8 * 1024 * 1024, 1), agent, timeoutMs: 10_000 });
      expect(reply.status).toBe(413);
      expect(reply.text).toBe('too large');
      const next = await send({ port: proxy.port, host: 'early.test', path: '/again', agent, timeoutMs: 10_000 });
      expect(next.status).toBe(413);
      agent.destroy();
    } finally {
      await proxy.stop();
      await early.close();
    }
  });
});

