/**
 * The real process behind a pod (`pod-app.mjs`), started as the leader of its own process group
 * with the project's `ProcessGroup`, so that stopping it signals everything it may have started.
 *
 * Contract: `started` resolves once — `listening` when every port is bound, `address-in-use` when a
 * port is taken on the pod's address (the process has exited; nothing was reported), `exited` when
 * it ended before listening (a crashing container). `exited` resolves whenever the process ends.
 * Every live group is SIGKILLed if the Node process exits without `stop` (the exit guard below);
 * the pod app also exits by itself when it sees its parent gone.
 */
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ProcessGroup, type Exit } from '../../../src/providers/local/process-group.js';

const POD_APP = fileURLToPath(new URL('./pod-app.mjs', import.meta.url));
const ADDRESS_IN_USE_EXIT = 98;

export type Started = { readonly kind: 'listening' } | { readonly kind: 'address-in-use' } | { readonly kind: 'exited'; readonly exit: Exit; readonly output: string };

export interface PodProcessOptions {
  readonly name: string;
  readonly namespace: string;
  readonly ip: string;
  readonly ports: readonly number[];
  /** The container crashes at start (CrashLoopBackOff). */
  readonly crash: boolean;
}

export class PodProcess {
  readonly started: Promise<Started>;
  readonly exited: Promise<Exit>;
  readonly #group: ProcessGroup | null;
  #output = '';

  constructor(options: PodProcessOptions) {
    let report: (started: Started) => void = () => undefined;
    this.started = new Promise((resolve) => (report = resolve));
    const spawned = ProcessGroup.spawn({
      command: [process.execPath, POD_APP],
      env: {
        PATH: process.env.PATH,
        POD_NAME: options.name,
        POD_NAMESPACE: options.namespace,
        POD_IP: options.ip,
        POD_PORTS: options.ports.join(','),
        ...(options.crash ? { POD_CRASH: '1' } : {}),
      },
      cwd: null,
      follow: (stream) => {
        stream.on('data', (chunk: Buffer) => {
          this.#output = (this.#output + chunk.toString()).slice(-2_000);
        });
        createInterface({ input: stream }).on('line', (line) => {
          if (line.startsWith('{"listening"')) report({ kind: 'listening' });
        });
      },
    });
    if ('failed' in spawned) {
      this.#group = null;
      const exit: Exit = { code: 127, signal: null };
      this.exited = spawned.failed.then(() => exit);
      void this.exited.then(() => report({ kind: 'exited', exit, output: 'cannot start the pod process' }));
      return;
    }
    const group = spawned.group;
    this.#group = group;
    live.add(group);
    guardExit();
    this.exited = group.exited.then((exit) => {
      live.delete(group);
      return exit;
    });
    void this.exited.then(async (exit) => {
      // Let the last output lines arrive before judging why it ended.
      await Promise.race([group.outputClosed, new Promise((resolve) => setTimeout(resolve, 200))]);
      report(exit.code === ADDRESS_IN_USE_EXIT ? { kind: 'address-in-use' } : { kind: 'exited', exit, output: this.#output });
    });
  }

  get pid(): number | null {
    return this.#group?.pid ?? null;
  }

  /** SIGTERM to the group, SIGKILL after `grace` ms; resolves when it is gone. Idempotent. */
  async stop(grace = 2_000): Promise<void> {
    if (this.#group === null) return;
    await this.#group.stop(grace);
    live.delete(this.#group);
  }
}

/** Groups not yet known to be gone, for the exit guard. */
const live = new Set<ProcessGroup>();
let guarded = false;

/** Only synchronous work is possible in an 'exit' handler, hence SIGKILL rather than a graceful stop. */
function guardExit(): void {
  if (guarded) return;
  guarded = true;
  process.on('exit', () => {
    for (const group of live) group.kill();
  });
}

/** How many pod processes of this Node process are alive (for tests: zero after `close`). */
export function livePodProcesses(): number {
  return live.size;
}
