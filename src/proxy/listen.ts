import type { Server } from 'node:net';

/** Binds `server` to `host:port` (0 picks a free port); resolves with the bound address, rejects on a bind error. */
export function listenOn(server: Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('proxy listener has no address'));
      resolve({ host: address.address, port: address.port });
    });
  });
}
