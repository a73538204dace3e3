/**
 * Scenario (e): the Kubernetes provider, against the fake API server of the tests (test/kube/) run in
 * this process, with its simulated kubelet. wakegate runs as a real process (`dist/cli.js serve`) on
 * the proxy CPU with `provider: kubernetes`, `mode: direct`.
 *
 * 1. Cold-start overhead: one namespace (one Deployment, Service, Ingress), pods ready the moment their
 *    process listens (start delay 0). Each round puts it to sleep, then sends one request and takes,
 *    on the clock all processes here share (`performance.timeOrigin + performance.now()`), the moment
 *    the EndpointSlice gains a ready endpoint (the store's change event), the moment the request
 *    reaches the pod (the pod app reports it) and the moment the response head reaches the client.
 *    Slice ready → request at the pod is what wakegate adds once Kubernetes says ready: watch
 *    delivery, readiness check, release, connect and forward. Also counted: the API requests wakegate
 *    made during the round (the fake's request log), i.e. per wake.
 * 2. API load while idle: requests wakegate makes in `idleSeconds` with no traffic, per hour.
 * 3. Scale: a second wakegate against `namespaces` enabled namespaces × 3 workloads (2 Deployments and
 *    a StatefulSet, each with a Service; one Ingress each), all asleep, kubelet without processes:
 *    time from spawn to `/readyz` 200 (the first full sync) and its RSS after the sync.
 * 4. Warm path with those namespaces loaded: both wakegates also serve one static environment
 *    (`hello.bench` → an nginx hello upstream on the load CPU); `wrk -t1 -c50` alternates between the
 *    one with a single namespace and the one with thousands, as in (a).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { Store, startFakeApiServer, type Change, type FakeApiServer } from '../../test/kube/fake-api/index.js';
import { environmentObjects, createAll } from '../../test/kube/fixtures/index.js';
import { startSimulatedKubelet } from '../../test/kube/kubelet/index.js';
import { waitForStatus, sleep } from '../lib/http-probe.js';
import { HOST } from '../lib/peer-configs.js';
import { childEnv, cpuFor, isPortFree, startUpstream, type BenchEnv } from '../lib/peers.js';
import { median } from '../lib/stats.js';
import { runWrk } from '../lib/wrk.js';
import { statusMb } from '../lib/proc-status.js';
import type { ManagedProcess } from '../lib/processes.js';

export interface KubeOptions {
  readonly quick: boolean;
  readonly rounds: number;
  readonly idleSeconds: number;
  readonly namespaces: number;
}

export interface KubeReport {
  readonly options: KubeOptions;
  readonly cold: {
    /**
     * Per round, ms: EndpointSlice ready → request at the pod (the overhead), → response head at the
     * client, and request sent → response head (the whole cold start).
     */
    readonly rounds: readonly { readonly overheadMs: number; readonly toClientMs: number; readonly endToEndMs: number; readonly apiRequests: number }[];
    readonly p50OverheadMs: number | null;
    readonly p50ToClientMs: number | null;
    readonly maxOverheadMs: number | null;
    readonly p50EndToEndMs: number | null;
    readonly apiRequestsPerWake: number | null;
    /** Requests of the median round, by method and path kind (`PUT …/scale`, …). */
    readonly apiRequestsOfOneWake: Readonly<Record<string, number>>;
  };
  readonly idle: { readonly seconds: number; readonly requests: number; readonly perHour: number; readonly byKind: Readonly<Record<string, number>> } | null;
  readonly scale: { readonly namespaces: number; readonly workloads: number; readonly syncMs: number; readonly rssMb: number | null } | null;
  /** Median req/s of the static route through each wakegate, alternated rounds; null without wrk. */
  readonly warm: { readonly rounds: number; readonly durationSeconds: number; readonly small: number | null; readonly large: number | null; readonly ratio: number | null } | null;
  readonly failures: readonly string[];
}

const PORTS = { small: 18_100, smallAdmin: 19_100, large: 18_101, largeAdmin: 19_101, upstream: 19_020 } as const;
const WARM_ROUNDS = 3;
const HOSTNAME = 'kube.bench';

export async function runKube(env: BenchEnv, options: KubeOptions, interrupted: () => boolean): Promise<KubeReport | string> {
  for (const port of Object.values(PORTS)) if (!(await isPortFree(port))) return `port ${port} is already in use by another process`;
  const failures: string[] = [];
  const dir = mkdtempSync(path.join(env.tmpDir, 'kube-'));
  const store = new Store();
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wakegate' } });
  createAll(store, environmentObjects({ name: 'bench', workloads: [{ name: 'web', replicas: 0, sleepReplicas: 1 }], ingress: { host: HOSTNAME } }));
  const api = await startFakeApiServer({ store });
  const kubelet = startSimulatedKubelet(store, { startDelayMs: 0 });
  const kubeconfig = api.writeKubeconfig(dir);
  let wakegate: ManagedProcess | null = null;
  const upstream = await startUpstream(env, 'kube upstream', PORTS.upstream, cpuFor(env, 'load'));
  if (typeof upstream === 'string') return `the upstream did not start: ${upstream}`;
  try {
    const started = await startWakegate(env, dir, kubeconfig, 'small');
    if (typeof started === 'string') return started;
    wakegate = started;
    const cold = await coldRounds(env, store, api, options.rounds, failures, interrupted);
    let idle: KubeReport['idle'] = null;
    if (!interrupted() && options.idleSeconds > 0) {
      env.log(`  (e) idle: ${options.idleSeconds} s without traffic`);
      const from = api.requests.length;
      await sleep(options.idleSeconds * 1_000);
      const seen = api.requests.slice(from);
      idle = { seconds: options.idleSeconds, requests: seen.length, perHour: Math.round((seen.length * 3_600) / options.idleSeconds), byKind: countByKind(seen) };
    }
    await kubelet.close();
    let warm: KubeReport['warm'] = null;
    const small = wakegate;
    const scale = interrupted()
      ? null
      : await scaleRun(env, dir, options.namespaces, failures, async (large) => {
          warm = await warmRounds(env, small, large, options.quick, interrupted);
        });
    return { options, cold, idle, scale, warm, failures };
  } finally {
    if (wakegate !== null) await env.registry.stop(wakegate);
    await env.registry.stop(upstream);
    await kubelet.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startWakegate(env: BenchEnv, dir: string, kubeconfig: string, which: 'small' | 'large'): Promise<ManagedProcess | string> {
  const cli = path.resolve(env.repoRoot, env.wakegateEntry);
  const port = which === 'small' ? PORTS.small : PORTS.large;
  const admin = which === 'small' ? PORTS.smallAdmin : PORTS.largeAdmin;
  const config = path.join(dir, `wakegate-${which}.yaml`);
  writeFileSync(
    config,
    stringify({
      listen: `${HOST}:${port}`,
      admin: { listen: `${HOST}:${admin}` },
      log: { level: 'warn' },
      provider: 'kubernetes',
      wake: { timeout: '30s' },
      sleep: { idleAfter: '2h', checkEvery: '1m' },
      environments: [{ name: 'hello', hosts: ['hello.bench'], upstream: `http://${HOST}:${PORTS.upstream}` }],
      kubernetes: { mode: 'direct', kubeconfig, leaseNamespace: 'wakegate', identity: `bench-${which}` },
    }),
  );
  const loader = cli.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const started = env.registry.start({ name: `wakegate (kube, ${which})`, command: process.execPath, args: [...loader, cli, 'serve', '--config', config], env: childEnv(), cwd: env.repoRoot, cpu: cpuFor(env, 'proxy') });
  const problem = await waitForStatus(`http://${HOST}:${admin}/readyz`, { timeoutMs: 120_000, process: started });
  if (problem !== null) {
    await env.registry.stop(started);
    return `wakegate (${which}) did not become ready: ${problem}`;
  }
  return started;
}

async function coldRounds(env: BenchEnv, store: Store, api: FakeApiServer, rounds: number, failures: string[], interrupted: () => boolean): Promise<KubeReport['cold']> {
  const results: { overheadMs: number; toClientMs: number; endToEndMs: number; apiRequests: number; byKind: Record<string, number> }[] = [];
  let sliceReadyAt: number | null = null;
  const unsubscribe = store.subscribe((change: Change) => {
    if (change.resource !== 'endpointslices' || sliceReadyAt !== null) return;
    const endpoints = (change.object as { endpoints?: { conditions?: { ready?: boolean } }[] | null }).endpoints ?? [];
    if (endpoints.some((e) => e.conditions?.ready !== false)) sliceReadyAt = now();
  });
  try {
    for (let round = 1; round <= rounds && !interrupted(); round++) {
      const asleep = await putToSleep(store);
      if (asleep !== null) {
        failures.push(`(e) round ${round}: ${asleep}`);
        continue;
      }
      sliceReadyAt = null;
      const from = api.requests.length;
      const sent = now();
      const head = await firstResponse(`http://${HOST}:${PORTS.small}/`, HOSTNAME);
      if (typeof head === 'string' || sliceReadyAt === null) {
        failures.push(`(e) round ${round}: ${typeof head === 'string' ? head : 'no ready EndpointSlice was seen'}`);
        continue;
      }
      const seen = api.requests.slice(from);
      const overheadMs = round2(head.receivedAt - sliceReadyAt);
      const toClientMs = round2(head.at - sliceReadyAt);
      results.push({ overheadMs, toClientMs, endToEndMs: round2(head.at - sent), apiRequests: seen.length, byKind: countByKind(seen) });
      env.log(`  (e) round ${round}/${rounds} ready EndpointSlice → request at the pod ${overheadMs} ms, → first byte at the client ${toClientMs} ms (whole cold start ${round2(head.at - sent)} ms, ${seen.length} API requests)`);
    }
  } finally {
    unsubscribe();
  }
  const sorted = [...results].sort((a, b) => a.overheadMs - b.overheadMs);
  const byRequests = [...results].sort((a, b) => a.apiRequests - b.apiRequests);
  const middle = byRequests[Math.floor(byRequests.length / 2)];
  return {
    rounds: results.map(({ overheadMs, toClientMs, endToEndMs, apiRequests }) => ({ overheadMs, toClientMs, endToEndMs, apiRequests })),
    p50OverheadMs: percentile(sorted.map((r) => r.overheadMs), 50),
    p50ToClientMs: percentile([...results.map((r) => r.toClientMs)].sort((a, b) => a - b), 50),
    maxOverheadMs: sorted.at(-1)?.overheadMs ?? null,
    p50EndToEndMs: percentile([...results.map((r) => r.endToEndMs)].sort((a, b) => a - b), 50),
    apiRequestsPerWake: middle?.apiRequests ?? null,
    apiRequestsOfOneWake: middle?.byKind ?? {},
  };
}

/** Sleeps the namespace through wakegate's admin API and waits until no pod is left and wakegate says asleep. */
async function putToSleep(store: Store): Promise<string | null> {
  const status = await post(`http://${HOST}:${PORTS.smallAdmin}/api/v1/environments/bench/sleep`);
  if (status !== 200) return `the admin sleep answered ${status}`;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const slices = store.list('endpointslices', 'bench') as { endpoints?: unknown[] | null }[];
    if (store.list('pods', 'bench').length === 0 && slices.every((s) => (s.endpoints ?? []).length === 0)) {
      await sleep(200); // let wakegate see the last changes
      return null;
    }
    await sleep(20);
  }
  return 'the pods did not go away within 15 s';
}

async function scaleRun(env: BenchEnv, dir: string, namespaces: number, failures: string[], whileLoaded: (large: ManagedProcess) => Promise<void>): Promise<KubeReport['scale']> {
  env.log(`  (e) scale: ${namespaces} namespaces × 3 workloads, asleep`);
  const store = new Store({ historyLimit: 10_000 });
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wakegate' } });
  for (let i = 0; i < namespaces; i++) {
    createAll(
      store,
      environmentObjects({
        name: `env-${i}`,
        workloads: [
          { name: 'web', replicas: 0, sleepReplicas: 2, wakeOrder: 1 },
          { name: 'api', replicas: 0, sleepReplicas: 1, wakeOrder: 1 },
          { name: 'db', kind: 'StatefulSet', replicas: 0, sleepReplicas: 1, wakeOrder: 0 },
        ],
        ingress: { host: `env-${i}.preview.bench` },
      }),
    );
  }
  const api = await startFakeApiServer({ store });
  const kubelet = startSimulatedKubelet(store, { processes: false });
  await kubelet.whenIdle();
  const kubeconfig = api.writeKubeconfig(dir);
  const started = performance.now();
  const wakegate = await startWakegate(env, dir, kubeconfig, 'large');
  try {
    if (typeof wakegate === 'string') {
      failures.push(`(e) scale: ${wakegate}`);
      return null;
    }
    const syncMs = Math.round(performance.now() - started);
    await sleep(1_000);
    const rssMb = statusMb(wakegate.pid, 'VmRSS');
    env.log(`  (e) scale: synced in ${syncMs} ms (spawn → /readyz 200), RSS ${rssMb ?? '?'} MB`);
    await whileLoaded(wakegate);
    return { namespaces, workloads: namespaces * 3, syncMs, rssMb };
  } finally {
    if (typeof wakegate !== 'string') await env.registry.stop(wakegate);
    await kubelet.close();
    await api.close();
  }
}

/** The shared clock of this machine's processes (the pod app reports `receivedAt` on it). */
function now(): number {
  return performance.timeOrigin + performance.now();
}

/** `wrk -t1 -c50` on the static route, alternating the two wakegates; medians of the successful runs. */
async function warmRounds(env: BenchEnv, small: ManagedProcess, large: ManagedProcess, quick: boolean, interrupted: () => boolean): Promise<KubeReport['warm']> {
  const wrk = env.tools.paths.wrk;
  if (wrk === null) return null;
  const durationSeconds = quick ? 2 : 5;
  const runs: Record<'small' | 'large', number[]> = { small: [], large: [] };
  for (let round = 1; round <= WARM_ROUNDS && !interrupted(); round++) {
    for (const [which, port, proc] of [['small', PORTS.small, small], ['large', PORTS.large, large]] as const) {
      if (!proc.running) continue;
      const load = { url: `http://${HOST}:${port}/`, hostHeader: 'hello.bench', connections: 50, cpu: cpuFor(env, 'load') };
      await runWrk(env.registry, wrk, { ...load, durationSeconds: 1 });
      const result = await runWrk(env.registry, wrk, { ...load, durationSeconds });
      if (result.ok && result.requestsPerSecond !== null) runs[which].push(result.requestsPerSecond);
      env.log(`  (e) warm round ${round}/${WARM_ROUNDS} ${which === 'small' ? '1 namespace    ' : 'many namespaces'} ${result.ok ? `${Math.round(result.requestsPerSecond ?? 0)} req/s` : `FAILED: ${result.failure ?? '?'}`}`);
    }
  }
  const smallRps = median(runs.small);
  const largeRps = median(runs.large);
  return {
    rounds: WARM_ROUNDS,
    durationSeconds,
    small: smallRps === null ? null : Math.round(smallRps),
    large: largeRps === null ? null : Math.round(largeRps),
    ratio: smallRps === null || largeRps === null ? null : Math.round((largeRps / smallRps) * 100) / 100,
  };
}

function firstResponse(url: string, host: string): Promise<{ at: number; receivedAt: number } | string> {
  return new Promise((resolve) => {
    const req = request(url, { headers: { host }, timeout: 30_000 }, (res) => {
      const at = now();
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve(`status ${res.statusCode ?? '?'}`);
        try {
          const { receivedAt } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { receivedAt?: unknown };
          resolve(typeof receivedAt === 'number' ? { at, receivedAt } : 'the pod did not say when the request reached it');
        } catch {
          resolve('the answer was not the pod app\'s JSON');
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (err) => resolve(err.message));
    req.end();
  });
}

function post(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', timeout: 20_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** `GET deployments?watch`, `PUT deployments/scale`, … — method and resource path without names. */
function countByKind(requests: readonly { method: string; path: string; query: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) {
    const parts = r.path.split('/').filter(Boolean);
    const at = parts.lastIndexOf('namespaces');
    const tail = at >= 0 && parts.length > at + 2 ? parts.slice(at + 2) : at >= 0 ? ['namespaces'] : parts.slice(-1);
    const resource = tail.length >= 3 ? `${tail[0]}/${tail[2]}` : (tail[0] ?? '?');
    const key = `${r.method} ${resource}${r.query.includes('watch=') ? '?watch' : ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
