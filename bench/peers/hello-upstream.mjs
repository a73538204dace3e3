// Upstream stand-in when nginx is not installed: answers every request `200 hello world\n`.
// Usage: node hello-upstream.mjs HOST:PORT
// Figures measured against it are not comparable with nginx-upstream runs (the results say which ran).
import http from 'node:http';

const [listen] = process.argv.slice(2);
const separator = listen?.lastIndexOf(':') ?? -1;
if (!listen || separator < 0) {
  process.stderr.write('usage: hello-upstream.mjs HOST:PORT\n');
  process.exit(2);
}

const body = Buffer.from('hello world\n');
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 75_000;
server.listen(Number(listen.slice(separator + 1)), listen.slice(0, separator));

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
