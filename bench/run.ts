/**
 * `npm run bench` — wakegate against its peers on this machine. See bench/README.md for the method.
 *
 * Order: detect tools → start the fixture (upstreams + every proxy) → (a) throughput rounds →
 * (b) fixed-rate latency rounds, paced then in bursts → stop the fixture → (c) route lookup children → (d) cold start (its
 * own wakegate process and local environment) → targets → summary, results JSON and README table.
 *
 * Every child runs in its own process group and is killed at the end, on error, and on SIGINT/SIGTERM
 * (lib/processes.ts); the temp dir with every config, pid file and log is removed in all those cases.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { USAGE, parseArgs, type RunOptions } from './lib/args.js';
import { startFixture, type BenchEnv, type Fixture, type Skip } from './lib/peers.js';
import { ProcessRegistry } from './lib/processes.js';
import { renderMarkdown, updateReadme, writeResults } from './lib/report.js';
import type { BenchResults } from './lib/results.js';
import { evaluateTargets } from './lib/targets.js';
import { TOOL_NAMES, detectTools, machineInfo } from './lib/tools.js';
import { runColdStart, type ColdStartReport } from './scenarios/cold-start.js';
import { runKube, type KubeReport } from './scenarios/kube.js';
import { runLatency, type LatencyReport } from './scenarios/latency.js';
import { runRouteLookup, type RouteLookupReport } from './scenarios/route-lookup.js';
import { runThroughput, type ThroughputReport } from './scenarios/throughput.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(repoRoot, 'bench');
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const parsed = parseArgs(process.argv.slice(2));
if ('help' in parsed) {
  log(USAGE);
  process.exit(0);
}
if ('error' in parsed) {
  process.stderr.write(`${parsed.error}\n\n${USAGE}\n`);
  process.exit(2);
}
const options: RunOptions = parsed;

const startedAt = new Date().toISOString();
const machine = machineInfo(repoRoot);
const tools = detectTools(repoRoot);
const pinning = tools.paths.taskset !== null && machine.cores >= 2;
const registry = new ProcessRegistry({ pinning });
const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'wakegate-bench-'));
const env: BenchEnv = { registry, tools, tmpDir, repoRoot, wakegateEntry: options.wakegateEntry, log };
let interrupted = false;

function cleanupSync(): void {
  registry.killAllSync();
  rmSync(tmpDir, { recursive: true, force: true });
}
process.on('exit', cleanupSync);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130); // second signal: 'exit' still kills what is left
    interrupted = true;
    log(`\n${signal}: stopping every benchmark process…`);
    void registry.stopAll().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const skipped: Skip[] = [];
  log(`wakegate bench${options.quick ? ' (quick)' : ''}: scenarios ${options.only.join(', ')}; ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.nodeVersion}, load average ${machine.loadAverageBefore.join(' ')}`);
  for (const name of TOOL_NAMES) {
    if (tools.paths[name] === null) skipped.push({ name, reason: 'not installed (not on PATH or in /usr/sbin)' });
  }
  if (tools.httpProxyModule === null) skipped.push({ name: 'http-proxy', reason: 'dev dependency not installed' });
  const pinningText = pinning
    ? 'proxy on CPU 1; load generator and upstream on CPU 0 (taskset)'
    : `off (${tools.paths.taskset === null ? 'taskset not installed' : `${machine.cores} CPU`}): figures are not comparable with pinned runs`;
  log(`tools: ${Object.entries(tools.versions).map(([name, version]) => `${name} ${version}`).join(', ')}`);
  for (const skip of skipped) log(`skip ${skip.name}: ${skip.reason}`);
  log(`pinning: ${pinningText}`);
  if (pinning) pinSelf();
  if (options.wakegateEntry.endsWith('.ts')) log(`note: wakegate runs from ${options.wakegateEntry} under tsx — development figures, not comparable`);
  if ((machine.loadAverageBefore[0] ?? 0) > 0.5) log(`note: load average ${machine.loadAverageBefore[0]} — the box is busy, figures will be noisier`);

  let throughput: ThroughputReport | null = null;
  let latency: LatencyReport | null = null;
  let latencyBursts: LatencyReport | null = null;
  let routeLookup: RouteLookupReport | null = null;
  let coldStart: ColdStartReport | null = null;
  let kube: KubeReport | null = null;
  let fixture: Fixture | null = null;

  const wantA = options.only.includes('a');
  const wantB = options.only.includes('b');
  if (wantA && tools.paths.wrk === null) skipped.push({ name: 'scenario (a)', reason: 'wrk not installed' });
  const runA = wantA && tools.paths.wrk !== null;
  if (wantB && tools.paths.hey === null) log('(b) hey not installed: bursts measured with the Node fixed-rate client (bench/lib/fixed-rate-client.mjs)');
  if (runA || wantB) {
    log('\nstarting the upstream and the peers…');
    fixture = await startFixture(env, options.peers);
    skipped.push(...fixture.skipped);
    try {
      if (runA && !interrupted) {
        log(`\n(a) throughput: ${options.rounds} round(s) × ${fixture.peers.length} path(s) × (${options.warmupSeconds} s warm-up + ${options.durationSeconds} s)`);
        throughput = await runThroughput(
          env,
          fixture,
          tools.paths.wrk,
          { rounds: options.rounds, durationSeconds: options.durationSeconds, warmupSeconds: options.warmupSeconds, connections: 50 },
          () => interrupted,
        );
      }
      for (const arrivals of ['paced', 'bursts'] as const) {
        if (!wantB || interrupted) break;
        log(
          `\n(b) latency at 1 000 req/s, ${arrivals === 'paced' ? 'evenly spaced arrivals' : "hey's bursts of 10"}: ` +
            `${options.latencyRounds} round(s) × ${fixture.peers.length} path(s) × (${options.warmupSeconds} s warm-up + ${options.latencyDurationSeconds} s)`,
        );
        const report = await runLatency(
          env,
          fixture,
          tools.paths.hey,
          {
            arrivals,
            rounds: options.latencyRounds,
            durationSeconds: options.latencyDurationSeconds,
            warmupSeconds: options.warmupSeconds,
            workers: 10,
            ratePerWorker: 100,
          },
          () => interrupted,
        );
        if (arrivals === 'paced') latency = report;
        else latencyBursts = report;
      }
    } finally {
      await registry.stopAll();
    }
  }

  if (options.only.includes('c') && !interrupted) {
    if (!existsSync(path.join(repoRoot, 'src', 'routing', 'route-table.ts'))) {
      skipped.push({ name: 'scenario (c)', reason: 'route table not present: src/routing/route-table.ts' });
    } else {
      log(`\n(c) route lookup: sizes ${options.routeSizes.join(', ')}, fresh process each`);
      routeLookup = await runRouteLookup(
        env,
        { sizes: options.routeSizes, iterations: options.lookupIterations, repeats: options.lookupRepeats },
        () => interrupted,
      );
    }
  }
  if (options.only.includes('d') && !interrupted) {
    log(`\n(d) cold start: ${options.coldRounds} alternated round(s) by hand / through wakegate; ${options.heldSizes.join(', ')} held request(s) released at once`);
    try {
      const cold = await runColdStart(env, { rounds: options.coldRounds, heldSizes: options.heldSizes, maxConnectionsPerUpstream: options.coldConnections }, () => interrupted);
      if (typeof cold === 'string') {
        skipped.push({ name: 'scenario (d)', reason: cold });
        log(`  skip (d): ${cold}`);
      } else {
        coldStart = cold;
      }
    } finally {
      await registry.stopAll();
    }
  }
  if (options.only.includes('e') && !interrupted) {
    log(`\n(e) Kubernetes provider on the fake API server: ${options.kubeRounds} cold-start round(s), ${options.kubeIdleSeconds} s idle, ${options.kubeNamespaces} namespaces`);
    try {
      const report = await runKube(env, { quick: options.quick, rounds: options.kubeRounds, idleSeconds: options.kubeIdleSeconds, namespaces: options.kubeNamespaces }, () => interrupted);
      if (typeof report === 'string') {
        skipped.push({ name: 'scenario (e)', reason: report });
        log(`  skip (e): ${report}`);
      } else {
        kube = report;
      }
    } finally {
      await registry.stopAll();
    }
  }
  if (interrupted) return;

  const partial: Omit<BenchResults, 'targets'> = {
    schema: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    options,
    machine: { ...machine, pinning: pinningText, loadAverageAfter: os.loadavg().map((value) => Math.round(value * 100) / 100) },
    tools: tools.versions,
    upstream: fixture?.upstreamKind ?? null,
    skipped,
    throughput,
    latency,
    latencyBursts,
    routeLookup,
    coldStart,
    kube,
  };
  const results: BenchResults = { ...partial, targets: evaluateTargets(partial) };
  const markdown = renderMarkdown(results);
  log(`\n${'='.repeat(80)}\n${markdown}\n`);
  if (options.save) {
    const file = writeResults(results, path.join(benchDir, 'results'));
    const readme = path.join(benchDir, 'README.md');
    log(`results: ${path.relative(repoRoot, file)} (and bench/results/latest.json)`);
    log(updateReadme(readme, markdown) ? 'README: bench/README.md table regenerated' : 'README: markers not found in bench/README.md; table not written');
  } else {
    log('--no-save: nothing written');
  }
}

/** Keeps the harness itself (idle while tools run, busy between runs) off the proxy CPU. */
function pinSelf(): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    // not fatal: the harness is idle while measurements run
  }
}

void main().then(
  () => {
    cleanupSync();
    process.exitCode = interrupted ? 130 : 0;
  },
  async (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await registry.stopAll();
    cleanupSync();
    process.exitCode = 1;
  },
);
