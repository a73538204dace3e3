import type { EnvironmentPhase, SleepReason } from '../observability/metric-labels.js';

/**
 * When an environment may be put to sleep: a pure function of its state, the sleep settings and
 * the time, so the sleeper and the API agree on every answer and a table of cases can pin it down.
 */

/** The `sleep` section of the config, in ms. */
export interface SleepSettings {
  /** Never sleep sooner than this after a wake. */
  readonly minAwake: number;
  /** Cap on continuous awake time even with traffic; null = no cap. */
  readonly maxAwake: number | null;
}

export interface PolicyInput {
  readonly phase: EnvironmentPhase;
  readonly kind: 'static' | 'local' | 'kubernetes';
  /** ms epoch of the last request start or end. */
  readonly lastActivity: number | null;
  /** Open requests, WebSockets, event streams, downloads. */
  readonly inFlight: number;
  /** ms epoch when it last became awake. */
  readonly wokeAt: number | null;
  /** ms; `Infinity` = never sleeps for idleness. */
  readonly idleAfter: number;
  /** ms epoch until which someone asked to keep it awake (`wakegate.io/keep-awake-until`); null = no such wish. */
  readonly keepAwakeUntil?: number | null;
}

/**
 * What to do with one environment now. `because` is shown in the API and the logs; `sleepsAt` is
 * the earliest time it would be put to sleep if nothing else happened (no request, no phase
 * change), or null when that is unknown (requests in flight) or never.
 */
export type Decision =
  | { readonly action: 'sleep'; readonly reason: SleepReason; readonly because: string }
  | { readonly action: 'keep'; readonly because: string; readonly sleepsAt: number | null };

/** Why an environment that is not awake is kept: there is nothing to put to sleep (yet). */
const NOT_AWAKE: Record<Exclude<EnvironmentPhase, 'awake'>, string> = {
  waking: 'waking: idle time counts once it is awake',
  asleep: 'asleep already',
  sleeping: 'sleeping: already going to sleep',
  failed: 'failed: the last wake did not complete',
};

/**
 * The rules, in the order they apply:
 * 1. only an awake local or Kubernetes environment can be put to sleep;
 * 2. requests in flight keep it awake — even past `maxAwake`: cutting a download or a WebSocket
 *    to honour the cap would surprise users more than a cap applied a little late;
 * 2a. a keep-awake wish (`wakegate.io/keep-awake-until`) keeps it awake until that time, cap or not:
 *    someone asked for it explicitly;
 * 3. never sooner than `minAwake` after the wake (the floor wins over the cap if they conflict);
 * 4. awake for `maxAwake` or longer → sleep, traffic or not;
 * 5. `idleAfter` never → keep (until the cap, if any);
 * 6. idle for `idleAfter` or longer → sleep. Idle time counts from the later of the last request
 *    and the wake: requests of an earlier awake period say nothing about this one.
 * Deadlines are inclusive: at exactly the deadline the environment sleeps.
 */
export function decide(input: PolicyInput, settings: SleepSettings, now: number): Decision {
  if (input.kind === 'static') return keep('static environment: always awake', null);
  if (input.phase !== 'awake') return keep(NOT_AWAKE[input.phase], null);

  const { wokeAt, lastActivity, inFlight, idleAfter } = input;
  const floor = wokeAt === null ? null : wokeAt + settings.minAwake;
  const cap = wokeAt === null || settings.maxAwake === null ? null : Math.max(wokeAt + settings.maxAwake, floor ?? -Infinity);
  const idleSince = Math.max(lastActivity ?? wokeAt ?? now, wokeAt ?? -Infinity);
  const idleDeadline = Number.isFinite(idleAfter) ? idleSince + idleAfter : null;
  const capReached = cap !== null && now >= cap;

  if (inFlight > 0) {
    const open = plural(inFlight, 'request');
    if (capReached) return keep(`${open} in flight; the awake-time cap applies when ${inFlight === 1 ? 'it ends' : 'they end'}`, null);
    return keep(`${open} in flight (WebSockets and streams count)`, null);
  }

  const keepUntil = input.keepAwakeUntil ?? null;
  if (keepUntil !== null && now < keepUntil) {
    return keep(`kept awake until ${new Date(keepUntil).toISOString()}`, later(keepUntil, earlier(idleDeadline, cap)));
  }

  if (wokeAt !== null && floor !== null && now < floor) {
    return keep(`woke ${human(now - wokeAt)} ago; minAwake is ${human(settings.minAwake)}`, later(floor, earlier(idleDeadline, cap)));
  }

  if (capReached && wokeAt !== null && settings.maxAwake !== null) {
    return { action: 'sleep', reason: 'max_awake', because: `awake for ${human(now - wokeAt)} (maxAwake ${human(settings.maxAwake)})` };
  }

  if (idleDeadline === null) {
    return keep(settings.maxAwake === null ? 'idleAfter is never' : `idleAfter is never; maxAwake is ${human(settings.maxAwake)}`, cap);
  }

  // Idle time counted from the wake when no request came since: say so rather than "last request".
  const fromWake = wokeAt !== null && (lastActivity === null || lastActivity < wokeAt);
  const idleFor = human(now - idleSince);
  if (now >= idleDeadline) {
    const quiet = fromWake ? `no requests since waking ${idleFor} ago` : `no requests for ${idleFor}`;
    return { action: 'sleep', reason: 'idle', because: `${quiet} (idleAfter ${human(idleAfter)})` };
  }
  const last = fromWake ? `no requests since waking ${idleFor} ago` : lastActivity === null ? 'no requests yet' : `last request ${idleFor} ago`;
  const capFirst = cap !== null && settings.maxAwake !== null && cap < idleDeadline ? `; maxAwake ${human(settings.maxAwake)} comes first` : '';
  return keep(`${last}; sleeps after ${human(idleAfter)} idle${capFirst}`, earlier(idleDeadline, cap));
}

function keep(because: string, sleepsAt: number | null): Decision {
  return { action: 'keep', because, sleepsAt };
}

function earlier(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** The later of a floor and a deadline; no deadline stays no deadline (it never sleeps). */
function later(floor: number, deadline: number | null): number | null {
  return deadline === null ? null : Math.max(floor, deadline);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
] as const;

/**
 * A duration as people read it: the largest unit and, if not zero, the next one (`45s`, `12m`,
 * `1m30s`, `2h`, `2h5m`), rounded down; milliseconds only below a second (`250ms`). Elapsed times
 * are rounded down so "no requests for 10m (idleAfter 10m)" never claims more than is true.
 */
function human(ms: number): string {
  const total = Math.max(0, Math.floor(ms));
  if (total < 1_000) return `${total}ms`;
  for (let i = 0; i < UNITS.length; i++) {
    const [unit, size] = UNITS[i]!;
    if (total < size) continue;
    const whole = Math.floor(total / size);
    const next = UNITS[i + 1];
    const part = next === undefined ? 0 : Math.floor((total % size) / next[1]);
    return next === undefined || part === 0 ? `${whole}${unit}` : `${whole}${unit}${part}${next[0]}`;
  }
  return `${total}ms`;
}
