// The process behind one simulated Pod: an HTTP server on the pod's own loopback address, on every
// port its containers declare. It answers every path with 200 and a small JSON body naming the pod,
// echoing the path and the Host header; `/healthz` answers "ok".
//
// Environment (set by the simulated kubelet):
//   POD_NAME, POD_NAMESPACE, POD_IP   who and where it is
//   POD_PORTS                         comma-separated TCP ports to listen on (may be empty)
//   POD_CRASH                         "1": the container starts, writes an error and exits with code 1
//
// Contract with the kubelet, one JSON line each on stdout:
//   {"listening":[8080,…]}            every port is bound: the container is running
//   {"error":"EADDRINUSE","port":N}   a port is taken on POD_IP; the process exits with code 98
// On SIGTERM it stops accepting, finishes what is in flight and exits 0. It also exits by itself when
// its parent goes away (a killed test worker leaves no pod behind).
import http from 'node:http';

const name = process.env.POD_NAME ?? 'pod';
const namespace = process.env.POD_NAMESPACE ?? 'default';
const ip = process.env.POD_IP ?? '127.0.0.1';
const ports = (process.env.POD_PORTS ?? '')
  .split(',')
  .filter((port) => port !== '')
  .map(Number);

if (process.env.POD_CRASH === '1') {
  process.stderr.write(`${name}: fatal: cannot connect to the database\n`);
  process.exit(1);
}

function handle(req, res) {
  // When the request reached the pod, on the clock every process of this machine shares (the
  // benchmark compares it with the moment the pod's EndpointSlice turned ready).
  const receivedAt = performance.timeOrigin + performance.now();
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
    return;
  }
  const body = JSON.stringify({ pod: name, namespace, ip, port: req.socket.localPort, method: req.method, path: req.url, host: req.headers.host ?? null, receivedAt });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`${body}\n`);
}

const servers = ports.map(() => http.createServer(handle));

/**
 * Serves one request to itself on a throw-away port before listening, as a warmed-up app would be:
 * Node's first request sets up its HTTP parser and more (a few ms), which is the app's cost, and the
 * benchmark of wakegate's part of a cold start must not count it.
 */
async function warmUp() {
  const server = http.createServer(handle);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/warm-up', agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', resolve);
  });
  await new Promise((resolve) => server.close(resolve));
}

await warmUp();

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: ip, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

try {
  await Promise.all(servers.map((server, i) => listen(server, ports[i])));
} catch (err) {
  process.stdout.write(`${JSON.stringify({ error: err.code ?? String(err), port: err.port ?? null, message: err.message })}\n`);
  process.exit(err.code === 'EADDRINUSE' ? 98 : 1);
}
process.stdout.write(`${JSON.stringify({ listening: ports })}\n`);

function stop() {
  let open = servers.length;
  if (open === 0) process.exit(0);
  for (const server of servers) {
    server.close(() => {
      open -= 1;
      if (open === 0) process.exit(0);
    });
    server.closeIdleConnections();
  }
  // In-flight requests get a moment; then the container is gone, as after a grace period.
  setTimeout(() => process.exit(0), 2_000).unref();
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

// Orphaned (the parent was killed without a chance to clean up): exit rather than hold the address.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500).unref();
// Keep the event loop alive with no ports to listen on (a worker container).
if (servers.length === 0) setInterval(() => undefined, 60_000);
