import net from 'node:net';

/**
 * Ports handed out for processes a test starts later. They lie below Linux's default ephemeral range
 * (32768–60999), from which the kernel picks the local port of every outgoing connection, and above
 * the fixed ports of the benchmark (18xxx–19xxx). A port taken from the ephemeral range (by binding
 * port 0) could be given to some client connection between its release and the process binding it;
 * one of these cannot.
 */
const FIRST = 20_000;
const COUNT = 12_000;
const ATTEMPTS = 50;

/** A loopback port free right now, for a process the test starts (checked by binding it, then released). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = FIRST + Math.floor(Math.random() * COUNT);
    if (await bindable(port)) return port;
  }
  // A crowded range: the kernel's choice still beats failing the test.
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
