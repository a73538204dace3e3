import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminAnswerError } from '../../../src/cli/admin-client.js';
import { openEventStream, type ServerSentEvent } from '../../../src/cli/server-sent-events.js';

let servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  servers = [];
});

/** A loopback server answering every request with `handler`. */
async function serve(handler: http.RequestListener): Promise<URL> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.on('connection', (socket) => socket.setNoDelay(true));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/events`);
}

/** Writes `chunks` as separate writes, a few ms apart, so they reach the client as separate reads. */
function streamOf(chunks: string[], end = true): http.RequestListener {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    let i = 0;
    const next = (): void => {
      if (i < chunks.length) {
        res.write(chunks[i++]);
        setTimeout(next, 5);
      } else if (end) res.end();
    };
    next();
  };
}

async function collect(events: AsyncIterable<ServerSentEvent>): Promise<ServerSentEvent[]> {
  const all: ServerSentEvent[] = [];
  for await (const e of events) all.push(e);
  return all;
}

describe('reading server-sent events', () => {
  it('dispatches each event once its blank line comes, whatever the chunks and line ends', async () => {
    const url = await serve(
      streamOf(['retry: 2000\n\n: keep-alive\n\nevent: environment\nda', 'ta: {"id":"shop"}\n', '\nevent: progress\r\ndata: first\r', '\ndata: second\r\rdata:no space\n\n', 'event: removed\ndata: {"id":"x"}\n\n', 'data: never ended\n']),
    );
    const stream = await openEventStream(url);
    expect(await collect(stream.events)).toEqual([
      { event: 'environment', data: '{"id":"shop"}' },
      { event: 'progress', data: 'first\nsecond' },
      { event: 'message', data: 'no space' },
      { event: 'removed', data: '{"id":"x"}' },
    ]);
  });

  it('decodes a character split between two chunks', async () => {
    const bytes = Buffer.from('data: café\n\n');
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(bytes.subarray(0, 10)); // cuts é in two
      setTimeout(() => res.end(bytes.subarray(10)), 10);
    });
    expect(await collect((await openEventStream(url)).events)).toEqual([{ event: 'message', data: 'café' }]);
  });

  it('rejects an error answer with the problem\'s detail', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ title: 'Environment not found', status: 404, detail: 'no environment with id "nope"' }));
    });
    const error = await openEventStream(url).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AdminAnswerError);
    expect(error).toMatchObject({ status: 404, detail: 'no environment with id "nope"' });
  });

  it('rejects an answer that is not an event stream', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<p>hello</p>');
    });
    await expect(openEventStream(url)).rejects.toThrow(/expected an event stream, got text\/html/);
  });

  it('drops a stream that stays silent past the idle limit', async () => {
    const url = await serve(streamOf(['event: a\ndata: 1\n\n'], false));
    const stream = await openEventStream(url, { idleMs: 200 });
    const seen: ServerSentEvent[] = [];
    const started = Date.now();
    await expect(
      (async () => {
        for await (const e of stream.events) seen.push(e);
      })(),
    ).rejects.toThrow(/nothing received for 0.2 s/);
    expect(seen).toEqual([{ event: 'a', data: '1' }]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('throws when the connection breaks mid-stream, and ends quietly when closed', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: a\ndata: 1\n\n');
      setTimeout(() => res.destroy(), 50);
    });
    const broken = await openEventStream(url);
    await expect(collect(broken.events)).rejects.toThrow();

    const kept = await openEventStream(await serve(streamOf(['event: a\ndata: 1\n\n'], false)));
    const events: ServerSentEvent[] = [];
    for await (const e of kept.events) {
      events.push(e);
      kept.close();
    }
    expect(events).toHaveLength(1);
  });

  it('ends quietly when the caller\'s signal aborts', async () => {
    const controller = new AbortController();
    const stream = await openEventStream(await serve(streamOf([': hello\n\n'], false)), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await collect(stream.events)).toEqual([]);
  });
});
