/**
 * The fixture of scenarios (a) and (b): the upstreams and every proxy under test, started once, kept
 * running while the rounds alternate between them, and stopped at the end.
 *
 * CPU roles (when taskset is present and the box has ≥ 2 CPUs): proxies on CPU 1; the load generator
 * and the upstream share CPU 0. "direct" has no proxy: its upstream is a second, identical nginx that
 * takes the proxy's place on CPU 1, so the direct figure is the same box doing the least possible work.
 *
 * A peer that cannot run (tool absent, wakegate not built, start failed, probe not `200 hello world`)
 * is skipped with its reason; the others still run.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkHello, waitForStatus } from './http-probe.js';
import {
  BENCH_HOST_HEADER,
  HOST,
  PORTS,
  caddyConfig,
  haproxyConfig,
  nginxProxyConfig,
  nginxUpstreamConfig,
  wakegateConfig,
} from './peer-configs.js';
import type { ManagedProcess, ProcessRegistry, ProcessSpec } from './processes.js';
import type { Tools } from './tools.js';

export type PeerName = 'direct' | 'wakegate' | 'nginx' | 'haproxy' | 'caddy' | 'http-proxy';
/** The order of every round: direct, wakegate, then the peers. */
export const PEER_ORDER: readonly PeerName[] = ['direct', 'wakegate', 'nginx', 'haproxy', 'caddy', 'http-proxy'];

export const PROXY_CPU = 1;
export const LOAD_CPU = 0;

export interface BenchEnv {
  readonly registry: ProcessRegistry;
  readonly tools: Tools;
  readonly tmpDir: string;
  readonly repoRoot: string;
  /** wakegate's CLI relative to repoRoot (`dist/cli.js`); a `.ts` entry runs under tsx. */
  readonly wakegateEntry: string;
  readonly log: (line: string) => void;
}

export interface RunningPeer {
  readonly name: PeerName;
  readonly url: string;
  /** The processes this path depends on; the run fails if one of them has exited. */
  readonly processes: readonly ManagedProcess[];
}

export interface Skip {
  readonly name: string;
  readonly reason: string;
}

export interface Fixture {
  /** Which program answers as the upstream ("nginx" normally; "node" when nginx is absent). */
  readonly upstreamKind: 'nginx' | 'node';
  readonly peers: readonly RunningPeer[];
  readonly skipped: readonly Skip[];
}

const PEERS_DIR = fileURLToPath(new URL('../peers/', import.meta.url));
const START_TIMEOUT_MS = 15_000;

export function cpuFor(env: BenchEnv, role: 'proxy' | 'load'): number | null {
  if (!env.registry.pinning) return null;
  return role === 'proxy' ? PROXY_CPU : LOAD_CPU;
}

export function isAlive(peer: RunningPeer): boolean {
  return peer.processes.every((proc) => proc.running);
}

/** Starts the upstreams, then the wanted peers one by one; never throws for a peer that cannot run. */
export async function startFixture(env: BenchEnv, wanted: readonly PeerName[]): Promise<Fixture> {
  const upstreamKind = env.tools.paths.nginx !== null ? 'nginx' : 'node';
  const upstream = await startUpstream(env, 'upstream', PORTS.upstream, cpuFor(env, 'load'));
  if (typeof upstream === 'string') throw new Error(`the upstream did not start: ${upstream}`);
  const peers: RunningPeer[] = [];
  const skipped: Skip[] = [];
  for (const name of PEER_ORDER.filter((peer) => wanted.includes(peer))) {
    const started = await startPeer(env, name, upstream);
    if (typeof started === 'string') {
      skipped.push({ name, reason: started });
      env.log(`  skip ${name}: ${started}`);
    } else {
      peers.push(started);
      env.log(`  ready ${name} → ${started.url}`);
    }
  }
  return { upstreamKind, peers, skipped };
}

async function startPeer(env: BenchEnv, name: PeerName, upstream: ManagedProcess): Promise<RunningPeer | string> {
  const proxyCpu = cpuFor(env, 'proxy');
  const upstreamPort = PORTS.upstream;
  const { paths } = env.tools;
  let spec: ProcessSpec;
  let port: number;
  let readyUrl: string | null = null;
  switch (name) {
    case 'direct': {
      const direct = await startUpstream(env, 'direct upstream', PORTS.directUpstream, proxyCpu);
      if (typeof direct === 'string') return `the direct upstream did not start: ${direct}`;
      return { name, url: `http://${HOST}:${PORTS.directUpstream}/`, processes: [direct] };
    }
    case 'wakegate': {
      const cli = path.resolve(env.repoRoot, env.wakegateEntry);
      if (!existsSync(cli)) {
        return env.wakegateEntry === 'dist/cli.js'
          ? 'wakegate not built: dist/cli.js not found (run `npm run build`)'
          : `wakegate entry not found: ${env.wakegateEntry}`;
      }
      const config = writeTemp(env, 'wakegate.yaml', wakegateConfig(upstreamPort));
      const loader = cli.endsWith('.ts') ? ['--import', 'tsx'] : [];
      spec = { name, command: process.execPath, args: [...loader, cli, 'serve', '--config', config], env: childEnv(), cwd: env.repoRoot };
      port = PORTS.wakegate;
      readyUrl = `http://${HOST}:${PORTS.wakegateAdmin}/readyz`;
      break;
    }
    case 'nginx': {
      if (paths.nginx === null) return 'nginx not found on PATH or in /usr/sbin';
      const config = writeNginx(env, 'nginx-proxy', nginxProxyConfig(env.tmpDir, upstreamPort, PORTS.nginx));
      spec = { name, command: paths.nginx, args: nginxArgs(env, 'nginx-proxy', config) };
      port = PORTS.nginx;
      break;
    }
    case 'haproxy': {
      if (paths.haproxy === null) return 'haproxy not found on PATH or in /usr/sbin';
      const config = writeTemp(env, 'haproxy.cfg', haproxyConfig(upstreamPort, PORTS.haproxy));
      spec = { name, command: paths.haproxy, args: ['-db', '-f', config] };
      port = PORTS.haproxy;
      break;
    }
    case 'caddy': {
      if (paths.caddy === null) return 'caddy not found on PATH';
      const config = writeTemp(env, 'Caddyfile', caddyConfig(env.tmpDir, upstreamPort, PORTS.caddy));
      const home = path.join(env.tmpDir, 'caddy-home');
      mkdirSync(home, { recursive: true });
      spec = {
        name,
        command: paths.caddy,
        args: ['run', '--config', config, '--adapter', 'caddyfile'],
        env: { ...childEnv(), GOMAXPROCS: '1', HOME: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home },
      };
      port = PORTS.caddy;
      break;
    }
    case 'http-proxy': {
      if (env.tools.httpProxyModule === null) return 'the http-proxy dev dependency is not installed';
      const target = `http://${HOST}:${upstreamPort}`;
      spec = {
        name,
        command: process.execPath,
        args: ['--no-deprecation', path.join(PEERS_DIR, 'http-proxy.mjs'), `${HOST}:${PORTS.httpProxy}`, target],
        env: childEnv(),
        cwd: env.repoRoot,
      };
      port = PORTS.httpProxy;
      break;
    }
  }
  for (const needed of name === 'wakegate' ? [port, PORTS.wakegateAdmin] : [port]) {
    if (!(await isPortFree(needed))) return `port ${needed} is already in use by another process`;
  }
  const proc = env.registry.start({ ...spec, cpu: proxyCpu });
  const url = `http://${HOST}:${port}/`;
  const notReady = await waitForStatus(readyUrl ?? url, {
    hostHeader: readyUrl === null ? BENCH_HOST_HEADER : null,
    timeoutMs: START_TIMEOUT_MS,
    process: proc,
  });
  const problem = notReady ?? (await checkHello(url, BENCH_HOST_HEADER));
  if (problem !== null) {
    await env.registry.stop(proc);
    const prefix = name === 'wakegate' && notReady !== null ? 'wakegate did not become ready' : `${name} failed its start check`;
    return `${prefix}: ${problem}`;
  }
  return { name, url, processes: [proc, upstream] };
}

/** An upstream answering `200 hello world\n`: nginx when present, else the small Node server. */
export async function startUpstream(env: BenchEnv, label: string, port: number, cpu: number | null): Promise<ManagedProcess | string> {
  const url = `http://${HOST}:${port}/`;
  if (!(await isPortFree(port))) return `port ${port} is already in use by another process`;
  const nginx = env.tools.paths.nginx;
  const fileName = label.replace(/\s+/g, '-');
  const spec: ProcessSpec =
    nginx !== null
      ? { name: label, command: nginx, args: nginxArgs(env, fileName, writeNginx(env, fileName, nginxUpstreamConfig(env.tmpDir, fileName, port))) }
      : { name: label, command: process.execPath, args: [path.join(PEERS_DIR, 'hello-upstream.mjs'), `${HOST}:${port}`], env: childEnv() };
  const proc = env.registry.start({ ...spec, cpu });
  const problem = (await waitForStatus(url, { timeoutMs: START_TIMEOUT_MS, process: proc })) ?? (await checkHello(url, null));
  if (problem !== null) {
    await env.registry.stop(proc);
    return problem;
  }
  return proc;
}

/** Free = a connection is refused; anything that answers (or hangs) means another process holds it. */
export async function isPortFree(port: number): Promise<boolean> {
  const problem = await checkHello(`http://${HOST}:${port}/`, null);
  return problem?.includes('ECONNREFUSED') ?? false;
}

function nginxArgs(env: BenchEnv, name: string, config: string): string[] {
  return ['-p', env.tmpDir, '-c', config, '-e', path.join(env.tmpDir, `${name}-error.log`)];
}

function writeNginx(env: BenchEnv, name: string, text: string): string {
  for (const kind of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(path.join(env.tmpDir, `${name}-tmp`, kind), { recursive: true });
  }
  return writeTemp(env, `${name}.conf`, text);
}

export function writeTemp(env: BenchEnv, name: string, text: string): string {
  const file = path.join(env.tmpDir, name);
  writeFileSync(file, text);
  return file;
}

/**
 * The harness's environment minus what would change a child's behaviour behind our back:
 * `WAKEGATE_*` (would override the bench config) and `NODE_OPTIONS` (could load a loader into peers).
 */
export function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('WAKEGATE_') && key !== 'NODE_OPTIONS'),
  );
}
