// Constant-arrival HTTP/1.1 client for the added-latency scenario: RATE requests per second in total,
// evenly spaced (one every 1/RATE s), sent round-robin over CONNECTIONS keep-alive connections.
// Usage: node paced-client.mjs URL HOST RATE CONNECTIONS DURATION_SECONDS
//
// Why not hey here: `hey -c 10 -q 100` runs ten workers whose tickers start together, so 1 000 req/s
// arrive as 100 bursts of ten and a request's latency includes waiting behind the other nine. This
// client is the open-loop model of wrk2 and k6's constant-arrival-rate executor: the schedule does not
// wait for answers. A connection still busy when its turn comes is skipped to the next free one; when
// none is free the request is sent late (counted in `late`) rather than dropped.
//
// Latency is measured from the moment the request is written to the moment its last byte is read,
// with process.hrtime (0.01 ms steps in the output). It is not measured from the scheduled time:
// Node's timers have 1 ms granularity, so that would add up to 1 ms of the client's own jitter.
//
// Responses must carry Content-Length (the bench's upstream and every peer's answer do); anything else
// counts as an error. Prints one JSON document: { rps, p50, p90, p99, max (ms), statuses, errors, late }.
// Plain .mjs so it starts without a TypeScript loader.
import net from 'node:net';

const [urlArg, hostHeader, rateArg, connectionsArg, durationArg] = process.argv.slice(2);
if (!urlArg || !hostHeader || !rateArg || !connectionsArg || !durationArg) {
  process.stderr.write('usage: paced-client.mjs URL HOST RATE CONNECTIONS DURATION_SECONDS\n');
  process.exit(2);
}
const url = new URL(urlArg);
const rate = Number(rateArg);
const connectionCount = Number(connectionsArg);
const durationMs = Number(durationArg) * 1_000;
const intervalMs = 1_000 / rate;
const request = Buffer.from(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: wakegate-bench-paced\r\n\r\n`, 'latin1');

const latenciesNs = [];
const statuses = {};
let errors = 0;
let late = 0;

class Connection {
  constructor() {
    this.busy = false;
    this.sentAt = 0n;
    this.buffer = Buffer.alloc(0);
    this.socket = net.connect({ host: url.hostname, port: Number(url.port || 80), noDelay: true });
    this.socket.on('data', (chunk) => this.#read(chunk));
    this.socket.on('error', () => this.#fail());
    this.socket.on('close', () => this.#fail());
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
  }

  send() {
    this.busy = true;
    this.sentAt = process.hrtime.bigint();
    this.socket.write(request);
  }

  #read(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const headEnd = this.buffer.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.buffer.subarray(0, headEnd).toString('latin1');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    if (status === undefined || length === undefined) {
      this.#fail();
      return;
    }
    const total = headEnd + 4 + Number(length);
    if (this.buffer.length < total) return;
    latenciesNs.push(Number(process.hrtime.bigint() - this.sentAt));
    statuses[status] = (statuses[status] ?? 0) + 1;
    this.buffer = this.buffer.subarray(total);
    this.busy = false;
  }

  #fail() {
    if (this.busy) errors++;
    this.busy = false;
    this.dead = true;
    this.socket.destroy();
  }
}

const connections = Array.from({ length: connectionCount }, () => new Connection());
try {
  await Promise.all(connections.map((connection) => connection.ready));
} catch (error) {
  process.stderr.write(`cannot connect to ${urlArg}: ${error.message}\n`);
  process.exit(1);
}

const start = performance.now();
const end = start + durationMs;
let sent = 0;
let next = 0;

function pick() {
  for (let i = 0; i < connections.length; i++) {
    const connection = connections[(next + i) % connections.length];
    if (!connection.busy && !connection.dead) {
      next = (next + i + 1) % connections.length;
      return connection;
    }
  }
  return null;
}

await new Promise((resolve) => {
  const tick = () => {
    const now = performance.now();
    // Send every request whose scheduled time has come (normally one per tick).
    while (sent * intervalMs <= now - start && start + sent * intervalMs < end) {
      const connection = pick();
      if (connection === null) {
        late++;
        break;
      }
      connection.send();
      sent++;
    }
    if (now >= end) {
      resolve();
      return;
    }
    const wait = start + sent * intervalMs - performance.now();
    setTimeout(tick, Math.max(0, wait));
  };
  tick();
});
// Let the last answers arrive (bounded).
const drainUntil = performance.now() + 2_000;
while (connections.some((c) => c.busy) && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 5));
errors += connections.filter((c) => c.busy).length;
for (const connection of connections) connection.socket.destroy();

latenciesNs.sort((a, b) => a - b);
const pick_ = (p) => {
  if (latenciesNs.length === 0) return null;
  const index = Math.min(latenciesNs.length - 1, Math.ceil((p / 100) * latenciesNs.length) - 1);
  return Math.round(latenciesNs[Math.max(0, index)] / 10_000) / 100;
};
process.stdout.write(
  JSON.stringify({
    // Over the scheduled duration: the bounded wait for the last answers is not part of the rate.
    rps: Math.round((latenciesNs.length / (durationMs / 1_000)) * 10) / 10,
    p50: pick_(50),
    p90: pick_(90),
    p99: pick_(99),
    max: pick_(100),
    statuses,
    errors,
    late,
  }),
);
