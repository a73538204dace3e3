// Peer: the Node `http-proxy` package (1.18) with a keep-alive agent — the "typical Node proxy" baseline.
// Usage: node --no-deprecation http-proxy.mjs HOST:PORT TARGET_ORIGIN
// Without an agent http-proxy opens a socket per request with `Connection: close` (~3 k req/s here);
// with `http.Agent({ keepAlive: true, maxSockets: 128 })` it pools, as a careful user would set it up.
// Plain .mjs: no TypeScript loader in the measured process.
import http from 'node:http';
import httpProxy from 'http-proxy';

const [listen, target] = process.argv.slice(2);
const separator = listen?.lastIndexOf(':') ?? -1;
if (!listen || !target || separator < 0) {
  process.stderr.write('usage: http-proxy.mjs HOST:PORT TARGET_ORIGIN\n');
  process.exit(2);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
const proxy = httpProxy.createProxyServer({ target, agent });
// Without an 'error' listener http-proxy throws and the process dies; answer 502 like a proxy should.
proxy.on('error', (error, _req, res) => {
  if (res instanceof http.ServerResponse && !res.headersSent) {
    res.writeHead(502, { 'content-type': 'text/plain' }).end(`bad gateway: ${error.message}\n`);
  } else {
    res.destroy();
  }
});

const server = http.createServer((req, res) => proxy.web(req, res));
server.keepAliveTimeout = 65_000;
server.listen(Number(listen.slice(separator + 1)), listen.slice(0, separator));

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    agent.destroy();
    process.exit(0);
  });
}
