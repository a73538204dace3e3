import http from 'node:http';
import type net from 'node:net';
import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { eventually } from '../../helpers/http-client.js';
import { rawRequest } from '../../helpers/raw-client.js';
import { startWakegate, type StartedWakegate } from '../../helpers/wakegate.js';

let upstream: http.Server;
let wss: WebSocketServer;
let upstreamSockets: Set<net.Socket>;
let wg: StartedWakegate;

beforeAll(async () => {
  upstreamSockets = new Set();
  upstream = http.createServer((req, res) => {
    // Plain requests, and upgrade requests the upstream declines, land here.
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('upgrade declined\n');
  });
  upstream.on('connection', (s: net.Socket) => {
    upstreamSockets.add(s);
    s.on('close', () => upstreamSockets.delete(s));
  });
  wss = new WebSocketServer({ noServer: true });
  upstream.on('upgrade', (req, socket, head) => {
    if (req.url === '/decline') {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\nConnection: close\r\n\r\nforbidden');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data, isBinary) => ws.send(isBinary ? data : `echo:${(data as Buffer).toString()}`));
      if (req.url === '/server-closes') setTimeout(() => ws.close(1000, 'bye'), 20);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  wg = await startWakegate({ environments: [{ name: 'ws', hosts: ['ws.test'], upstream: origin }] });
});

afterAll(async () => {
  await wg.stop();
  wss.close();
  upstream.closeAllConnections();
  await new Promise<void>((r) => upstream.close(() => r()));
});

function connect(path: string): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${wg.port}${path}`, { headers: { host: 'ws.test' } });
}

describe('WebSocket tunnelling', () => {
  it('tunnels messages both ways once the upstream has agreed', async () => {
    const ws = connect('/chat');
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const replies: string[] = [];
    ws.on('message', (d: Buffer) => replies.push(d.toString()));
    ws.send('one');
    ws.send('two');
    await eventually(() => replies.length === 2, 3_000, 'two echoes');
    expect(replies).toEqual(['echo:one', 'echo:two']);
    ws.close();
  });

  it('delivers bytes the client sent in the same packet as its handshake', async () => {
    // A masked text frame "hi" right behind the handshake (RFC 6455 §5.3, mask 0x01020304).
    const frame = Buffer.from([0x81, 0x82, 0x01, 0x02, 0x03, 0x04, 'h'.charCodeAt(0) ^ 0x01, 'i'.charCodeAt(0) ^ 0x02]);
    const handshake = 'GET /chat HTTP/1.1\r\nHost: ws.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    const exchange = await rawRequest(wg.port, Buffer.concat([Buffer.from(handshake), frame]), { idleMs: 500 });
    expect(exchange.statuses[0]).toBe(101);
    expect(exchange.text).toContain('echo:hi');
    expect(exchange.text.toLowerCase()).toContain('via: 1.1 wakegate');
  });

  it('relays the answer of an upstream that declines the upgrade', async () => {
    const exchange = await rawRequest(wg.port, 'GET /decline HTTP/1.1\r\nHost: ws.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(exchange.statuses[0]).toBe(403);
    expect(exchange.text).toContain('forbidden');
    expect(exchange.closed).toBe(true);
  });

  it('rejects a WebSocket handshake without Sec-WebSocket-Key before contacting the upstream', async () => {
    const before = upstreamSockets.size;
    const exchange = await rawRequest(wg.port, 'GET /chat HTTP/1.1\r\nHost: ws.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n');
    expect(exchange.statuses[0]).toBe(400);
    expect(upstreamSockets.size).toBe(before);
  });

  it('answers 404 to a WebSocket handshake for an unknown host', async () => {
    const exchange = await rawRequest(wg.port, 'GET /chat HTTP/1.1\r\nHost: nobody.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(exchange.statuses[0]).toBe(404);
  });

  it('closes the upstream side when the client goes away, leaking no socket', async () => {
    const ws = connect('/chat');
    await new Promise((resolve) => ws.once('open', resolve));
    expect(upstreamSockets.size).toBeGreaterThan(0);
    ws.terminate();
    await eventually(() => upstreamSockets.size === 0, 3_000, 'the upstream socket to close');
  });

  it('closes the client side when the upstream ends the conversation', async () => {
    const ws = connect('/server-closes');
    const closed = await new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    expect(closed).toEqual({ code: 1000, reason: 'bye' });
    await eventually(() => upstreamSockets.size === 0, 3_000, 'the upstream socket to close');
  });
});
