import { setTimeout as sleep } from 'node:timers/promises';
import type { EnvironmentView } from '../admin/types.js';
import { apiUrl, type AdminTarget } from './admin-client.js';
import { openEventStream, type EventStream } from './server-sent-events.js';

export interface ProgressArgs {
  readonly target: AdminTarget;
  readonly id: string;
  readonly out: NodeJS.WritableStream;
  /** When the command started (ms since the epoch): lines show the time since. */
  readonly started: number;
}

/** Frames the server wrote before its answer to the request may still be on their way. */
const SETTLE_MS = 50;

/**
 * Runs `work` (a wake or sleep request) while following the environment's events
 * (`GET /api/v1/events?env=ID`), printing each new wake step and each phase change as a line with
 * the seconds since `started`: `  3.1s  Deployment web: 1/3 replicas ready`, `  0.2s  phase: waking`.
 *
 * The stream is open before `work` starts, so no step is missed; when the environment is already
 * waking, the step it is at is printed first. Phase changes are printed until `work` settles (its
 * answer has the final phase); steps still in flight then are printed too. When the stream cannot be
 * opened (an unknown environment, an admin API without events) `work` runs without progress, and
 * its own answer says what is wrong. Resolves or rejects as `work` does.
 */
export async function withProgress<T>(args: ProgressArgs, work: () => Promise<T>): Promise<T> {
  let stream: EventStream | null = null;
  try {
    stream = await openEventStream(apiUrl(args.target, '/api/v1/events', { env: args.id }), { connectMs: 5_000 });
  } catch {
    stream = null;
  }
  if (stream === null) return work();
  const printer = new ProgressPrinter(args);
  const following = follow(stream, printer);
  try {
    return await work();
  } finally {
    printer.done = true;
    await sleep(SETTLE_MS);
    stream.close();
    await following;
  }
}

async function follow(stream: EventStream, printer: ProgressPrinter): Promise<void> {
  try {
    for await (const event of stream.events) {
      if (event.event === 'progress') printer.step((JSON.parse(event.data) as { step: string }).step);
      else if (event.event === 'environment') printer.view(JSON.parse(event.data) as EnvironmentView);
    }
  } catch {
    // A dropped stream only ends the progress lines: the request's answer still comes.
  }
}

class ProgressPrinter {
  /** Set once the request has its answer: no more phase lines. */
  done = false;
  readonly #args: ProgressArgs;
  #phase: string | null = null;
  #step: string | null = null;

  constructor(args: ProgressArgs) {
    this.#args = args;
  }

  /** A wake step; it means the environment is waking, which its (coalesced) view may tell only later. */
  step(step: string): void {
    if (this.#phase !== null && this.#phase !== 'waking' && !this.done) {
      this.#phase = 'waking';
      this.#line('phase: waking');
    }
    if (step === this.#step) return;
    this.#step = step;
    this.#line(step);
  }

  view(view: EnvironmentView): void {
    const first = this.#phase === null;
    if (!first && view.phase !== this.#phase && !this.done) this.#line(`phase: ${view.phase}`);
    this.#phase = view.phase;
    // A step named by a view is one the stream's progress events may have come before (a wake
    // already under way when the stream opened).
    if (view.phase === 'waking' && typeof view.wakeStep === 'string') this.step(view.wakeStep);
  }

  #line(text: string): void {
    const elapsed = ((Date.now() - this.#args.started) / 1000).toFixed(1);
    this.#args.out.write(`${elapsed.padStart(5)}s  ${text}\n`);
  }
}
