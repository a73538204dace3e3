import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

import { Environment, type EnvironmentSpec } from '../../../src/environments/environment.js';
import type { ProxyResponse } from '../../../src/proxy/exchange.js';
import { NodeResponse } from '../../../src/proxy/node-http/node-response.js';
import { streamEnvironmentEvents } from '../../../src/wake/event-stream.js';

const spec: EnvironmentSpec = { id: 'shop', kind: 'static', hosts: ['shop.test'], paths: [], upstream: 'http://127.0.0.1:9', idleAfter: Infinity };

/** The proxy's `node:http` response, counting what is written through it. */
class CountingResponse extends NodeResponse {
  writes = 0;
  writesAfterEnd = 0;

  override write(chunk: Buffer): boolean {
    if (this.finished) this.writesAfterEnd++;
    this.writes++;
    return super.write(chunk);
  }
}

interface Served {
  port: number;
  responses: CountingResponse[];
  /** Resolves each time the server side of a stream has been stopped after its client left. */
  stopped: Promise<void>;
  close(): Promise<void>;
}

const servers: Served[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A real server answering every request with the environment's event stream. */
async function serve(env: Environment, heartbeatMs?: number): Promise<Served> {
  const responses: CountingResponse[] = [];
  let onStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (onStopped = resolve));
  const server = http.createServer((_req, res) => {
    const response = new CountingResponse(res);
    responses.push(response);
    const stop = streamEnvironmentEvents(response, env, heartbeatMs === undefined ? undefined : { heartbeatMs });
    res.on('close', () => {
      stop();
      onStopped();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const served: Served = {
    port: (server.address() as AddressInfo).port,
    responses,
    stopped,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(served);
  return served;
}

interface Frame {
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

/** A client of the stream: real socket, frames parsed as they arrive. */
class StreamClient {
  readonly frames: Frame[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  ended = false;
  readonly request: http.ClientRequest;
  #buffer = '';
  #waiters: (() => void)[] = [];

  constructor(port: number) {
    this.request = http.get({ host: '127.0.0.1', port, path: '/.wakegate/events?env=shop', agent: false }, (res) => {
      this.status = res.statusCode ?? 0;
      this.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (text: string) => this.#read(text));
      res.on('end', () => {
        this.ended = true;
        this.#wake();
      });
      this.#wake();
    });
    this.request.on('error', () => undefined);
  }

  /** Resolves once `predicate` holds, checked after every frame. */
  async until(predicate: (client: StreamClient) => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline) throw new Error(`timed out; frames so far: ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  events(): { event: string; data: Record<string, unknown> }[] {
    return this.frames.filter((f) => f.event !== undefined).map((f) => ({ event: f.event!, data: JSON.parse(f.data!) as Record<string, unknown> }));
  }

  #read(text: string): void {
    this.#buffer += text;
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) !== -1) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const frame: Frame = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim();
        else {
          const colon = line.indexOf(':');
          const field = line.slice(0, colon) as 'event' | 'data' | 'retry';
          frame[field] = line.slice(colon + 1).trimStart();
        }
      }
      this.frames.push(frame);
    }
    this.#wake();
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the environment event stream', () => {
  it('sends the current phase at once, relays the wake and ends after awake', async () => {
    const env = new Environment(spec, 'asleep', 1_000);
    const { port } = await serve(env);
    const client = new StreamClient(port);
    await client.until((c) => c.frames.length >= 1);

    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(client.headers['cache-control']).toBe('no-store');
    expect(client.headers['x-accel-buffering']).toBe('no');
    expect(client.headers['content-length']).toBeUndefined();
    expect(client.headers['transfer-encoding']).toBe('chunked');
    expect(client.frames[0]!.retry).toBe('2000');
    expect(client.events()).toEqual([{ event: 'phase', data: { phase: 'asleep', reason: null, at: 1_000, waitingSince: null } }]);

    env.wakeStartedAt = 2_000;
    env.setPhase('waking', 2_000);
    env.progress('Scaling deployment web to 1', 2_100);
    env.progress('Waiting for web to be ready', 2_200);
    await client.until((c) => c.frames.length >= 4);
    expect(client.ended).toBe(false);

    env.setPhase('awake', 3_000);
    await client.until((c) => c.ended);
    expect(client.events()).toEqual([
      { event: 'phase', data: { phase: 'asleep', reason: null, at: 1_000, waitingSince: null } },
      { event: 'phase', data: { phase: 'waking', reason: null, at: 2_000, waitingSince: 2_000 } },
      { event: 'progress', data: { step: 'Scaling deployment web to 1', at: 2_100 } },
      { event: 'progress', data: { step: 'Waiting for web to be ready', at: 2_200 } },
      { event: 'phase', data: { phase: 'awake', reason: null, at: 3_000, waitingSince: null } },
    ]);
  });

  it('sends the steps the current wake took before the client connected, and none of an earlier wake', async () => {
    const env = new Environment(spec, 'asleep', 1_000);
    env.setPhase('waking', 2_000);
    env.progress('step of an earlier wake', 2_100);
    env.setPhase('failed', 2_200, 'it broke');
    env.setPhase('waking', 3_000);
    env.progress('starting: node server.js', 3_010);
    env.progress('started (pid 42)', 3_020);
    const { port } = await serve(env);
    const client = new StreamClient(port);
    await client.until((c) => c.frames.length >= 3);
    expect(client.events()).toEqual([
      { event: 'phase', data: { phase: 'waking', reason: null, at: 3_000, waitingSince: 3_000 } },
      { event: 'progress', data: { step: 'starting: node server.js', at: 3_010 } },
      { event: 'progress', data: { step: 'started (pid 42)', at: 3_020 } },
    ]);
    env.setPhase('awake', 4_000);
    await client.until((c) => c.ended);
  });

  it('ends after a failed phase, with its reason', async () => {
    const env = new Environment(spec, 'asleep', 1_000);
    const { port } = await serve(env);
    const client = new StreamClient(port);
    await client.until((c) => c.frames.length >= 1);
    env.wakeStartedAt = 2_000;
    env.setPhase('waking', 2_000);
    env.setPhase('failed', 2_500, 'the deployment web has no image');
    await client.until((c) => c.ended);
    expect(client.events().at(-1)).toEqual({ event: 'phase', data: { phase: 'failed', reason: 'the deployment web has no image', at: 2_500, waitingSince: 2_000 } });
  });

  it('answers an environment that is already awake with one phase and ends', async () => {
    const env = new Environment(spec, 'awake', 1_000);
    const { port } = await serve(env);
    const client = new StreamClient(port);
    await client.until((c) => c.ended);
    expect(client.events()).toEqual([{ event: 'phase', data: { phase: 'awake', reason: null, at: 1_000, waitingSince: null } }]);
  });

  it('sends keep-alive comments every heartbeat while nothing happens', async () => {
    const env = new Environment(spec, 'waking', 1_000);
    const { port } = await serve(env, 40);
    const client = new StreamClient(port);
    await client.until((c) => c.frames.filter((f) => f.comment === 'keep-alive').length >= 3);
    expect(client.frames[0]!.event).toBe('phase');
    expect(client.ended).toBe(false);
  });

  it('stops following the environment when the client goes away', async () => {
    const env = new Environment(spec, 'waking', 1_000);
    let subscribed = 0;
    const subscribe = env.subscribe.bind(env);
    env.subscribe = (listener) => {
      subscribed++;
      const unsubscribe = subscribe(listener);
      return () => {
        subscribed--;
        unsubscribe();
      };
    };
    const served = await serve(env, 20);
    const client = new StreamClient(served.port);
    await client.until((c) => c.frames.length >= 2);
    expect(subscribed).toBe(1);

    client.request.destroy();
    await served.stopped;
    expect(subscribed).toBe(0);
    const response = served.responses[0]!;
    const writes = response.writes;
    env.progress('a step nobody hears', 1_100);
    env.setPhase('awake', 1_200);
    await sleep(150);
    expect(response.writes).toBe(writes);
    expect(response.writesAfterEnd).toBe(0);
  });
});

/** A response whose client is as slow as the test says: `write` returns `accepting`. */
class SlowResponse implements ProxyResponse {
  headersSent = false;
  finished = false;
  destroyed = false;
  keepAlive = true;
  accepting = true;
  readonly written: string[] = [];
  #drain: (() => void) | null = null;

  writeHead(): void {
    this.headersSent = true;
  }

  write(chunk: Buffer): boolean {
    this.written.push(chunk.toString());
    return this.accepting;
  }

  onceDrain(fn: () => void): void {
    this.#drain = fn;
  }

  drain(): void {
    this.accepting = true;
    const fn = this.#drain;
    this.#drain = null;
    fn?.();
  }

  end(chunk?: Buffer | string): void {
    if (chunk !== undefined) this.written.push(chunk.toString());
    this.finished = true;
  }

  writeContinue(): void {}

  destroy(): void {
    this.finished = true;
    this.destroyed = true;
  }
}

describe('the environment event stream under backpressure', () => {
  it('drops heartbeats and queues events until the client drains', async () => {
    const env = new Environment(spec, 'waking', 1_000);
    const res = new SlowResponse();
    res.accepting = false;
    const stop = streamEnvironmentEvents(res, env, { heartbeatMs: 10 });
    expect(res.written).toHaveLength(1);
    await sleep(60);
    env.progress('one', 1_100);
    env.progress('two', 1_200);
    expect(res.written).toHaveLength(1);

    res.drain();
    expect(res.written.slice(1)).toEqual(['event: progress\ndata: {"step":"one","at":1100}\n\n', 'event: progress\ndata: {"step":"two","at":1200}\n\n']);
    await sleep(40);
    expect(res.written.slice(3).every((w) => w === ': keep-alive\n\n')).toBe(true);
    expect(res.written.length).toBeGreaterThan(3);
    stop();
    expect(res.finished).toBe(true);
  });

  it('sends what is queued with the final phase', () => {
    const env = new Environment(spec, 'waking', 1_000);
    const res = new SlowResponse();
    streamEnvironmentEvents(res, env);
    res.accepting = false;
    env.progress('one', 1_100);
    env.progress('two', 1_200);
    env.progress('three', 1_300);
    env.setPhase('awake', 1_400);
    expect(res.finished).toBe(true);
    const last = res.written.at(-1)!;
    expect(last.match(/^event: \w+/gm)).toEqual(['event: progress', 'event: progress', 'event: phase']);
    expect(last).toContain('"step":"three"');
    expect(last).toContain('"phase":"awake"');
  });

  it('cuts off a client that reads nothing rather than buffering for it', () => {
    const env = new Environment(spec, 'waking', 1_000);
    const res = new SlowResponse();
    res.accepting = false;
    const stop = streamEnvironmentEvents(res, env);
    for (let i = 0; i < 200; i++) env.progress(`step ${i}`, 1_000 + i);
    expect(res.destroyed).toBe(true);
    const written = res.written.length;
    env.progress('after', 2_000);
    stop();
    expect(res.written.length).toBe(written);
  });
});
