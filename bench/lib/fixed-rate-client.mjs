// Fixed-rate HTTP client, the stand-in for `hey -z D -c C -q Q` when hey is not installed.
// Usage: node fixed-rate-client.mjs URL HOST WORKERS RATE_PER_WORKER DURATION_SECONDS
// Same worker model as hey: each worker owns one keep-alive connection and sends its next request on
// the next tick of its own 1/Q s clock (ticks missed while a request is in flight are dropped, like
// Go's time.Tick). Prints one JSON document: { rps, p50, p90, p99 (ms, 0.01 ms steps), statuses, errors }.
// Plain .mjs so it starts without a TypeScript loader.
import http from 'node:http';

const [url, hostHeader, workersArg, rateArg, durationArg] = process.argv.slice(2);
if (!url || !hostHeader || !workersArg || !rateArg || !durationArg) {
  process.stderr.write('usage: fixed-rate-client.mjs URL HOST WORKERS RATE_PER_WORKER DURATION_SECONDS\n');
  process.exit(2);
}
const workers = Number(workersArg);
const intervalMs = 1_000 / Number(rateArg);
const durationMs = Number(durationArg) * 1_000;
const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
const latenciesNs = [];
const statuses = {};
let errors = 0;

function once() {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.request(url, { agent, headers: { host: hostHeader }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => {
        latenciesNs.push(Number(process.hrtime.bigint() - started));
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        resolve();
      });
      res.on('error', () => {
        errors++;
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      errors++;
      resolve();
    });
    req.end();
  });
}

async function worker(start, end) {
  let tick = start;
  while (tick < end) {
    const wait = tick - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await once();
    const now = performance.now();
    tick += intervalMs;
    if (tick < now) tick += Math.floor((now - tick) / intervalMs) * intervalMs + intervalMs;
  }
}

const start = performance.now();
const end = start + durationMs;
await Promise.all(Array.from({ length: workers }, () => worker(start, end)));
const elapsedS = (performance.now() - start) / 1_000;
agent.destroy();

latenciesNs.sort((a, b) => a - b);
const pick = (p) => {
  if (latenciesNs.length === 0) return null;
  const index = Math.min(latenciesNs.length - 1, Math.ceil((p / 100) * latenciesNs.length) - 1);
  return Math.round(latenciesNs[Math.max(0, index)] / 10_000) / 100;
};
process.stdout.write(
  JSON.stringify({ rps: Math.round((latenciesNs.length / elapsedS) * 10) / 10, p50: pick(50), p90: pick(90), p99: pick(99), statuses, errors }),
);
