import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { WakeFailure, type EnvironmentProvider, type WakeMark } from '../provider.js';
import { OutputLines } from './output-lines.js';
import { ProcessGroup, describeExit, type Exit } from './process-group.js';
import { readinessProbe, type ReadinessProbe } from './readiness-probe.js';
import { SharedWake, abortReason } from './shared-wake.js';

export interface LocalEnvironmentSpec {
  readonly name: string;
  /** argv; `command[0]` is the program. */
  readonly command: readonly string[];
  /** Added to wakegate's own environment. */
  readonly env: Readonly<Record<string, string>>;
  /** null: wakegate's cwd. */
  readonly cwd: string | null;
  /** `http://host:port`, where the process listens. */
  readonly upstream: string;
  /** `httpGet` null: a TCP connect is the readiness check; else a GET of that path must answer 200–399. */
  readonly ready: { readonly httpGet: string | null };
}

export interface LocalProviderOptions {
  readonly environments: readonly LocalEnvironmentSpec[];
  readonly logger: Logger;
  /** ms between SIGTERM and SIGKILL when stopping a process group; default 10 000. */
  readonly stopGrace?: number;
  /** ms between readiness probes while waking; default 15, so a ready app is noticed at once. */
  readonly probeInterval?: number;
  /** Lines of output kept per environment; default 100. */
  readonly outputLines?: number;
  /** The environment every process starts from (wakegate's own), each spec's `env` added on top; default none. */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
}

/** One probe may take this long (a listener that accepts but never answers must not stall the wake). */
const PROBE_TIMEOUT = 1_000;
/** How long a failed wake waits for the last output of a process that exited, for its message. */
const OUTPUT_FLUSH = 100;
/** The longest last line quoted in a wake failure. */
const HINT_LENGTH = 200;

/** One started process group of an environment, and what is known of it. */
interface Run {
  readonly group: ProcessGroup;
  /** Output lines written before this run started: later ones are its own. */
  readonly linesBefore: number;
  /** Aborted when the leader exits, which stops a probe in flight at once. */
  readonly ended: AbortController;
  exit: Exit | null;
  /** A probe passed: later wakes resolve at once. */
  ready: boolean;
  /**
   * Wakes probing it: its exit fails them instead of being reported as down. A count, because an
   * abandoned wake may still be winding down when the next one starts probing.
   */
  probing: number;
  /** `sleep` or `close` stopped it: its exit is no news. */
  stopRequested: boolean;
  /** Set once it is being stopped or has exited; resolves when its group is empty and forgotten. */
  gone: Promise<void> | null;
}

interface Slot {
  readonly spec: LocalEnvironmentSpec;
  readonly probe: ReadinessProbe;
  readonly output: OutputLines;
  run: Run | null;
  wake: SharedWake | null;
}

/**
 * Environments that are local processes: started on wake, each as its own process group, and
 * stopped on sleep by signalling the whole group. One process per environment, however many wakes
 * ask at once. A process that exits by itself is reported through `onDown`, and whatever is left of
 * its group is stopped, so an orphaned child cannot keep the port (and fool the next readiness check).
 * No child outlives wakegate: `close` stops them all, and an `exit` handler kills what is left.
 */
export class LocalProvider implements EnvironmentProvider {
  readonly kind = 'local';
  readonly #slots: ReadonlyMap<string, Slot>;
  readonly #log: Logger;
  readonly #stopGrace: number;
  readonly #probeInterval: number;
  readonly #baseEnv: Readonly<Record<string, string | undefined>>;
  readonly #downListeners: ((id: string, cause: string) => void)[] = [];
  #closing: Promise<void> | null = null;
  #exitGuard: (() => void) | null = null;

  constructor(options: LocalProviderOptions) {
    this.#log = options.logger.child({ component: 'local-provider' });
    this.#stopGrace = options.stopGrace ?? 10_000;
    this.#probeInterval = options.probeInterval ?? 15;
    this.#baseEnv = options.baseEnv ?? {};
    const slots = new Map<string, Slot>();
    for (const spec of options.environments) {
      if (slots.has(spec.name)) throw new Error(`local environment "${spec.name}" is defined twice`);
      if (spec.command.length === 0) throw new Error(`local environment "${spec.name}" has an empty command`);
      slots.set(spec.name, { spec, probe: readinessProbe(spec.upstream, spec.ready.httpGet), output: new OutputLines(options.outputLines ?? 100), run: null, wake: null });
    }
    this.#slots = slots;
  }

  wake(id: string, signal: AbortSignal, progress: (step: string) => void, mark?: (mark: WakeMark) => void): Promise<void> {
    const slot = this.#slots.get(id);
    if (slot === undefined) return Promise.reject(new WakeFailure(`there is no local environment "${id}"`, 'environment'));
    if (this.#closing !== null) return Promise.reject(new WakeFailure('wakegate is shutting down', 'process'));
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const run = slot.run;
    if (run !== null && run.ready && run.gone === null) return Promise.resolve();
    let wake = slot.wake;
    if (wake === null) {
      const created = new SharedWake(
        (workSignal, step, wakeMark) => this.#wake(slot, workSignal, step, wakeMark),
        () => {
          if (slot.wake === created) slot.wake = null;
        },
      );
      slot.wake = wake = created;
    }
    return wake.join(signal, progress, mark);
  }

  async sleep(id: string, reason: string): Promise<void> {
    const slot = this.#slots.get(id);
    if (slot === undefined) throw new Error(`there is no local environment "${id}"`);
    const run = slot.run;
    this.#log.info({ environment: id, reason, pid: run?.group.pid }, 'putting to sleep');
    slot.wake?.fail(new WakeFailure(`put to sleep while waking (${reason})`, 'process'));
    if (run === null) return;
    run.stopRequested = true;
    await this.#stop(slot, run);
  }

  output(id: string): readonly string[] {
    return this.#slots.get(id)?.output.lines() ?? [];
  }

  followOutput(id: string, listener: (line: string) => void): (() => void) | null {
    return this.#slots.get(id)?.output.onLine(listener) ?? null;
  }

  onDown(listener: (id: string, cause: string) => void): void {
    this.#downListeners.push(listener);
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const stops: Promise<void>[] = [];
    for (const slot of this.#slots.values()) {
      slot.wake?.fail(new WakeFailure('wakegate is shutting down', 'process'));
      const run = slot.run;
      if (run === null) continue;
      run.stopRequested = true;
      stops.push(this.#stop(slot, run));
    }
    await Promise.all(stops);
    if (this.#exitGuard !== null) process.off('exit', this.#exitGuard);
    this.#exitGuard = null;
  }

  /** The work of one shared wake: start the process unless it runs, then probe until it is ready. */
  async #wake(slot: Slot, signal: AbortSignal, step: (step: string) => void, mark: (mark: WakeMark) => void): Promise<void> {
    const began = performance.now();
    let run = slot.run;
    if (run?.gone) {
      // The previous process is being stopped (or exited and its group is being cleared): a new one
      // started now could find its port taken, or a probe could pass against the old one.
      step('waiting for the previous process to stop');
      await whenOrAborted(run.gone, signal);
      run = slot.run;
    }
    signal.throwIfAborted();
    run ??= await this.#start(slot, step);
    mark('requested');
    step(slot.probe.waitingFor);
    run.probing++;
    let ready: boolean;
    try {
      ready = await this.#probeUntilReady(slot.probe, run, signal, () => mark('started'));
    } finally {
      run.probing--;
    }
    if (run.exit !== null) throw await this.#exitFailure(slot, run, run.exit);
    if (!ready) throw abortReason(signal);
    run.ready = true;
    this.#log.info({ environment: slot.spec.name, pid: run.group.pid, ms: Math.round(performance.now() - began) }, 'process is ready');
    step('ready');
  }

  /** Spawns the environment's command; the run is registered before anything can await. */
  async #start(slot: Slot, step: (step: string) => void): Promise<Run> {
    const { name, command, cwd } = slot.spec;
    step(`starting: ${command.join(' ')}`);
    const linesBefore = slot.output.written;
    const spawned = ProcessGroup.spawn({ command, env: { ...this.#baseEnv, ...slot.spec.env }, cwd, follow: (stream) => slot.output.follow(stream) });
    if ('failed' in spawned) {
      const error = await spawned.failed;
      this.#log.warn({ environment: name, command, cwd, err: error }, 'process could not be started');
      throw new WakeFailure(spawnFailure(command, cwd, error), 'process', { cause: error });
    }
    const { group } = spawned;
    const run: Run = { group, linesBefore, ended: new AbortController(), exit: null, ready: false, probing: 0, stopRequested: false, gone: null };
    slot.run = run;
    this.#guardExit();
    void group.exited.then((exit) => this.#exited(slot, run, exit));
    this.#log.info({ environment: name, pid: group.pid, command }, 'process started');
    step(`started (pid ${group.pid})`);
    return run;
  }

  /**
   * Probes until a probe passes (true), or the wake's signal aborts or the process exits (false).
   * One probe at a time, each bounded; the pause between them is cancelled with the loop.
   */
  async #probeUntilReady(probe: ReadinessProbe, run: Run, signal: AbortSignal, listening: () => void): Promise<boolean> {
    const stop = new AbortController();
    const onStop = (): void => stop.abort();
    signal.addEventListener('abort', onStop, { once: true });
    run.ended.signal.addEventListener('abort', onStop, { once: true });
    if (signal.aborted || run.ended.signal.aborted) stop.abort();
    try {
      while (!stop.signal.aborted) {
        const result = await probe.check(PROBE_TIMEOUT, stop.signal);
        if (result.connected) listening();
        if (result.ready) return !stop.signal.aborted;
        await delay(this.#probeInterval, undefined, { signal: stop.signal }).catch(() => undefined);
      }
      return false;
    } finally {
      signal.removeEventListener('abort', onStop);
      run.ended.signal.removeEventListener('abort', onStop);
    }
  }

  /** The wake failure for a process that exited before it was ready, with its last line of output. */
  async #exitFailure(slot: Slot, run: Run, exit: Exit): Promise<WakeFailure> {
    // 'exit' may come before the last output has been read. A child left in the group may hold the
    // pipes open, so the wait is short.
    const timer = new AbortController();
    await Promise.race([run.group.outputClosed, delay(OUTPUT_FLUSH, undefined, { signal: timer.signal }).catch(() => undefined)]);
    timer.abort();
    const last = slot.output.written > run.linesBefore ? slot.output.last() : null;
    const hint = last === null || last.trim() === '' ? '' : `; last output: "${last.length > HINT_LENGTH ? `${last.slice(0, HINT_LENGTH)}…` : last}"`;
    return new WakeFailure(`${describeExit(exit)}${hint}`, 'process');
  }

  /** The leader of `run` exited. Runs from a promise callback: it must not throw. */
  #exited(slot: Slot, run: Run, exit: Exit): void {
    try {
      run.exit = exit;
      run.ended.abort();
      const id = slot.spec.name;
      const fields = { environment: id, pid: run.group.pid, code: exit.code, signal: exit.signal };
      if (run.stopRequested) {
        this.#log.info(fields, 'process stopped');
        return;
      }
      // The leader is gone on its own: stop what is left of its group, so no orphan keeps the port.
      void this.#stop(slot, run);
      const lastOutput = slot.output.written > run.linesBefore ? slot.output.last() : null;
      if (run.probing > 0) {
        // The wake in progress fails with the cause; nothing was up, so nothing went down.
        this.#log.warn({ ...fields, lastOutput }, 'process exited before it was ready');
        return;
      }
      this.#log.warn({ ...fields, lastOutput }, 'process exited');
      const cause = describeExit(exit);
      for (const listener of [...this.#downListeners]) {
        try {
          listener(id, cause);
        } catch (err) {
          this.#log.error({ environment: id, err }, 'an onDown listener threw');
        }
      }
    } catch (err) {
      this.#log.error({ environment: slot.spec.name, err }, 'handling a process exit failed');
    }
  }

  /** Stops the group of `run` (once, however many ask) and forgets the run when it is empty. */
  #stop(slot: Slot, run: Run): Promise<void> {
    run.gone ??= run.group.stop(this.#stopGrace).then((empty) => {
      if (!empty) this.#log.warn({ environment: slot.spec.name, pid: run.group.pid }, 'part of the process group is still alive after SIGKILL');
      if (slot.run === run) slot.run = null;
    });
    return run.gone;
  }

  /**
   * Installed with the first process: if wakegate exits without `close` (an uncaught error, a
   * `process.exit`), every group it started is killed on the way out. Only synchronous work is
   * possible in an 'exit' handler, hence SIGKILL rather than a graceful stop.
   */
  #guardExit(): void {
    if (this.#exitGuard !== null) return;
    this.#exitGuard = () => {
      for (const slot of this.#slots.values()) slot.run?.group.kill();
    };
    process.on('exit', this.#exitGuard);
  }
}

function spawnFailure(command: readonly string[], cwd: string | null, error: NodeJS.ErrnoException): string {
  const program = `"${command[0] ?? ''}"`;
  switch (error.code) {
    case 'ENOENT':
      return cwd === null ? `cannot start ${program}: no such command` : `cannot start ${program} in ${cwd}: no such command or directory`;
    case 'EACCES':
      return `cannot start ${program}: permission denied`;
    default:
      return `cannot start ${program}: ${error.message}`;
  }
}

/** Resolves with `promise`, or rejects with the abort reason as soon as `signal` aborts. */
function whenOrAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    void promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
