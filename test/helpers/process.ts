import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { withMatrix } from './matrix.js';

/** Every child started here is killed when the test worker exits, whatever the tests did. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function track<C extends ChildProcess>(child: C): C {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface WakegateProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly adminPort: number;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

/** Writes `config` to a temp file and returns its path. */
export function writeConfig(config: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wakegate-proc-'));
  const file = path.join(dir, 'wakegate.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/** Runs `wakegate <args>` from the built CLI (as `npx wakegate` would) and collects its output. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  assertBuilt();
  return new Promise((resolve) => {
    const child = track(spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Starts `wakegate serve` as a real process on loopback port 0 and waits for its "serving" log
 * (logged at info: keep `log.level` at info or below)
 * line to learn both ports. The process is killed after `maxLifeMs` whatever happens.
 */
export async function startWakegateProcess(config: Record<string, unknown>, maxLifeMs = 30_000): Promise<WakegateProcess> {
  assertBuilt();
  const file = writeConfig(
    withMatrix({
      listen: '127.0.0.1:0',
      admin: { listen: '127.0.0.1:0' },
      ...config,
    }),
  );
  const child = track(spawn(process.execPath, [CLI, 'serve', '--config', file], { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), maxLifeMs);
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve(code ?? signal ?? -1);
    });
  });
  const serving = await new Promise<{ proxy: string; admin: string }>((resolve, reject) => {
    const check = (): void => {
      for (const line of stdout.split('\n')) {
        if (!line.includes('wakegate is serving')) continue;
        const parsed = JSON.parse(line) as { proxy: string; admin: string };
        child.stdout.off('data', check);
        return resolve(parsed);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`wakegate exited (${code}) before serving:\n${stdout}\n${stderr}`)));
  });
  return {
    child,
    port: portOf(serving.proxy),
    adminPort: portOf(serving.admin),
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    kill: (signal = 'SIGTERM') => child.kill(signal),
  };
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it first)`);
}
