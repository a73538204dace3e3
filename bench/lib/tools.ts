/**
 * What this machine has: the external tools the benchmark can use (found on PATH or in the sbin
 * directories, where Debian puts nginx and haproxy), their versions, and facts about the machine.
 * Detection only — the harness installs nothing; a missing tool makes the peers or scenarios that need
 * it skip with a reason.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export type ToolName = 'wrk' | 'hey' | 'nginx' | 'haproxy' | 'caddy' | 'taskset';
export const TOOL_NAMES: readonly ToolName[] = ['wrk', 'hey', 'nginx', 'haproxy', 'caddy', 'taskset'];

export interface Tools {
  /** Absolute path per tool, or null when absent. */
  readonly paths: Readonly<Record<ToolName, string | null>>;
  /** Version string per tool found ("unknown" when it would not say). */
  readonly versions: Readonly<Record<string, string>>;
  /** Path of the `http-proxy` package's main module, or null when the dev dependency is absent. */
  readonly httpProxyModule: string | null;
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly nodeVersion: string;
  readonly platform: string;
  readonly kernel: string;
  readonly totalMemoryMb: number;
  /** 1, 5 and 15 minute load averages when the run began: other work on the box shows here. */
  readonly loadAverageBefore: readonly number[];
  readonly gitCommit: string | null;
}

const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

export function detectTools(repoRoot: string): Tools {
  const paths = Object.fromEntries(TOOL_NAMES.map((name) => [name, which(name)])) as Record<ToolName, string | null>;
  const versions: Record<string, string> = {};
  for (const name of TOOL_NAMES) {
    const found = paths[name];
    if (found !== null) versions[name] = toolVersion(name, found);
  }
  const httpProxyModule = resolveHttpProxy(repoRoot);
  if (httpProxyModule !== null) versions['http-proxy'] = packageVersion(httpProxyModule) ?? 'unknown';
  versions['node'] = process.version;
  return { paths, versions, httpProxyModule };
}

export function machineInfo(repoRoot: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    nodeVersion: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    loadAverageBefore: os.loadavg().map((value) => Math.round(value * 100) / 100),
    gitCommit: gitCommit(repoRoot),
  };
}

function which(name: string): string | null {
  const dirs = [...(process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Each tool states its version differently (and some only on stderr, or with a non-zero exit). */
function toolVersion(name: ToolName, file: string): string {
  const args: Record<ToolName, string[]> = {
    wrk: ['-v'],
    hey: [],
    nginx: ['-v'],
    haproxy: ['-v'],
    caddy: ['version'],
    taskset: ['--version'],
  };
  const patterns: Record<ToolName, RegExp> = {
    wrk: /wrk\s+(?:debian\/)?(\S+)/,
    hey: /$^/,
    nginx: /nginx\/(\S+)/,
    haproxy: /version\s+(\S+)/i,
    caddy: /v?(\d+\.\d+\.\d+\S*)/,
    taskset: /(\d+\.\d+(?:\.\d+)?)/,
  };
  if (name === 'hey') return debianVersion('hey') ?? 'unknown'; // hey has no version flag
  const output = capture(file, args[name]);
  return patterns[name].exec(output)?.[1] ?? 'unknown';
}

function debianVersion(pkg: string): string | null {
  const output = capture('dpkg-query', ['-W', '-f', '${Version}', pkg]).trim();
  return /^\S+$/.test(output) ? output : null;
}

/** stdout and stderr together; `nginx -v` prints on stderr, `wrk -v` exits non-zero after printing. */
function capture(file: string, args: string[]): string {
  const result = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5_000 });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`;
}

function resolveHttpProxy(repoRoot: string): string | null {
  try {
    return createRequire(path.join(repoRoot, 'package.json')).resolve('http-proxy');
  } catch {
    return null;
  }
}

function packageVersion(modulePath: string): string | null {
  let dir = path.dirname(modulePath);
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'http-proxy') return pkg.version ?? null;
    } catch {
      // keep climbing
    }
    dir = path.dirname(dir);
  }
  return null;
}

function gitCommit(repoRoot: string): string | null {
  const head = capture('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']).trim();
  if (!/^[0-9a-f]{4,}$/.test(head)) return null;
  const dirty = capture('git', ['-C', repoRoot, 'status', '--porcelain', '--untracked-files=no']).trim() !== '';
  return dirty ? `${head}+dirty` : head;
}
