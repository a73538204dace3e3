import { describe, expect, it } from 'vitest';
import { Environment } from '../../../src/environments/environment.js';

const spec = { id: 'shop', kind: 'local' as const, hosts: ['shop.test'], paths: ['/'], upstream: 'http://127.0.0.1:1', idleAfter: 60_000 };

describe('an environment\'s readiness', () => {
  it('releases every waiter at once when it becomes awake', async () => {
    const env = new Environment(spec, 'asleep', 0);
    const waiters = Array.from({ length: 1_000 }, () => env.whenReady(new AbortController().signal));
    expect(env.waiting).toBe(1_000);
    env.setPhase('waking', 1);
    env.setPhase('awake', 2);
    const outcomes = await Promise.all(waiters);
    expect(outcomes.every((o) => o.ready)).toBe(true);
    expect(env.waiting).toBe(0);
  });

  it('answers a waiter that subscribes after the change at once', async () => {
    const env = new Environment(spec, 'waking', 0);
    env.setPhase('awake', 1);
    await expect(env.whenReady(new AbortController().signal)).resolves.toEqual({ ready: true });
  });

  it('releases waiters with the error when the wake fails', async () => {
    const env = new Environment(spec, 'waking', 0);
    const waiting = env.whenReady(new AbortController().signal);
    env.setPhase('failed', 1, 'the process exited with code 1', new Error('the process exited with code 1'));
    const outcome = await waiting;
    expect(outcome.ready).toBe(false);
    expect(!outcome.ready && outcome.error.message).toBe('the process exited with code 1');
  });

  it('forgets a waiter whose signal aborts, with the abort reason', async () => {
    const env = new Environment(spec, 'waking', 0);
    const controller = new AbortController();
    const waiting = env.whenReady(controller.signal);
    controller.abort(new Error('client gone'));
    const outcome = await waiting;
    expect(!outcome.ready && outcome.error.message).toBe('client gone');
    expect(env.waiting).toBe(0);
  });

  it('tells listeners of phase changes and progress, and stops when unsubscribed', () => {
    const env = new Environment(spec, 'asleep', 0);
    const seen: string[] = [];
    const unsubscribe = env.subscribe((event) => seen.push(event.type === 'phase' ? `phase:${event.phase}` : event.type === 'progress' ? `progress:${event.step}` : event.type));
    env.setPhase('waking', 1, 'woken by a request');
    env.progress('starting', 2);
    unsubscribe();
    env.setPhase('awake', 3);
    expect(seen).toEqual(['phase:waking', 'progress:starting']);
    expect(env.lastStep).toBe('starting');
    expect(env.wokeAt).toBe(3);
  });
});

describe('an environment\'s activity', () => {
  it('counts requests in flight and the time of the last one', () => {
    const env = new Environment(spec, 'awake', 0);
    env.activity.begin(10);
    env.activity.begin(20);
    env.activity.end(30);
    expect(env.activity).toMatchObject({ inFlight: 1, requests: 2, lastRequestAt: 30 });
  });
});

describe('an environment\'s savings', () => {
  const kube = { ...spec, kind: 'kubernetes' as const };

  it('starts counting a phase from when it began, when the provider knows it began earlier', () => {
    const env = new Environment(kube, 'asleep', 10 * 3_600_000, 7 * 3_600_000);
    expect(env.phaseSince).toBe(7 * 3_600_000);
    expect(env.history.asleepMs(0, 10 * 3_600_000)).toBe(3 * 3_600_000);
  });

  it('counts the replicas a sleeping Kubernetes environment spares once the provider reports them', () => {
    const env = new Environment(kube, 'asleep', 0);
    env.setReplicas({ current: 0, awake: 3 }, 1);
    expect(env.history.sparedReplicaMs(0, 3_600_000)).toBe(3 * 3_600_000);
  });
});
