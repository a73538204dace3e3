import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';

/** How the leader of a group ended, as Node reports it. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** argv; `command[0]` is the program. */
  readonly command: readonly string[];
  /** The whole environment of the process (not added to anything). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string | null;
  /** Given stdout and stderr as soon as the process exists. */
  readonly follow: (stream: Readable) => void;
}

/** The process exists, or why it could not be started (`ENOENT`, `EACCES`), known a tick later. */
export type Spawned = { readonly group: ProcessGroup } | { readonly failed: Promise<NodeJS.ErrnoException> };

/** How long a group has to be gone after SIGKILL before `stop` gives up on it. */
const KILL_WAIT = 5_000;
/** How often a stopping group is checked for members once its leader has exited. */
const GROUP_POLL = 25;

/** "the process exited with code 1", "the process was killed by SIGKILL" */
export function describeExit(exit: Exit): string {
  if (exit.signal !== null) return `the process was killed by ${exit.signal}`;
  return `the process exited with code ${exit.code ?? 'unknown'}`;
}

/**
 * A command started as the leader of its own process group (`detached`), so that everything it
 * starts — a shell's children, a dev server's workers — can be signalled at once with `kill(-pid)`.
 * Signalling only the leader would leave its children holding the port after it has gone.
 */
export class ProcessGroup {
  /** The leader's pid, which is also the group id. */
  readonly pid: number;
  /** Resolves when the leader has exited (never rejects). */
  readonly exited: Promise<Exit>;
  /**
   * Resolves when stdout and stderr are closed: everything written has been read. A member of the
   * group that outlives the leader keeps them open, so wait on this only with a bound.
   */
  readonly outputClosed: Promise<void>;
  #exit: Exit | null = null;
  #stopping: Promise<boolean> | null = null;

  private constructor(child: ChildProcess & { pid: number }) {
    this.pid = child.pid;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
    this.outputClosed = Promise.all([closed(child.stdout), closed(child.stderr)]).then(() => undefined);
  }

  /**
   * Starts `command` in a new process group with stdin closed and stdout/stderr piped to `follow`.
   * Node knows the pid at once when the process exists; otherwise it reports the error a tick later.
   */
  static spawn(options: SpawnOptions): Spawned {
    const [program, ...args] = options.command;
    const child = spawn(program ?? '', args, {
      env: options.env,
      cwd: options.cwd ?? undefined,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const failed = new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
    // A later 'error' (none is expected: signals go through process.kill) must not crash wakegate.
    child.on('error', () => undefined);
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      stream.on('error', () => undefined);
      options.follow(stream);
    }
    if (child.pid === undefined) return { failed };
    return { group: new ProcessGroup(child as ChildProcess & { pid: number }) };
  }

  /**
   * SIGTERM to the whole group, SIGKILL to the group after `grace` ms if anything of it is left;
   * resolves once the leader has exited and no member of the group is alive. Idempotent: a second
   * call joins the first. Resolves false when something survived even SIGKILL for a few seconds (a
   * process stuck in the kernel) — there is nothing more to do then but say so.
   */
  stop(grace: number): Promise<boolean> {
    this.#stopping ??= this.#stop(grace);
    return this.#stopping;
  }

  /** SIGKILL to the whole group, synchronously: for the moment wakegate itself exits. */
  kill(): void {
    this.#signal('SIGKILL');
  }

  async #stop(grace: number): Promise<boolean> {
    this.#signal('SIGTERM');
    if (await this.#goneWithin(grace)) return true;
    this.#signal('SIGKILL');
    return this.#goneWithin(KILL_WAIT);
  }

  async #goneWithin(ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    if (this.#exit === null) {
      const timer = new AbortController();
      const exited = await Promise.race([this.exited.then(() => true), delay(ms, false, { signal: timer.signal }).catch(() => false)]);
      timer.abort();
      if (!exited) return false;
    }
    // The leader is gone; members it left behind are watched one by one, and a full look at the
    // group (which also finds what they forked meanwhile) confirms that none is left.
    let members = await liveMembers(this.pid, null);
    while (members.length > 0) {
      if (performance.now() >= deadline) return false;
      await delay(GROUP_POLL);
      members = await liveMembers(this.pid, members);
      if (members.length === 0) members = await liveMembers(this.pid, null);
    }
    return true;
  }

  #signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // ESRCH: the group is already empty. EPERM: a member changed its user; nothing we may do.
    }
  }
}

function closed(stream: Readable | null): Promise<void> {
  if (stream === null || stream.closed) return Promise.resolve();
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

/**
 * The members of process group `pgid` that are alive — all of them, or those of `among` — where
 * alive means not a zombie. `kill(-pgid, 0)` alone cannot tell: a zombie stays in its group until it
 * is reaped, and where no process reaps orphans (a container whose PID 1 does not), a dead grandchild
 * would look alive forever. On Linux /proc says which members are zombies; elsewhere `kill` is the
 * best answer there is, and the group id stands for its members.
 */
async function liveMembers(pgid: number, among: readonly number[] | null): Promise<number[]> {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return [];
  }
  if (process.platform !== 'linux') return [pgid];
  let pids: readonly number[];
  try {
    pids = among ?? (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry)).map(Number);
  } catch {
    return [pgid];
  }
  const states = await Promise.all(pids.map((pid) => stateIn(pid, pgid)));
  return pids.filter((_, i) => {
    const state = states[i];
    return state !== null && state !== undefined && state !== 'Z' && state !== 'X';
  });
}

/** The state letter of process `pid` when it is a member of group `pgid`, else null. */
async function stateIn(pid: number, pgid: number): Promise<string | null> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited meanwhile
  }
  // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so read after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[2]) === pgid ? (fields[0] ?? null) : null;
}
