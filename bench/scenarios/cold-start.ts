/**
 * Scenario (d): cold start — what wakegate adds while an environment wakes, with wakegate as a real
 * process (lib/cold-fixture.ts) and a local environment whose command is a tiny Node HTTP app
 * (bench/apps/cold-app.mjs). Every time below is read on one clock, `performance.timeOrigin +
 * performance.now()`, by the app (the moment it listens), the clients (first and last response byte)
 * and the harness (spawn, request).
 *
 * 1. Cold-start overhead, alternated rounds: (A) by hand — a launcher in wakegate's place (same CPU)
 *    spawns the same command and connects every millisecond until the app answers; (B) through
 *    wakegate — one request to the sleeping environment. Both from their start (spawn / request) to
 *    the first response byte, and from the app's listening moment to that byte. Overhead =
 *    median(B) − median(A). The environment is put back to sleep through the admin API after each (B);
 *    the launcher stops the app it started.
 * 2. Release latency with N held requests (1, 100, 10 000): the app's start is held back by a gate
 *    file, so the N requests are all held by wakegate (confirmed with `wakegate_held_requests`) before
 *    the app listens; then the gate opens and every request's first byte is compared with the app's
 *    listening moment. Sizes up to 1 000 repeat for every round (one round's requests share one
 *    readiness probe, so one round is one sample of the probe's phase); larger sizes run once.
 * 3. Memory: VmRSS of the wakegate process before the largest size's requests are sent, and while
 *    all of them are held (the largest of three readings 100 ms apart), after the release, and its peak.
 */
import { fileURLToPath } from 'node:url';
import {
  awakeSince,
  clearListenTimes,
  closeGate,
  environmentPhase,
  heldRequests,
  lastStartedApp,
  listenTimes,
  openGate,
  sleepEnvironment,
  startColdFixture,
  stopColdFixture,
  type ColdFixture,
} from '../lib/cold-fixture.js';
import { fmtDelta, fmtInt, fmtMs } from '../lib/format.js';
import { sleep } from '../lib/http-probe.js';
import { COLD_HOST_HEADER, HOST, PORTS } from '../lib/peer-configs.js';
import { childEnv, cpuFor, isPortFree, type BenchEnv } from '../lib/peers.js';
import type { ProcessSpec } from '../lib/processes.js';
import { cpuMs, openFilesLimit, statusMb } from '../lib/proc-status.js';
import { median, round } from '../lib/stats.js';

export interface ColdStartOptions {
  /** Alternated overhead rounds; also the rounds of every held size up to `COLD_SETTINGS.repeatUpTo`. */
  readonly rounds: number;
  readonly heldSizes: readonly number[];
  /** `forward.maxConnectionsPerUpstream` of wakegate (its default: 128). */
  readonly maxConnectionsPerUpstream: number;
}

/** Fixed settings of the scenario (recorded in the results). */
export const COLD_SETTINGS = {
  /** Connects the held client has in flight at once (below wakegate's accept backlog of 511). */
  connectParallel: 256,
  /** Held sizes up to this run every round; larger ones once. */
  repeatUpTo: 1_000,
  /** The by-hand client retries a refused connection after this many ms. */
  byHandRetryMs: 1,
} as const;

/** Open files wakegate needs beyond the held connections and its upstream connections. */
const FD_MARGIN = 256;

export interface Percentiles {
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface ReleaseRound {
  readonly size: number;
  readonly round: number;
  readonly ok: boolean;
  readonly failure: string | null;
  /** Requests wakegate reported held just before the app was let start. */
  readonly held: number | null;
  /** First response byte at the client − the app listening, over the round's requests, ms. */
  readonly firstByteMs: Percentiles | null;
  /** First response byte at the client − wakegate observing the app ready (its probe passing), ms. */
  readonly afterReadyMs: Percentiles | null;
  /** Last complete response − the app listening, ms (null if any request got no complete answer). */
  readonly allAnsweredMs: number | null;
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  /** Every request's first-byte latency, ms (sizes that repeat, up to `repeatUpTo`; null for larger ones). */
  readonly samplesMs: readonly number[] | null;
  /** The same, from wakegate observing readiness. */
  readonly afterReadySamplesMs: readonly number[] | null;
  /** CPU time used from the release until the client had every answer, ms (10 ms ticks). */
  readonly releaseCpuMs: { readonly wakegate: number | null; readonly app: number | null };
}

export interface ReleaseSize {
  readonly size: number;
  readonly okRounds: number;
  readonly failedRounds: number;
  /** Over every request of every successful round. */
  readonly firstByteMs: Percentiles | null;
  /** The same from wakegate observing readiness, over every request of every successful round. */
  readonly afterReadyMs: Percentiles | null;
  /** The slowest successful round's. */
  readonly allAnsweredMs: number | null;
}

export interface HeldMemory {
  /** Requests held when `heldMb` was read. */
  readonly held: number;
  readonly beforeMb: number | null;
  readonly heldMb: number | null;
  readonly growthMb: number | null;
  readonly afterReleaseMb: number | null;
  /** VmHWM: the peak RSS of the wakegate process since it started. */
  readonly peakMb: number | null;
}

export type OverheadPath = 'by hand' | 'wakegate';

export interface OverheadRun {
  readonly round: number;
  readonly path: OverheadPath;
  readonly ok: boolean;
  readonly failure: string | null;
  /** Spawn (by hand) or request (wakegate) → first response byte, ms. */
  readonly totalMs: number | null;
  /** Spawn or request → the app listening, ms. */
  readonly untilListenMs: number | null;
  /** The app listening → first response byte, ms. */
  readonly afterListenMs: number | null;
  /** Connection attempts until one was accepted (by hand; 1 through wakegate). */
  readonly attempts: number;
}

export interface OverheadMedians {
  readonly totalMs: number | null;
  readonly untilListenMs: number | null;
  readonly afterListenMs: number | null;
  readonly okRuns: number;
  readonly failedRuns: number;
}

export interface ColdStartReport {
  readonly options: ColdStartOptions;
  readonly settings: typeof COLD_SETTINGS & {
    /** `wake.maxHeldPerEnvironment` and `wake.maxHeldTotal`. */
    readonly maxHeld: number;
    readonly appCommand: readonly string[];
    readonly readiness: 'tcp';
    readonly openFilesLimit: { readonly soft: number; readonly hard: number } | null;
  };
  readonly release: readonly ReleaseSize[];
  readonly releaseRounds: readonly ReleaseRound[];
  readonly memory: HeldMemory | null;
  /** Held sizes not run, with the reason (the open-files limit). */
  readonly skippedSizes: readonly { readonly size: number; readonly reason: string }[];
  readonly overheadRuns: readonly OverheadRun[];
  readonly overhead: {
    readonly byHand: OverheadMedians;
    readonly wakegate: OverheadMedians;
    /** median wakegate totalMs − median by-hand totalMs. */
    readonly overheadMs: number | null;
    /** median wakegate afterListenMs − median by-hand afterListenMs. */
    readonly afterListenOverheadMs: number | null;
  };
  readonly failures: readonly { readonly part: string; readonly reason: string }[];
}

const COLD_CLIENT = fileURLToPath(new URL('../lib/cold-client.mjs', import.meta.url));

/** Runs the scenario; a string is why it could not run at all (wakegate not built, a port taken). */
export async function runColdStart(env: BenchEnv, options: ColdStartOptions, interrupted: () => boolean): Promise<ColdStartReport | string> {
  const limit = openFilesLimit();
  const failures: { part: string; reason: string }[] = [];
  const wanted = [...new Set(options.heldSizes)].sort((a, b) => a - b);
  const sizes = wanted.filter((size) => limit === null || size + options.maxConnectionsPerUpstream + FD_MARGIN <= limit.hard);
  const skippedSizes = wanted
    .filter((size) => !sizes.includes(size))
    .map((size) => ({ size, reason: `the hard open-files limit (${limit?.hard}) is below the ${size + options.maxConnectionsPerUpstream + FD_MARGIN} wakegate needs for it` }));
  for (const skip of skippedSizes) env.log(`  skip (d) held ${skip.size}: ${skip.reason}`);
  const largest = sizes[sizes.length - 1] ?? 1;
  const maxHeld = Math.max(10_000, 2 * largest);
  const fixture = await startColdFixture(env, {
    maxHeld,
    maxConnectionsPerUpstream: options.maxConnectionsPerUpstream,
  });
  if (typeof fixture === 'string') return fixture;
  env.log(
    `  wakegate ready (pid ${fixture.wakegate.pid}); wake.maxHeld* ${fmtInt(maxHeld)}, forward.maxConnectionsPerUpstream ${options.maxConnectionsPerUpstream}; ` +
      `open files ${limit === null ? 'unknown' : `${limit.soft} (hard ${limit.hard})`}`,
  );

  const overheadRuns: OverheadRun[] = [];
  const releaseRounds: ReleaseRound[] = [];
  let memory: HeldMemory | null = null;
  const alive = (): boolean => {
    if (fixture.wakegate.running) return true;
    if (!failures.some((f) => f.part === 'wakegate')) failures.push({ part: 'wakegate', reason: `the wakegate process exited: ${fixture.wakegate.outputTail(3)}` });
    return false;
  };
  try {
    env.log('  (d) warm-up: one start by hand, one through wakegate (not recorded)');
    await byHand(env, fixture, 0);
    await throughWakegate(env, fixture, 0);

    for (let roundNo = 1; roundNo <= options.rounds && !interrupted() && alive(); roundNo++) {
      const order: OverheadPath[] = roundNo % 2 === 1 ? ['by hand', 'wakegate'] : ['wakegate', 'by hand'];
      for (const path of order) {
        const run = path === 'by hand' ? await byHand(env, fixture, roundNo) : await throughWakegate(env, fixture, roundNo);
        overheadRuns.push(run);
        const label = `  (d) round ${roundNo}/${options.rounds} ${path.padEnd(8)}`;
        const start = path === 'by hand' ? 'spawn' : 'request';
        env.log(
          run.ok
            ? `${label} ${start} → first byte ${fmtMs(run.totalMs)} ms  (→ listening ${fmtMs(run.untilListenMs)} ms, listening → first byte ${fmtMs(run.afterListenMs)} ms${path === 'by hand' ? `, ${run.attempts} connects` : ''})`
            : `${label} FAILED: ${run.failure}`,
        );
      }
    }

    for (const size of sizes) {
      const rounds = size <= COLD_SETTINGS.repeatUpTo ? options.rounds : 1;
      for (let roundNo = 1; roundNo <= rounds && !interrupted() && alive(); roundNo++) {
        const measureMemory = size === largest && roundNo === 1;
        const { run, memory: measured } = await releaseRound(env, fixture, size, roundNo, measureMemory);
        releaseRounds.push(run);
        if (measured !== null) memory = measured;
        const label = `  (d) held ${fmtInt(size).padStart(6)}, round ${roundNo}/${rounds}`;
        const f = run.firstByteMs;
        const memoryText =
          measured === null ? '' : `  RSS ${fmtMs(measured.beforeMb, 1)} → ${fmtMs(measured.heldMb, 1)} MB held (${fmtDelta(measured.growthMb, 1)}), ${fmtMs(measured.afterReleaseMb, 1)} MB after`;
        env.log(
          run.ok && f !== null
            ? `${label}: first byte after listening p50 ${fmtMs(f.p50)} ms  p99 ${fmtMs(f.p99)} ms  max ${fmtMs(f.max)} ms; after ready observed p50 ${fmtMs(run.afterReadyMs?.p50 ?? null)} ms; all answered ${fmtMs(run.allAnsweredMs)} ms` +
              `${size > COLD_SETTINGS.repeatUpTo ? `  (CPU: wakegate ${fmtInt(run.releaseCpuMs.wakegate)} ms, app ${fmtInt(run.releaseCpuMs.app)} ms)` : ''}${memoryText}`
            : `${label} FAILED: ${run.failure}${memoryText}`,
        );
      }
    }
  } finally {
    await stopColdFixture(env, fixture);
  }

  for (const run of overheadRuns.filter((r) => !r.ok)) failures.push({ part: `round ${run.round} ${run.path}`, reason: run.failure ?? 'failed' });
  for (const run of releaseRounds.filter((r) => !r.ok)) failures.push({ part: `held ${run.size} round ${run.round}`, reason: run.failure ?? 'failed' });
  const byHandMedians = overheadMedians(overheadRuns, 'by hand');
  const wakegateMedians = overheadMedians(overheadRuns, 'wakegate');
  const difference = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : round(a - b, 2));
  return {
    options,
    settings: { ...COLD_SETTINGS, maxHeld, appCommand: fixture.appCommand, readiness: 'tcp', openFilesLimit: limit },
    release: wanted.filter((size) => sizes.includes(size)).map((size) => releaseSize(size, releaseRounds)),
    releaseRounds,
    memory,
    skippedSizes,
    overheadRuns,
    overhead: {
      byHand: byHandMedians,
      wakegate: wakegateMedians,
      overheadMs: difference(wakegateMedians.totalMs, byHandMedians.totalMs),
      afterListenOverheadMs: difference(wakegateMedians.afterListenMs, byHandMedians.afterListenMs),
    },
    failures,
  };
}

/** (A): a launcher on wakegate's CPU spawns the app, connects every millisecond until it answers, stops it. */
async function byHand(env: BenchEnv, fixture: ColdFixture, roundNo: number): Promise<OverheadRun> {
  openGate(fixture);
  clearListenTimes(fixture);
  if (!(await isPortFree(PORTS.coldApp))) return overheadFailure(roundNo, 'by hand', `port ${PORTS.coldApp} of the app is still in use`);
  const deadlineMs = 10_000;
  const spec: ProcessSpec = {
    name: 'cold start by hand',
    command: process.execPath,
    args: [COLD_CLIENT, 'by-hand', HOST, String(PORTS.coldApp), COLD_HOST_HEADER, String(COLD_SETTINGS.byHandRetryMs), String(deadlineMs), ...fixture.appCommand],
    env: { ...childEnv(), ...fixture.appEnv },
    cpu: cpuFor(env, 'proxy'),
  };
  const doc = await runClient<ByHandDocument>(env, spec, deadlineMs + 5_000);
  if (typeof doc === 'string') return overheadFailure(roundNo, 'by hand', doc);
  return overheadRun(roundNo, 'by hand', doc, listenTimes(fixture));
}

/** (B): one request to the sleeping environment; then back to sleep through the admin API. */
async function throughWakegate(env: BenchEnv, fixture: ColdFixture, roundNo: number): Promise<OverheadRun> {
  openGate(fixture);
  clearListenTimes(fixture);
  const asleep = await ensureAsleep();
  if (asleep !== null) return overheadFailure(roundNo, 'wakegate', asleep);
  const deadlineMs = 20_000;
  const doc = await runClient<HeldDocument>(env, heldClientSpec(env, 1, deadlineMs), deadlineMs + 5_000);
  const listened = listenTimes(fixture);
  const slept = await sleepEnvironment();
  if (typeof doc === 'string') return overheadFailure(roundNo, 'wakegate', doc);
  const status = Object.keys(doc.statuses)[0] ?? null;
  const run = overheadRun(
    roundNo,
    'wakegate',
    { startedAt: doc.startedAt, firstByteAt: doc.firstByteAt[0] ?? null, doneAt: doc.doneAt[0] ?? null, status, attempts: 1, error: doc.errors > 0 ? doc.errorSamples.join('; ') : null },
    listened,
  );
  if (run.ok && slept !== null) return { ...run, ok: false, failure: `could not put the environment back to sleep: ${slept}` };
  return run;
}

/** What `cold-client.mjs by-hand` prints. */
interface ByHandDocument {
  readonly startedAt: number;
  readonly firstByteAt: number | null;
  readonly doneAt: number | null;
  readonly status: string | null;
  readonly attempts: number;
  readonly error: string | null;
}

/** What `cold-client.mjs held` prints. */
interface HeldDocument {
  readonly count: number;
  readonly sent: number;
  readonly startedAt: number;
  readonly firstByteAt: readonly (number | null)[];
  readonly doneAt: readonly (number | null)[];
  readonly statuses: Record<string, number>;
  readonly errors: number;
  readonly errorSamples: readonly string[];
}

function heldClientSpec(env: BenchEnv, count: number, deadlineMs: number): ProcessSpec {
  return {
    name: `held client (${count})`,
    command: process.execPath,
    args: [COLD_CLIENT, 'held', HOST, String(PORTS.coldWakegate), COLD_HOST_HEADER, String(count), String(COLD_SETTINGS.connectParallel), String(deadlineMs)],
    env: childEnv(),
    cpu: cpuFor(env, 'load'),
  };
}

/** Runs a client to its end and parses its document; a string says why there is none. */
async function runClient<T>(env: BenchEnv, spec: ProcessSpec, timeoutMs: number): Promise<T | string> {
  return parseClient<T>(await env.registry.run(spec, timeoutMs), spec.name);
}

function parseClient<T>(result: { stdout: string; stderr: string; code: number | null; signal: string | null; timedOut: boolean }, name: string): T | string {
  if (result.timedOut) return `the ${name} did not finish in time (killed)`;
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    return `the ${name} printed no result (${result.signal ?? `code ${result.code ?? '?'}`}): ${result.stderr.trim().split('\n').slice(-2).join(' ')}`;
  }
}

function overheadRun(roundNo: number, path: OverheadPath, doc: ByHandDocument, listened: { at: number }[]): OverheadRun {
  const problem =
    doc.error ??
    (doc.status !== '200'
      ? `answered ${doc.status ?? 'nothing'}`
      : listened.length !== 1
        ? `the app recorded ${listened.length} listening moments, expected 1`
        : null);
  const { firstByteAt, startedAt } = doc;
  const listenAt = listened[0]?.at ?? null;
  if (problem !== null || firstByteAt === null || listenAt === null) return { ...overheadFailure(roundNo, path, problem ?? 'no response byte'), attempts: doc.attempts };
  return {
    round: roundNo,
    path,
    ok: true,
    failure: null,
    totalMs: round(firstByteAt - startedAt, 2),
    untilListenMs: round(listenAt - startedAt, 2),
    afterListenMs: round(firstByteAt - listenAt, 2),
    attempts: doc.attempts,
  };
}

function overheadFailure(roundNo: number, path: OverheadPath, reason: string): OverheadRun {
  return { round: roundNo, path, ok: false, failure: reason, totalMs: null, untilListenMs: null, afterListenMs: null, attempts: 0 };
}

function overheadMedians(runs: readonly OverheadRun[], path: OverheadPath): OverheadMedians {
  const mine = runs.filter((run) => run.path === path);
  const ok = mine.filter((run) => run.ok);
  const med = (values: (number | null)[]): number | null => {
    const value = median(values);
    return value === null ? null : round(value, 2);
  };
  return {
    totalMs: med(ok.map((run) => run.totalMs)),
    untilListenMs: med(ok.map((run) => run.untilListenMs)),
    afterListenMs: med(ok.map((run) => run.afterListenMs)),
    okRuns: ok.length,
    failedRuns: mine.length - ok.length,
  };
}

/** One round of `size` held requests released at once; with the memory readings when asked. */
async function releaseRound(
  env: BenchEnv,
  fixture: ColdFixture,
  size: number,
  roundNo: number,
  measureMemory: boolean,
): Promise<{ run: ReleaseRound; memory: HeldMemory | null }> {
  const failed = (reason: string, extra: Partial<ReleaseRound> = {}): ReleaseRound => ({
    size,
    round: roundNo,
    ok: false,
    failure: reason,
    held: null,
    firstByteMs: null,
    afterReadyMs: null,
    allAnsweredMs: null,
    statuses: {},
    errors: 0,
    errorSamples: [],
    samplesMs: null,
    afterReadySamplesMs: null,
    releaseCpuMs: { wakegate: null, app: null },
    ...extra,
  });
  const asleep = await ensureAsleep();
  if (asleep !== null) return { run: failed(asleep), memory: null };
  clearListenTimes(fixture);
  closeGate(fixture);
  const pid = fixture.wakegate.pid;
  const beforeMb = measureMemory ? statusMb(pid, 'VmRSS') : null;

  // The client's own deadline covers connecting, holding and the answers; the harness's kill is later.
  const deadlineMs = 15_000 + 2 * size;
  let clientEnded = false;
  const client = env.registry.run(heldClientSpec(env, size, deadlineMs), deadlineMs + 10_000).finally(() => {
    clientEnded = true;
  });

  let held = 0;
  const holdUntil = Date.now() + deadlineMs - 8_000;
  while (Date.now() < holdUntil && !clientEnded && fixture.wakegate.running) {
    held = (await heldRequests()) ?? held;
    if (held >= size) break;
    await sleep(20);
  }
  let heldMb: number | null = null;
  if (measureMemory && held >= size) {
    for (let i = 0; i < 3; i++) {
      if (i > 0) await sleep(100);
      const reading = statusMb(pid, 'VmRSS');
      if (reading !== null) heldMb = Math.max(heldMb ?? 0, reading);
    }
  }
  const appPid = lastStartedApp(fixture);
  const cpuBefore = { wakegate: cpuMs(pid), app: appPid === null ? null : cpuMs(appPid) };
  openGate(fixture);
  const result = await client;
  const cpuAfter = { wakegate: cpuMs(pid), app: appPid === null ? null : cpuMs(appPid) };
  const used = (before: number | null, after: number | null): number | null => (before === null || after === null ? null : after - before);
  const releaseCpuMs = { wakegate: used(cpuBefore.wakegate, cpuAfter.wakegate), app: used(cpuBefore.app, cpuAfter.app) };
  const listened = listenTimes(fixture);
  const afterReleaseMb = measureMemory ? statusMb(pid, 'VmRSS') : null;
  const peakMb = measureMemory ? statusMb(pid, 'VmHWM') : null;
  const memory: HeldMemory | null = measureMemory
    ? { held, beforeMb, heldMb, growthMb: heldMb === null || beforeMb === null ? null : round(heldMb - beforeMb, 1), afterReleaseMb, peakMb }
    : null;
  const readyAt = await awakeSince();
  const slept = await sleepEnvironment();

  const doc = parseClient<HeldDocument>(result, `held client (${size})`);
  if (typeof doc === 'string') return { run: failed(doc, { held, releaseCpuMs }), memory };
  const listenAt = listened.length === 1 ? (listened[0]?.at ?? null) : null;
  const latencies: number[] = [];
  for (const at of doc.firstByteAt) if (at !== null && listenAt !== null) latencies.push(at - listenAt);
  const afterReady: number[] = [];
  for (const at of doc.firstByteAt) if (at !== null && readyAt !== null) afterReady.push(at - readyAt);
  const done = doc.doneAt.filter((at): at is number => at !== null);
  const allAnsweredMs = listenAt !== null && done.length === size ? round(Math.max(...done) - listenAt, 2) : null;
  const badStatuses = Object.entries(doc.statuses).filter(([code]) => code !== '200');
  const problems: string[] = [];
  if (held < size) problems.push(`only ${held} of ${size} requests were held before the release`);
  if (listened.length !== 1) problems.push(`the app recorded ${listened.length} listening moments, expected 1`);
  if (doc.errors > 0) problems.push(`${doc.errors} request error(s): ${doc.errorSamples.join('; ')}`);
  if (badStatuses.length > 0) problems.push(`non-200 responses: ${badStatuses.map(([code, n]) => `${n}×${code}`).join(', ')}`);
  if (done.length !== size) problems.push(`${size - done.length} of ${size} requests got no complete answer`);
  if (latencies.some((ms) => ms < 0)) problems.push('a response arrived before the app listened');
  if (slept !== null) problems.push(`could not put the environment back to sleep: ${slept}`);
  const run: ReleaseRound = {
    size,
    round: roundNo,
    ok: problems.length === 0,
    failure: problems.length === 0 ? null : problems.join('; '),
    held,
    firstByteMs: percentiles(latencies),
    afterReadyMs: percentiles(afterReady),
    allAnsweredMs,
    statuses: doc.statuses,
    errors: doc.errors,
    errorSamples: doc.errorSamples,
    samplesMs: size <= COLD_SETTINGS.repeatUpTo ? latencies.map((ms) => round(ms, 3)) : null,
    afterReadySamplesMs: size <= COLD_SETTINGS.repeatUpTo ? afterReady.map((ms) => round(ms, 3)) : null,
    releaseCpuMs,
  };
  return { run, memory };
}

function releaseSize(size: number, rounds: readonly ReleaseRound[]): ReleaseSize {
  const mine = rounds.filter((run) => run.size === size);
  const ok = mine.filter((run) => run.ok);
  const all: number[] = [];
  const allAfterReady: number[] = [];
  for (const run of ok) {
    if (run.samplesMs !== null) all.push(...run.samplesMs);
    if (run.afterReadySamplesMs !== null) allAfterReady.push(...run.afterReadySamplesMs);
  }
  // Sizes above `repeatUpTo` run once and keep no samples: that round gives its own percentiles.
  const pooled = ok.every((run) => run.samplesMs !== null) ? percentiles(all) : ok.length === 1 ? (ok[0]?.firstByteMs ?? null) : null;
  const pooledAfterReady = ok.every((run) => run.afterReadySamplesMs !== null) ? percentiles(allAfterReady) : ok.length === 1 ? (ok[0]?.afterReadyMs ?? null) : null;
  const answered = ok.map((run) => run.allAnsweredMs).filter((ms): ms is number => ms !== null);
  return {
    size,
    okRounds: ok.length,
    failedRounds: mine.length - ok.length,
    firstByteMs: pooled,
    afterReadyMs: pooledAfterReady,
    allAnsweredMs: answered.length === 0 ? null : Math.max(...answered),
  };
}

/** Nearest-rank percentiles, ms to 0.01; null for no values. */
function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number, 2);
  return { min: at(0), p50: at(50), p90: at(90), p99: at(99), max: round(sorted[sorted.length - 1] as number, 2) };
}

/** Null when the environment is asleep (put to sleep if it was not), else why it is not. */
async function ensureAsleep(): Promise<string | null> {
  const phase = await environmentPhase();
  if (phase === 'asleep') return null;
  return sleepEnvironment();
}
