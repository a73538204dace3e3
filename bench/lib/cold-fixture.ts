/**
 * The fixture of scenario (d): wakegate as a real process (`node dist/cli.js serve --config FILE`) with
 * one local environment whose command is `bench/apps/cold-app.mjs`, plus what the scenario needs around
 * it: the app's listening moments (a file the app appends to), the gate that holds the app's start back
 * (a file whose removal lets it listen), wakegate's held-request count (admin `GET /metrics`) and the
 * sleep of the environment (admin `POST /api/v1/environments/cold/sleep`).
 *
 * CPU roles follow (a) and (b): wakegate on the proxy CPU; the app (through `taskset` in its command)
 * and the clients on the load CPU. The app started by hand is started from the proxy CPU too, by the
 * launcher that takes wakegate's place (lib/cold-client.mjs).
 *
 * Cleanup: wakegate runs in the registry like every peer; on its stop it stops the app itself. An app
 * whose wakegate vanished without that exits by itself (it watches its parent), and `stop` also kills,
 * by pid, any app process recorded in the starts file that is still alive.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForStatus } from './http-probe.js';
import { HOST, PORTS, coldWakegateConfig } from './peer-configs.js';
import { LOAD_CPU, childEnv, cpuFor, isPortFree, writeTemp, type BenchEnv } from './peers.js';
import type { ManagedProcess } from './processes.js';

export const COLD_APP = fileURLToPath(new URL('../apps/cold-app.mjs', import.meta.url));
export const COLD_ENVIRONMENT = 'cold';
const START_TIMEOUT_MS = 15_000;
/** An app outlives no run: the scenario takes well under this. */
const APP_MAX_LIFETIME_MS = 120_000;

export interface ColdFixture {
  readonly wakegate: ManagedProcess;
  /** Appended "<pid> <ms>" by the app once listening. */
  readonly listenFile: string;
  /** While it exists, a starting app does not listen. */
  readonly gateFile: string;
  /** Appended "<pid>" by every app process as it starts. */
  readonly startsFile: string;
  /** The environment's command and extra environment, as wakegate runs them (also run by hand). */
  readonly appCommand: readonly string[];
  readonly appEnv: Readonly<Record<string, string>>;
  /** `wake.maxHeldPerEnvironment` / `maxHeldTotal` and `forward.maxConnectionsPerUpstream` in force. */
  readonly maxHeld: number;
  readonly maxConnectionsPerUpstream: number;
}

export interface ColdFixtureOptions {
  readonly maxHeld: number;
  readonly maxConnectionsPerUpstream: number;
}

/** Starts wakegate with the cold environment; the reason in words when it cannot. */
export async function startColdFixture(env: BenchEnv, options: ColdFixtureOptions): Promise<ColdFixture | string> {
  const cli = path.resolve(env.repoRoot, env.wakegateEntry);
  if (!existsSync(cli)) {
    return env.wakegateEntry === 'dist/cli.js' ? 'wakegate not built: dist/cli.js not found (run `npm run build`)' : `wakegate entry not found: ${env.wakegateEntry}`;
  }
  for (const port of [PORTS.coldWakegate, PORTS.coldWakegateAdmin, PORTS.coldApp]) {
    if (!(await isPortFree(port))) return `port ${port} is already in use by another process`;
  }
  const listenFile = path.join(env.tmpDir, 'cold-listening.txt');
  const gateFile = path.join(env.tmpDir, 'cold-gate');
  const startsFile = path.join(env.tmpDir, 'cold-starts.txt');
  const appEnv = {
    PORT: String(PORTS.coldApp),
    LISTEN_FILE: listenFile,
    GATE_FILE: gateFile,
    STARTS_FILE: startsFile,
    MAX_LIFETIME_MS: String(APP_MAX_LIFETIME_MS),
  };
  const pinned = env.registry.pinning && env.tools.paths.taskset !== null;
  const appCommand = [...(pinned ? [env.tools.paths.taskset, '-c', String(LOAD_CPU)] : []), process.execPath, COLD_APP];
  const config = writeTemp(
    env,
    'wakegate-cold.yaml',
    coldWakegateConfig({ command: appCommand, appEnv, maxHeld: options.maxHeld, maxConnectionsPerUpstream: options.maxConnectionsPerUpstream }),
  );
  const loader = cli.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const wakegate = env.registry.start({
    name: 'wakegate (cold)',
    command: process.execPath,
    args: [...loader, cli, 'serve', '--config', config],
    env: childEnv(),
    cwd: env.repoRoot,
    cpu: cpuFor(env, 'proxy'),
  });
  const notReady = await waitForStatus(`http://${HOST}:${PORTS.coldWakegateAdmin}/readyz`, { timeoutMs: START_TIMEOUT_MS, process: wakegate });
  const phase = notReady === null ? await environmentPhase() : null;
  const problem = notReady ?? (phase === 'asleep' ? null : `the environment is ${phase ?? 'not listed'}, not asleep, after the start`);
  if (problem !== null) {
    await env.registry.stop(wakegate);
    return `wakegate did not become ready: ${problem}`;
  }
  return { wakegate, listenFile, gateFile, startsFile, appCommand, appEnv, maxHeld: options.maxHeld, maxConnectionsPerUpstream: options.maxConnectionsPerUpstream };
}

/** Stops wakegate (which stops its app), then kills any recorded app process still alive. */
export async function stopColdFixture(env: BenchEnv, fixture: ColdFixture): Promise<void> {
  rmSync(fixture.gateFile, { force: true });
  await env.registry.stop(fixture.wakegate);
  killLeftoverApps(fixture);
}

function startedPids(fixture: ColdFixture): number[] {
  try {
    return readFileSync(fixture.startsFile, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The pid of the app process started last, or null. */
export function lastStartedApp(fixture: ColdFixture): number | null {
  return startedPids(fixture).at(-1) ?? null;
}

function killLeftoverApps(fixture: ColdFixture): void {
  for (const pid of startedPids(fixture)) {
    try {
      // Only a process that is still this app (a pid is reused only after its process is gone).
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('cold-app.mjs')) continue;
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** The listening moments the app has written since the file was last cleared. */
export function listenTimes(fixture: ColdFixture): { pid: number; at: number }[] {
  try {
    return readFileSync(fixture.listenFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [pid, at] = line.split(' ');
        return { pid: Number(pid), at: Number(at) };
      });
  } catch {
    return [];
  }
}

export function clearListenTimes(fixture: ColdFixture): void {
  rmSync(fixture.listenFile, { force: true });
}

export function closeGate(fixture: ColdFixture): void {
  writeFileSync(fixture.gateFile, '');
}

export function openGate(fixture: ColdFixture): void {
  rmSync(fixture.gateFile, { force: true });
}

/** `wakegate_held_requests` from the admin metrics, or null when it cannot be read. */
export async function heldRequests(): Promise<number | null> {
  const answer = await admin('GET', '/metrics');
  if (answer.status !== 200) return null;
  const match = /^wakegate_held_requests (\d+)/m.exec(answer.body);
  return match ? Number(match[1]) : null;
}

/** The environment's phase from the admin API, or null. */
export async function environmentPhase(): Promise<string | null> {
  const answer = await admin('GET', `/api/v1/environments/${COLD_ENVIRONMENT}`);
  if (answer.status !== 200) return null;
  try {
    return (JSON.parse(answer.body) as { phase?: string }).phase ?? null;
  } catch {
    return null;
  }
}

/**
 * When wakegate observed the environment ready (the start of its `awake` phase, ms since the epoch;
 * the API gives it to the millisecond, truncated, so a latency from it errs on the long side).
 */
export async function awakeSince(): Promise<number | null> {
  const answer = await admin('GET', `/api/v1/environments/${COLD_ENVIRONMENT}`);
  if (answer.status !== 200) return null;
  try {
    const view = JSON.parse(answer.body) as { phase?: string; phaseSince?: string };
    return view.phase === 'awake' && view.phaseSince !== undefined ? Date.parse(view.phaseSince) : null;
  } catch {
    return null;
  }
}

/** Puts the environment to sleep through the admin API; null when it is asleep, else why not. */
export async function sleepEnvironment(): Promise<string | null> {
  const answer = await admin('POST', `/api/v1/environments/${COLD_ENVIRONMENT}/sleep`, 15_000);
  if (answer.status !== 200) return `sleep answered ${answer.status ?? answer.error ?? '?'}: ${answer.body.slice(0, 200)}`;
  const phase = await environmentPhase();
  return phase === 'asleep' ? null : `the environment is ${phase ?? 'unknown'} after the sleep`;
}

function admin(method: 'GET' | 'POST', pathname: string, timeoutMs = 5_000): Promise<{ status: number | null; body: string; error: string | null }> {
  return new Promise((resolve) => {
    const req = request(
      { host: HOST, port: PORTS.coldWakegateAdmin, path: pathname, method, agent: false, timeout: timeoutMs, headers: { host: `${HOST}:${PORTS.coldWakegateAdmin}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString('utf8'), error: null }));
        res.on('error', (error) => resolve({ status: null, body: '', error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ status: null, body: '', error: error.message }));
    req.end();
  });
}
