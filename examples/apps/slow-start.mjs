// A demo app that takes a few seconds to start, like a real one (loading code, warming caches):
// it waits STARTUP_MS (default 3000) before it listens on PORT (default 3002).
import http from 'node:http';

const port = Number(process.env.PORT ?? 3002);
const name = process.env.NAME ?? 'slow';
const startupMs = Number(process.env.STARTUP_MS ?? 3000);
const startedAt = Date.now();

console.log(`${name} starting (ready in ${startupMs} ms)`);
setTimeout(() => {
  const server = http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('ok\n');
    }
    const page = `<!doctype html><meta charset="utf-8"><title>${name}</title>
<body style="font-family:system-ui;margin:4rem auto;max-width:36rem">
<h1>${name} is up</h1><p>It took ${startupMs} ms to start; this process has been running for ${Math.round((Date.now() - startedAt) / 1000)} s.</p>
<p>Path: <code>${req.url?.replace(/[<>&]/g, '')}</code></p></body>\n`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  server.listen(port, '127.0.0.1', () => console.log(`${name} listening on http://127.0.0.1:${port}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}, startupMs);
process.on('SIGTERM', () => process.exit(0));
