/**
 * Child processes of the benchmark: every one runs in its own process group (spawned `detached`),
 * is registered here, and is killed as a group — nginx workers and Go threads included — when it is
 * stopped, when its time limit passes, and when the harness exits for any reason (normal end, error,
 * SIGINT/SIGTERM). Nothing started through this registry outlives the harness.
 *
 * Pinning: a spec with `cpu` runs under `taskset -c CPU` when pinning is enabled; taskset execs the
 * command, so the registered pid is the command's own pid and the affinity is inherited by its children.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessSpec {
  /** Short name for messages ("nginx upstream", "wrk"). */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** CPU to pin to; null or undefined = not pinned. Ignored when the registry has pinning off. */
  readonly cpu?: number | null;
  /** The whole environment of the child (not merged); default: the harness's environment. */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunResult extends ExitInfo {
  readonly stdout: string;
  readonly stderr: string;
  /** True when the time limit passed and the group was killed. */
  readonly timedOut: boolean;
}

/** Servers keep only the tail of their output, enough to explain a failed start. */
const SERVER_OUTPUT_LIMIT = 16 * 1024;
const STOP_GRACE_MS = 3_000;

/** A long-running child (a proxy or an upstream). */
export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the group leader exits; never rejects. */
  readonly exited: Promise<ExitInfo>;
  #exit: ExitInfo | null = null;
  #output = '';

  constructor(name: string, child: ChildProcess) {
    this.name = name;
    if (child.pid === undefined) throw new Error(`${name}: spawn returned no pid`);
    this.pid = child.pid;
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-SERVER_OUTPUT_LIMIT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
      child.once('error', (error) => {
        this.#output += `\n${error.message}`;
        this.#exit = { code: null, signal: null };
        resolve(this.#exit);
      });
    });
  }

  get running(): boolean {
    return this.#exit === null;
  }

  get exitInfo(): ExitInfo | null {
    return this.#exit;
  }

  /** Last lines of stdout and stderr together, for error messages. */
  outputTail(lines = 8): string {
    return this.#output.trimEnd().split('\n').slice(-lines).join('\n');
  }
}

export class ProcessRegistry {
  readonly pinning: boolean;
  readonly #live = new Map<number, ChildProcess>();

  constructor(options: { pinning: boolean }) {
    this.pinning = options.pinning;
  }

  /** Starts a server-like child; it keeps running until `stop`/`stopAll`. */
  start(spec: ProcessSpec): ManagedProcess {
    const child = this.#spawn(spec);
    return new ManagedProcess(spec.name, child);
  }

  /**
   * Runs a child to completion (wrk, hey, a measurement child) and collects all its output.
   * Past `timeoutMs` the whole group is killed and `timedOut` is set; never rejects.
   */
  run(spec: ProcessSpec, timeoutMs: number): Promise<RunResult> {
    return new Promise((resolve) => {
      let child: ChildProcess;
      try {
        child = this.#spawn(spec);
      } catch (error) {
        resolve({ code: null, signal: null, stdout: '', stderr: String(error), timedOut: false });
        return;
      }
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child, 'SIGKILL');
      }, timeoutMs);
      const finish = (code: number | null, signal: NodeJS.Signals | null, extra = ''): void => {
        clearTimeout(timer);
        // Output may still be in flight when 'exit' fires; 'close' (below) is preferred when it comes.
        resolve({
          code,
          signal,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8') + extra,
          timedOut,
        });
      };
      child.once('close', (code, signal) => finish(code, signal));
      child.once('error', (error) => finish(null, null, `\n${error.message}`));
    });
  }

  /** SIGTERM to the group, SIGKILL after a grace period; resolves when the leader has exited. */
  async stop(proc: ManagedProcess): Promise<void> {
    const child = this.#live.get(proc.pid);
    if (child === undefined) return;
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
    await proc.exited;
    clearTimeout(timer);
    // The leader is gone; members it did not reap (if any) go too.
    killGroup(child, 'SIGKILL');
    this.#live.delete(proc.pid);
  }

  /** Stops every live child, in parallel. */
  async stopAll(): Promise<void> {
    const children = [...this.#live.values()];
    for (const child of children) killGroup(child, 'SIGTERM');
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => {
              killGroup(child, 'SIGKILL');
              resolve();
            }, STOP_GRACE_MS);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    this.killAllSync();
  }

  /** Last resort, safe inside process.on('exit'): SIGKILL to every group still registered. */
  killAllSync(): void {
    for (const child of this.#live.values()) killGroup(child, 'SIGKILL');
    this.#live.clear();
  }

  #spawn(spec: ProcessSpec): ChildProcess {
    const pinned = this.pinning && spec.cpu !== undefined && spec.cpu !== null;
    const command = pinned ? 'taskset' : spec.command;
    const args = pinned ? ['-c', String(spec.cpu), spec.command, ...spec.args] : [...spec.args];
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: spec.env ?? process.env,
      cwd: spec.cwd,
    });
    const pid = child.pid;
    if (pid !== undefined) {
      this.#live.set(pid, child);
      child.once('exit', () => {
        // Keep the entry until the group is known empty: stop() removes it after a final SIGKILL.
        if (!this.#stoppable(child)) this.#live.delete(pid);
      });
    }
    return child;
  }

  /** A child whose group may still hold members (an nginx master's workers) stays registered. */
  #stoppable(child: ChildProcess): boolean {
    if (child.pid === undefined) return false;
    try {
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
