import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLI, ROOT } from '../../helpers/process.js';

/** Every command started here is killed when the test worker exits, whatever the tests did. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A `wakegate` command left running, to read its output as it comes and to interrupt it. */
export interface RunningCli {
  stdout(): string;
  stderr(): string;
  /** Resolves with the output so far once `pattern` matches it; rejects with all of it after `ms`. */
  waitFor(pattern: RegExp, options?: { stream?: 'stdout' | 'stderr'; ms?: number }): Promise<string>;
  /** Sends SIGINT and resolves with the exit code (or the signal's name, if it did not handle it). */
  interrupt(): Promise<number | string>;
  readonly exited: Promise<number | string>;
}

/**
 * Starts the built CLI (`dist/cli.js`, as `npx wakegate` runs it) with stdout and stderr piped, not
 * a terminal, and only PATH and `env` in its environment. It is killed after `maxLifeMs`.
 */
export function startCli(args: string[], env: Record<string, string> = {}, maxLifeMs = 30_000): RunningCli {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it first)`);
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const output = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    output.stdout += d.toString();
    for (const l of listeners) l();
  });
  child.stderr.on('data', (d: Buffer) => {
    output.stderr += d.toString();
    for (const l of listeners) l();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), maxLifeMs);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(killer);
      children.delete(child);
      for (const l of listeners) l();
      resolve(code ?? signal ?? -1);
    });
  });
  return {
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    exited,
    waitFor: (pattern, { stream = 'stdout', ms = 10_000 } = {}) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(output[stream])) {
            done();
            resolve(output[stream]);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`wakegate ${args.join(' ')} exited before ${pattern} showed on ${stream}:\n${output.stdout}\n${output.stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${pattern} did not show on ${stream} within ${ms} ms:\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`));
        }, ms);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    interrupt: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}
