import { describe, expect, it } from 'vitest';

import { decide, type Decision, type PolicyInput, type SleepSettings } from '../../../src/sleep/policy.js';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
/** When the environment woke; every case counts from here. */
const T = Date.UTC(2025, 0, 1);

const AWAKE: PolicyInput = { phase: 'awake', kind: 'local', lastActivity: null, inFlight: 0, wokeAt: T, idleAfter: 10 * M };
const SETTINGS: SleepSettings = { minAwake: 2 * M, maxAwake: null };

interface Case {
  readonly name: string;
  readonly input?: Partial<PolicyInput>;
  readonly settings?: Partial<SleepSettings>;
  /** ms after T. */
  readonly at: number;
  readonly expected: Decision;
}

const keep = (because: string, sleepsAt: number | null): Decision => ({ action: 'keep', because, sleepsAt });
const idle = (because: string): Decision => ({ action: 'sleep', reason: 'idle', because });
const capped = (because: string): Decision => ({ action: 'sleep', reason: 'max_awake', because });

const cases: Case[] = [
  // Static environments and phases other than awake.
  { name: 'keeps a static environment awake however long it is idle', input: { kind: 'static', lastActivity: T }, at: 2 * D, expected: keep('static environment: always awake', null) },
  { name: 'keeps a static environment awake past maxAwake', input: { kind: 'static' }, settings: { maxAwake: H }, at: 2 * H, expected: keep('static environment: always awake', null) },
  { name: 'sleeps a kubernetes environment like a local one', input: { kind: 'kubernetes', lastActivity: T }, at: 10 * M, expected: idle('no requests for 10m (idleAfter 10m)') },

  // Requests in flight.
  { name: 'keeps an environment with one request in flight', input: { inFlight: 1, lastActivity: T }, at: 2 * H, expected: keep('1 request in flight (WebSockets and streams count)', null) },
  { name: 'keeps an environment with several requests in flight', input: { inFlight: 3, lastActivity: T }, at: 2 * H, expected: keep('3 requests in flight (WebSockets and streams count)', null) },
  { name: 'names requests in flight rather than minAwake when both keep it', input: { inFlight: 2 }, at: 30 * S, expected: keep('2 requests in flight (WebSockets and streams count)', null) },
  { name: 'lets requests in flight finish once maxAwake is reached', input: { inFlight: 2, lastActivity: T + 12 * H - S }, settings: { maxAwake: 12 * H }, at: 12 * H, expected: keep('2 requests in flight; the awake-time cap applies when they end', null) },
  { name: 'lets a single request in flight finish once maxAwake is reached', input: { inFlight: 1 }, settings: { maxAwake: 12 * H }, at: 13 * H, expected: keep('1 request in flight; the awake-time cap applies when it ends', null) },

  // Keep-awake wishes (wakegate.io/keep-awake-until).
  { name: 'keeps an idle environment awake until its keep-awake time', input: { lastActivity: T, keepAwakeUntil: T + 4 * H }, at: 2 * H, expected: keep('kept awake until 2025-01-01T04:00:00.000Z', T + 4 * H) },
  { name: 'keeps it awake past maxAwake while the wish lasts', input: { keepAwakeUntil: T + 4 * H }, settings: { maxAwake: H }, at: 2 * H, expected: keep('kept awake until 2025-01-01T04:00:00.000Z', T + 4 * H) },
  { name: 'sleeps an idle environment once its keep-awake time has passed', input: { lastActivity: T, keepAwakeUntil: T + 4 * H }, at: 4 * H, expected: idle('no requests for 4h (idleAfter 10m)') },

  // minAwake.
  { name: 'keeps an environment awake during minAwake; it sleeps at the idle deadline', at: 45 * S, expected: keep('woke 45s ago; minAwake is 2m', T + 10 * M) },
  { name: 'writes a wake less than a second ago in milliseconds', at: 250, expected: keep('woke 250ms ago; minAwake is 2m', T + 10 * M) },
  { name: 'keeps an environment idle past idleAfter until minAwake ends', settings: { minAwake: 15 * M }, at: 12 * M, expected: keep('woke 12m ago; minAwake is 15m', T + 15 * M) },
  { name: 'sleeps an idle environment exactly when minAwake ends', settings: { minAwake: 15 * M }, at: 15 * M, expected: idle('no requests since waking 15m ago (idleAfter 10m)') },
  { name: 'gives no sleepsAt during minAwake when idleAfter is never and there is no cap', input: { idleAfter: Infinity }, at: M, expected: keep('woke 1m ago; minAwake is 2m', null) },
  { name: 'gives the maxAwake deadline during minAwake when idleAfter is never', input: { idleAfter: Infinity }, settings: { maxAwake: 12 * H }, at: M, expected: keep('woke 1m ago; minAwake is 2m', T + 12 * H) },
  { name: 'lets minAwake win over a shorter maxAwake', settings: { minAwake: 15 * M, maxAwake: 5 * M }, input: { lastActivity: T + 9 * M }, at: 10 * M, expected: keep('woke 10m ago; minAwake is 15m', T + 15 * M) },

  // maxAwake.
  { name: 'sleeps an environment with recent traffic exactly at maxAwake', input: { lastActivity: T + 12 * H - S }, settings: { maxAwake: 12 * H }, at: 12 * H, expected: capped('awake for 12h (maxAwake 12h)') },
  { name: 'keeps an environment with traffic until maxAwake; sleepsAt is the cap', input: { lastActivity: T + 12 * H - M }, settings: { maxAwake: 12 * H }, at: 12 * H - 1, expected: keep('last request 59s ago; sleeps after 10m idle; maxAwake 12h comes first', T + 12 * H) },
  { name: 'reports maxAwake when an environment is also idle', input: { lastActivity: T }, settings: { maxAwake: 12 * H }, at: 13 * H, expected: capped('awake for 13h (maxAwake 12h)') },
  { name: 'gives the idle deadline when it comes before maxAwake', input: { lastActivity: T + H }, settings: { maxAwake: 12 * H }, at: H + 3 * M, expected: keep('last request 3m ago; sleeps after 10m idle', T + H + 10 * M) },

  // idleAfter never.
  { name: 'keeps an environment whose idleAfter is never', input: { idleAfter: Infinity, lastActivity: T }, at: 30 * D, expected: keep('idleAfter is never', null) },
  { name: 'gives the maxAwake deadline when idleAfter is never', input: { idleAfter: Infinity, lastActivity: T }, settings: { maxAwake: 12 * H }, at: H, expected: keep('idleAfter is never; maxAwake is 12h', T + 12 * H) },
  { name: 'applies maxAwake when idleAfter is never', input: { idleAfter: Infinity }, settings: { maxAwake: 12 * H }, at: 12 * H, expected: capped('awake for 12h (maxAwake 12h)') },

  // Idleness.
  { name: 'keeps an environment before its idle deadline', input: { lastActivity: T + 5 * M }, at: 8 * M, expected: keep('last request 3m ago; sleeps after 10m idle', T + 15 * M) },
  { name: 'keeps an environment one millisecond before its idle deadline', input: { lastActivity: T + M }, at: 11 * M - 1, expected: keep('last request 9m59s ago; sleeps after 10m idle', T + 11 * M) },
  { name: 'sleeps an environment exactly at its idle deadline', input: { lastActivity: T + M }, at: 11 * M, expected: idle('no requests for 10m (idleAfter 10m)') },
  { name: 'sleeps an environment past its idle deadline', input: { lastActivity: T + M }, at: 13 * M, expected: idle('no requests for 12m (idleAfter 10m)') },
  { name: 'counts idle time from the wake when no request came since', at: 5 * M, expected: keep('no requests since waking 5m ago; sleeps after 10m idle', T + 10 * M) },
  { name: 'ignores requests from before the wake', input: { lastActivity: T - H }, at: 10 * M, expected: idle('no requests since waking 10m ago (idleAfter 10m)') },
  { name: 'writes minutes and seconds', input: { lastActivity: T + 3 * M, idleAfter: M }, at: 4 * M + 30 * S, expected: idle('no requests for 1m30s (idleAfter 1m)') },
  { name: 'writes hours and minutes', input: { lastActivity: T + 3 * M, idleAfter: 2 * H }, at: 2 * H + 8 * M, expected: idle('no requests for 2h5m (idleAfter 2h)') },
  { name: 'writes days and hours', input: { lastActivity: T, idleAfter: D }, at: D + 2 * H + 59 * M, expected: idle('no requests for 1d2h (idleAfter 1d)') },
  { name: 'keeps an environment with no wake time and no requests, counting from now', input: { wokeAt: null }, at: H, expected: keep('no requests yet; sleeps after 10m idle', T + H + 10 * M) },
];

describe('decide', () => {
  it.each(cases)('$name', ({ input, settings, at, expected }) => {
    expect(decide({ ...AWAKE, ...input }, { ...SETTINGS, ...settings }, T + at)).toEqual(expected);
  });

  it.each(['waking', 'asleep', 'sleeping', 'failed'] as const)('keeps a %s environment and names its phase', (phase) => {
    const decision = decide({ ...AWAKE, phase, lastActivity: T }, { ...SETTINGS, maxAwake: H }, T + D);
    expect(decision).toMatchObject({ action: 'keep', sleepsAt: null });
    expect(decision.because).toMatch(new RegExp(`^${phase}\\b`));
  });
});
