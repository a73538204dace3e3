import type { EnvironmentHistory } from './environment-history.js';

export const SAVINGS_WINDOWS = { last24h: 24 * 3_600_000, last7d: 7 * 24 * 3_600_000 } as const;
export type SavingsWindow = keyof typeof SAVINGS_WINDOWS;

export interface WindowSavings {
  readonly asleepHours: number;
  readonly savedReplicaHours: number;
  /** null unless a cost per replica-hour is configured. */
  readonly savedCost: number | null;
}

export type Savings = Readonly<Record<SavingsWindow, WindowSavings>>;

/** `costs` from the config: money per replica-hour, or null when not set. */
export interface CostSettings {
  readonly perReplicaHour: number | null;
  readonly currency: string;
}

const HOUR = 3_600_000;

/** What sleeping saved one environment, over each window ending `now`. */
export function savingsOf(history: EnvironmentHistory, costs: CostSettings, now: number): Savings {
  return {
    last24h: windowSavings(history.asleepMs(now - SAVINGS_WINDOWS.last24h, now), history.sparedReplicaMs(now - SAVINGS_WINDOWS.last24h, now), costs),
    last7d: windowSavings(history.asleepMs(now - SAVINGS_WINDOWS.last7d, now), history.sparedReplicaMs(now - SAVINGS_WINDOWS.last7d, now), costs),
  };
}

/** The sum of several environments' savings (costs are summed as they were computed). */
export function totalSavings(all: Iterable<Savings>, costs: CostSettings): Savings {
  const sum = { last24h: { asleep: 0, replica: 0 }, last7d: { asleep: 0, replica: 0 } };
  for (const s of all) {
    sum.last24h.asleep += s.last24h.asleepHours;
    sum.last24h.replica += s.last24h.savedReplicaHours;
    sum.last7d.asleep += s.last7d.asleepHours;
    sum.last7d.replica += s.last7d.savedReplicaHours;
  }
  return {
    last24h: hoursSavings(sum.last24h.asleep, sum.last24h.replica, costs),
    last7d: hoursSavings(sum.last7d.asleep, sum.last7d.replica, costs),
  };
}

function windowSavings(asleepMs: number, replicaMs: number, costs: CostSettings): WindowSavings {
  return hoursSavings(asleepMs / HOUR, replicaMs / HOUR, costs);
}

function hoursSavings(asleepHours: number, replicaHours: number, costs: CostSettings): WindowSavings {
  return {
    asleepHours: round(asleepHours),
    savedReplicaHours: round(replicaHours),
    savedCost: costs.perReplicaHour === null ? null : round(replicaHours * costs.perReplicaHour),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
