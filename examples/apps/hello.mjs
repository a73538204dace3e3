// A tiny upstream for the demo and the docs: answers every request with a greeting and what it saw.
// PORT (default 3001) and NAME (default "hello") come from the environment.
import http from 'node:http';

const port = Number(process.env.PORT ?? 3001);
const name = process.env.NAME ?? 'hello';

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return res.end('ok\n');
  }
  const body = JSON.stringify({ app: name, method: req.method, url: req.url, host: req.headers.host, via: req.headers.via, forwardedFor: req.headers['x-forwarded-for'] }, null, 2);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`${body}\n`);
});
server.listen(port, '127.0.0.1', () => console.log(`${name} listening on http://127.0.0.1:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
