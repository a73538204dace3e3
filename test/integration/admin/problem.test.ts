import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { problemType, sendProblem } from '../../../src/http/problem.js';
import { send } from './fixtures.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: RequestListener): Promise<number> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const WAKE_TIMEOUT = {
  type: problemType('wake-timeout'),
  title: 'Environment not ready in time',
  status: 504,
  detail: 'shop was not ready after 120 s: deployment/web has 0/1 ready replicas',
  environment: 'shop',
  waitedSeconds: 120,
};

describe('sendProblem', () => {
  it('writes an RFC 9457 problem as uncached application/problem+json with its extensions', async () => {
    const port = await serve((_req, res) => sendProblem(res, WAKE_TIMEOUT, { 'retry-after': 5 }));
    const reply = await send(port, 'GET', '/');
    expect(reply.status).toBe(504);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['retry-after']).toBe('5');
    expect(Number(reply.headers['content-length'])).toBe(Buffer.byteLength(reply.body));
    expect(JSON.parse(reply.body)).toEqual({ ...WAKE_TIMEOUT, type: 'https://wakegate.dev/problems/wake-timeout' });
  });

  it('counts content-length in bytes, not characters', async () => {
    const port = await serve((_req, res) => sendProblem(res, { title: 'Not found', status: 404, detail: 'no route for “café”' }));
    const reply = await send(port, 'GET', '/');
    expect(Number(reply.headers['content-length'])).toBe(Buffer.byteLength(reply.body));
    expect(JSON.parse(reply.body)).toMatchObject({ detail: 'no route for “café”' });
  });

  it('does not let extra headers replace the content headers', async () => {
    const port = await serve((_req, res) =>
      sendProblem(res, { title: 'Gone', status: 410 }, { 'Content-Type': 'text/html', 'Cache-Control': 'max-age=60' }),
    );
    const reply = await send(port, 'GET', '/');
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.headers['cache-control']).toBe('no-store');
  });

  it('sends the headers and no body to a HEAD request', async () => {
    const port = await serve((_req, res) => sendProblem(res, WAKE_TIMEOUT));
    const head = await send(port, 'HEAD', '/');
    expect([head.status, head.body]).toEqual([504, '']);
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(WAKE_TIMEOUT)));
  });

  it('cuts a response whose head was already sent instead of appending a problem to it', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      res.write('partial');
      sendProblem(res, { title: 'Bad Gateway', status: 502 });
    });
    await expect(send(port, 'GET', '/')).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
  });

  it('leaves a finished response alone', async () => {
    const port = await serve((_req, res) => {
      res.end('done');
      sendProblem(res, { title: 'Bad Gateway', status: 502 });
    });
    const reply = await send(port, 'GET', '/');
    expect([reply.status, reply.body]).toEqual([200, 'done']);
  });
});
