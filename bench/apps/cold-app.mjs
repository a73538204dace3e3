// The environment's app of scenario (d) cold start: the smallest Node HTTP server, whose start the
// harness can hold back and whose listening moment it can read. Configured through its environment:
//   PORT             port to listen on (127.0.0.1)
//   LISTEN_FILE      append "<pid> <ms>\n" once listening; ms = performance.timeOrigin + performance.now(),
//                    the clock the harness and its clients read too (sub-millisecond, same machine)
//   GATE_FILE        while this file exists, do not listen yet (checked every millisecond): the harness
//                    holds requests at wakegate this way, then removes the file to let the app start
//   STARTS_FILE      append "<pid>\n" at start (the harness kills a leftover by pid)
//   MAX_LIFETIME_MS  exit after this long whatever happens (default 120 000)
// Every request is answered `200 hello world\n`; the request path is warmed up before the app listens
// (see warmUp). SIGTERM exits at once. The app also exits when its parent goes away (wakegate or the
// harness killed without cleaning up), so no orphan keeps the port.
// Plain .mjs without imports beyond node: so its start is as short as a Node start can be.
import { appendFileSync, existsSync } from 'node:fs';
import http from 'node:http';

const now = () => performance.timeOrigin + performance.now();
const port = Number(process.env.PORT);
const listenFile = process.env.LISTEN_FILE;
const gateFile = process.env.GATE_FILE;
const BODY = 'hello world\n';

if (process.env.STARTS_FILE) appendFileSync(process.env.STARTS_FILE, `${process.pid}\n`);
process.on('SIGTERM', () => process.exit(0));
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 250).unref();
setTimeout(() => process.exit(0), Number(process.env.MAX_LIFETIME_MS ?? 120_000)).unref();

function handle(req, res) {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
  res.end(BODY);
}

// One request to itself on a throw-away port first: Node sets up its HTTP parser, response path and
// time-zone data (the Date header) on the first request. Then the real listen comes in a task of its
// own, once the warm-up server has closed: called from inside the warm-up's callbacks, the listening
// socket waited ≈ 4 ms for the loop to get to it. Without both, several ms of the app's own start would
// be counted as wakegate's release time (measured by hand: listening → first byte ≈ 5 ms instead of ≈ 2).
function warmUp(then) {
  const warm = http.createServer(handle);
  warm.listen(0, '127.0.0.1', () => {
    const done = () => {
      warm.closeAllConnections();
      warm.close(() => setImmediate(then));
    };
    http.get({ host: '127.0.0.1', port: warm.address().port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', done);
    }).on('error', done);
  });
}

function listen() {
  const server = http.createServer(handle);
  server.listen(port, '127.0.0.1', () => {
    const at = now();
    if (listenFile) appendFileSync(listenFile, `${process.pid} ${at.toFixed(4)}\n`);
  });
}

warmUp(() => {
  if (!gateFile || !existsSync(gateFile)) return listen();
  const gate = setInterval(() => {
    if (existsSync(gateFile)) return;
    clearInterval(gate);
    listen();
  }, 1);
});
