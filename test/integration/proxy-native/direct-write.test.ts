import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { directWritesAvailable, writeLatin1 } from '../../../src/proxy/native/direct-write.js';

/** A loopback server that collects everything one client sends, until the client ends. */
async function collector(): Promise<{ port: number; received: Promise<string>; pause: () => void; resume: () => void; close: () => Promise<void> }> {
  let resolveReceived!: (text: string) => void;
  const received = new Promise<string>((r) => (resolveReceived = r));
  let peer: net.Socket | null = null;
  let paused = false;
  const server = net.createServer((socket) => {
    peer = socket;
    if (paused) socket.pause();
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      resolveReceived(Buffer.concat(chunks).toString('latin1'));
      socket.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    pause: () => {
      paused = true;
      peer?.pause();
    },
    resume: () => {
      paused = false;
      peer?.resume();
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  await new Promise<void>((r) => socket.once('connect', r));
  return socket;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A collecting peer, closed after the test. */
async function startPeer(): Promise<Awaited<ReturnType<typeof collector>>> {
  const peer = await collector();
  cleanups.push(peer.close);
  return peer;
}

describe('direct latin1 writes under net.Socket', () => {
  it('is available in this Node.js release (else every write falls back to socket.write)', () => {
    expect(directWritesAvailable()).toBe(true);
  });

  it('keeps order with stream writes before and after it, and end() waits for all of them', async () => {
    const peer = await startPeer();
    const socket = await connect(peer.port);
    writeLatin1(socket, 'one|');
    socket.write('two|');
    writeLatin1(socket, 'three|'); // the stream holds "two|" or has just written it: falls back or not, order holds
    socket.write(Buffer.from('four|'));
    writeLatin1(socket, 'five\xff');
    socket.end();
    expect(await peer.received).toBe('one|two|three|four|five\xff');
  });

  it('delivers a write the kernel could not take at once before the connection ends', async () => {
    const peer = await startPeer();
    peer.pause();
    const socket = await connect(peer.port);
    const big = 'x'.repeat(8 * 1024 * 1024);
    writeLatin1(socket, big); // far more than the socket buffers hold: completes asynchronously
    writeLatin1(socket, 'tail'); // the stream is empty, so this goes direct too, queued behind
    socket.write('|end');
    socket.end();
    setTimeout(peer.resume, 100);
    const text = await peer.received;
    expect(text.length).toBe(big.length + 'tail|end'.length);
    expect(text.endsWith('xtail|end')).toBe(true);
  });

  it('falls back to socket.write while the socket is still connecting', async () => {
    const peer = await startPeer();
    const socket = net.connect({ port: peer.port, host: '127.0.0.1' });
    expect(socket.connecting).toBe(true);
    writeLatin1(socket, 'early|');
    writeLatin1(socket, 'later');
    socket.end();
    expect(await peer.received).toBe('early|later');
  });

  it('does nothing harmful on a destroyed socket', async () => {
    const peer = await startPeer();
    const socket = await connect(peer.port);
    socket.on('error', () => {});
    socket.destroy();
    expect(() => writeLatin1(socket, 'too late')).not.toThrow();
  });
});
