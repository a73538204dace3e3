// The client of scenario (d): opens COUNT connections to wakegate, each sending one
// `GET / HTTP/1.1` for HOST, and waits for every answer — the requests are held by wakegate while the
// environment wakes, so every connection stays open until then. No agent, no pooling: one socket per
// request, at most PARALLEL connects in flight at once (the proxy's accept backlog is not flooded).
// Usage: node held-client.mjs ADDRESS PORT HOST COUNT PARALLEL DEADLINE_MS
// Prints one JSON document when every request has been answered or failed, or at the deadline:
//   { count, sent, firstByteAt: [ms|null], doneAt: [ms|null], statuses: {code: n}, errors, errorSamples }
// Times are performance.timeOrigin + performance.now() (the clock the app writes its listening moment
// with): firstByteAt is when the first byte of the response arrived, doneAt when the whole response had.
// Plain .mjs so it starts without a TypeScript loader.
import net from 'node:net';

const [address, portArg, hostHeader, countArg, parallelArg, deadlineArg] = process.argv.slice(2);
if (!address || !portArg || !hostHeader || !countArg || !parallelArg || !deadlineArg) {
  process.stderr.write('usage: held-client.mjs ADDRESS PORT HOST COUNT PARALLEL DEADLINE_MS\n');
  process.exit(2);
}
const port = Number(portArg);
const count = Number(countArg);
const parallel = Number(parallelArg);
const now = () => performance.timeOrigin + performance.now();
const REQUEST = `GET / HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: wakegate-bench\r\n\r\n`;

const firstByteAt = new Array(count).fill(null);
const doneAt = new Array(count).fill(null);
const statuses = {};
const sockets = new Array(count).fill(null);
const errorSamples = [];
let errors = 0;
let finished = 0;
let sent = 0;
let next = 0;
let connecting = 0;

function fail(i, message) {
  if (doneAt[i] !== null || sockets[i] === null) return;
  errors++;
  if (errorSamples.length < 5) errorSamples.push(`#${i}: ${message}`);
  sockets[i].destroy();
  sockets[i] = null;
  settle();
}

function settle() {
  if (++finished === count) report();
}

function open(i) {
  connecting++;
  const socket = net.connect({ host: address, port, noDelay: true });
  sockets[i] = socket;
  let connected = false;
  let buffer = '';
  let bodyStart = -1;
  let length = -1;
  let chunked = false;
  socket.setEncoding('latin1');
  socket.once('connect', () => {
    connected = true;
    connecting--;
    socket.write(REQUEST);
    sent++;
    pump();
  });
  socket.on('data', (chunk) => {
    if (firstByteAt[i] === null) firstByteAt[i] = now();
    buffer += chunk;
    if (bodyStart < 0) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      bodyStart = end + 4;
      const head = buffer.slice(0, end);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 'unparsable';
      statuses[status] = (statuses[status] ?? 0) + 1;
      const contentLength = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      chunked = /\r\ntransfer-encoding:\s*chunked/i.test(head);
      length = contentLength ? Number(contentLength[1]) : -1;
      if (!chunked && length < 0) return fail(i, 'response without a length');
    }
    const body = buffer.length - bodyStart;
    const complete = chunked ? buffer.endsWith('0\r\n\r\n') : body >= length;
    if (!complete) return;
    doneAt[i] = now();
    sockets[i] = null;
    socket.destroy();
    settle();
  });
  socket.on('error', (error) => {
    if (!connected) {
      connected = true;
      connecting--;
      pump();
    }
    fail(i, error.code ?? error.message);
  });
  socket.on('close', () => fail(i, 'closed before the response was complete'));
}

function pump() {
  while (connecting < parallel && next < count) open(next++);
}

let reported = false;
function report() {
  if (reported) return;
  reported = true;
  const round = (t) => (t === null ? null : Math.round(t * 1000) / 1000);
  process.stdout.write(
    JSON.stringify({ count, sent, firstByteAt: firstByteAt.map(round), doneAt: doneAt.map(round), statuses, errors, errorSamples }),
    () => process.exit(0),
  );
}

setTimeout(() => {
  for (let i = 0; i < count; i++) {
    if (doneAt[i] === null && sockets[i] !== null) fail(i, 'no complete answer before the deadline');
  }
  // Connections never opened (the deadline came first) count as failed too.
  const unopened = count - next;
  if (unopened > 0) {
    errors += unopened;
    errorSamples.push(`${unopened} connection(s) never opened before the deadline`);
  }
  report();
}, Number(deadlineArg)).unref();

pump();
