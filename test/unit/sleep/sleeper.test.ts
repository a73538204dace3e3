import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import { Environment, type EnvironmentSpec } from '../../../src/environments/environment.js';
import type { SleepReason } from '../../../src/observability/metric-labels.js';
import { Sleeper, type SleeperDeps } from '../../../src/sleep/sleeper.js';

const M = 60_000;
const CHECK_EVERY = 30_000;

/** A scheduler that runs nothing until the test says so. */
class ManualScheduler {
  readonly tasks: { fn: () => void; ms: number; cancelled: boolean }[] = [];

  readonly schedule = (fn: () => void, ms: number): { cancel(): void } => {
    const task = { fn, ms, cancelled: false };
    this.tasks.push(task);
    return { cancel: () => void (task.cancelled = true) };
  };

  get pending(): { ms: number }[] {
    return this.tasks.filter((task) => !task.cancelled);
  }

  /** Runs the one pending task, as its timer would. */
  fire(): void {
    const pending = this.tasks.filter((task) => !task.cancelled);
    expect(pending).toHaveLength(1);
    const task = pending[0]!;
    task.cancelled = true;
    task.fn();
  }
}

/** A promise the test settles by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every settled promise run its callbacks. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function logLines(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

function environment(id: string, spec: Partial<EnvironmentSpec> = {}, wokeAt = 0): Environment {
  const full: EnvironmentSpec = { id, kind: 'local', hosts: [`${id}.localhost`], paths: ['/'], upstream: 'http://127.0.0.1:1', idleAfter: 10 * M, ...spec };
  return new Environment(full, 'awake', wokeAt);
}

interface Rig {
  readonly sleeper: Sleeper;
  readonly scheduler: ManualScheduler;
  readonly calls: { id: string; reason: SleepReason; because: string }[];
  readonly logs: () => Record<string, unknown>[];
  /** The injected clock: set `now` to move time. */
  readonly clock: { now: number };
}

/** A sleeper over `envs` at time `clock`; `sleep` records each call and returns what `respond` gives. */
function rig(envs: Environment[], respond: (env: Environment) => Promise<void> = () => Promise.resolve(), overrides: Partial<SleeperDeps> = {}): Rig {
  const scheduler = new ManualScheduler();
  const out = logLines();
  const calls: Rig['calls'] = [];
  const clock = { now: 0 };
  const sleeper = new Sleeper({
    environments: () => envs,
    settings: { minAwake: 2 * M, maxAwake: null },
    checkEvery: CHECK_EVERY,
    sleep: (env, reason, because) => {
      calls.push({ id: env.id, reason, because });
      return respond(env);
    },
    logger: pino({ level: 'info' }, out.stream),
    now: () => clock.now,
    schedule: scheduler.schedule,
    ...overrides,
  });
  return { sleeper, scheduler, calls, logs: out.lines, clock };
}

describe('Sleeper', () => {
  it('puts the idle environment to sleep and keeps the busy, recent and static ones', async () => {
    const idle = environment('idle');
    const busy = environment('busy');
    busy.activity.begin(M);
    const recent = environment('recent');
    recent.activity.begin(14 * M);
    recent.activity.end(14 * M);
    const fixed = environment('fixed', { kind: 'static' });
    const r = rig([idle, busy, recent, fixed]);
    r.clock.now = 20 * M;

    await r.sleeper.checkNow();

    expect(r.calls).toEqual([{ id: 'idle', reason: 'idle', because: 'no requests since waking 20m ago (idleAfter 10m)' }]);
    expect(r.logs()).toEqual([
      expect.objectContaining({ level: 30, environment: 'idle', reason: 'idle', because: 'no requests since waking 20m ago (idleAfter 10m)', msg: 'putting environment to sleep' }),
    ]);
  });

  it('logs a failed sleep at warn and still puts the other environments to sleep', async () => {
    const envs = ['a', 'b', 'c'].map((id) => environment(id));
    const r = rig(envs, (env) => (env.id === 'a' ? Promise.reject(new Error('scale-down refused')) : Promise.resolve()));
    r.clock.now = 20 * M;

    await r.sleeper.checkNow();

    expect(r.calls.map((call) => call.id)).toEqual(['a', 'b', 'c']);
    const warnings = r.logs().filter((line) => line.level === 40);
    expect(warnings).toEqual([expect.objectContaining({ environment: 'a', reason: 'idle', msg: 'could not put environment to sleep', err: expect.objectContaining({ message: 'scale-down refused' }) })]);
  });

  it('survives a sleep that throws instead of rejecting', async () => {
    const envs = ['a', 'b'].map((id) => environment(id));
    const r = rig(envs, (env) => {
      if (env.id === 'a') throw new Error('not wired');
      return Promise.resolve();
    });
    r.clock.now = 20 * M;

    await r.sleeper.checkNow();

    expect(r.calls.map((call) => call.id)).toEqual(['a', 'b']);
    expect(r.logs().filter((line) => line.level === 40)).toHaveLength(1);
  });

  it('schedules the next pass checkEvery after a pass ends, never while one runs', async () => {
    const stop = deferred();
    const r = rig([environment('shop')], () => stop.promise);
    r.sleeper.start();
    expect(r.scheduler.pending).toEqual([expect.objectContaining({ ms: CHECK_EVERY })]);
    r.clock.now = 20 * M;

    r.scheduler.fire();
    await settle();
    expect(r.calls).toHaveLength(1);
    expect(r.scheduler.pending).toEqual([]);

    // An explicit check during the pass joins it instead of starting a second one.
    const joined = r.sleeper.checkNow();
    await settle();
    expect(r.calls).toHaveLength(1);

    stop.resolve();
    await joined;
    await settle();
    expect(r.scheduler.pending).toEqual([expect.objectContaining({ ms: CHECK_EVERY })]);
    await r.sleeper.stop();
  });

  it('keeps checking after a pass whose environment list throws', async () => {
    const r = rig([], undefined, {
      environments: () => {
        throw new Error('route table not built');
      },
    });
    r.sleeper.start();
    r.scheduler.fire();
    await settle();

    expect(r.logs()).toEqual([expect.objectContaining({ level: 50, msg: 'could not list environments to check for idleness' })]);
    expect(r.scheduler.pending).toHaveLength(1);
    await r.sleeper.stop();
  });

  it('decides each environment right before putting it to sleep', async () => {
    const gate = deferred();
    const envs = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => environment(id));
    const r = rig(envs, () => gate.promise);
    r.clock.now = 20 * M;

    const pass = r.sleeper.checkNow();
    await settle();
    // A few at a time: the rest wait for a free slot.
    expect(r.calls.map((call) => call.id)).toEqual(['a', 'b', 'c', 'd']);

    // A request reaches `e` while the first stops are under way: it is no longer idle.
    envs[4]!.activity.begin(r.clock.now);
    gate.resolve();
    await pass;

    expect(r.calls.map((call) => call.id)).toEqual(['a', 'b', 'c', 'd', 'f']);
  });

  it('stop cancels the next check', async () => {
    const r = rig([environment('shop')]);
    r.sleeper.start();
    await r.sleeper.stop();

    expect(r.scheduler.pending).toEqual([]);
    r.sleeper.start();
    expect(r.scheduler.pending).toEqual([]);
    await r.sleeper.checkNow();
    expect(r.calls).toEqual([]);
  });

  it('stop waits for a pass in progress, which starts no further sleep', async () => {
    const stops: (() => void)[] = [];
    const envs = ['a', 'b', 'c', 'd', 'e'].map((id) => environment(id));
    const r = rig(envs, () => {
      const stop = deferred();
      stops.push(stop.resolve);
      return stop.promise;
    });
    r.clock.now = 20 * M;
    r.sleeper.start();
    r.scheduler.fire();
    await settle();
    // a to d are going to sleep; e waits for a free slot.
    expect(r.calls.map((call) => call.id)).toEqual(['a', 'b', 'c', 'd']);

    let stopped = false;
    const stopping = r.sleeper.stop().then(() => {
      stopped = true;
    });
    stops[0]!();
    await settle();
    expect(stopped).toBe(false);

    for (const stop of stops) stop();
    await stopping;
    expect(r.calls.map((call) => call.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(r.scheduler.pending).toEqual([]);
  });

  it('explains why an environment is awake and when it would sleep', () => {
    const shop = environment('shop');
    shop.activity.begin(3 * M);
    shop.activity.end(4 * M);
    const r = rig([shop]);
    r.clock.now = 6 * M;

    expect(r.sleeper.explain(shop)).toEqual({ action: 'keep', because: 'last request 2m ago; sleeps after 10m idle', sleepsAt: 14 * M });
  });
});
