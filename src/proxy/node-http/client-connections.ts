import type { Socket } from 'node:net';
import type { ClientBound } from '../exchange.js';

const kActive = Symbol('wakegate.active');

type TrackedSocket = Socket & { [kActive]?: Set<ClientBound> };

/**
 * Tells in-flight work that its client went away, with one `close` listener per connection rather
 * than one per request (listener churn per request showed in profiles). Pipelined requests on one
 * connection can be in flight together, hence a set.
 */
export function watchClientConnection(socket: Socket): void {
  const tracked = socket as TrackedSocket;
  tracked[kActive] = new Set();
  socket.once('close', () => {
    const active = tracked[kActive];
    if (active === undefined || active.size === 0) return;
    for (const item of [...active]) item.clientClosed();
    active.clear();
  });
}

export function bindToClient(socket: Socket, item: ClientBound): void {
  const active = (socket as TrackedSocket)[kActive];
  if (active === undefined) return;
  if (socket.destroyed) item.clientClosed();
  else active.add(item);
}

export function unbindFromClient(socket: Socket, item: ClientBound): void {
  (socket as TrackedSocket)[kActive]?.delete(item);
}
