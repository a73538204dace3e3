/**
 * The `wakegate.io/*` labels and annotations (ARCHITECTURE §4), and how their values are read.
 * A value that cannot be read is reported, never guessed: the caller logs it and uses the default.
 */
import { parseDuration } from '../../config/duration.js';

export const ANNOTATIONS = {
  /** Namespace: per-environment idle timeout (`45m`), or `never`. */
  idleAfter: 'wakegate.io/idle-after',
  /** Namespace: RFC 3339 time of the last request any replica saw (written batched). */
  lastActivity: 'wakegate.io/last-activity',
  /** Namespace: the last phase wakegate wrote, for humans and other replicas. */
  phase: 'wakegate.io/phase',
  /**
   * Namespace: RFC 3339 time at which `phase` began (written with it). A wakegate that starts while
   * the namespace sleeps counts the sleep, and what it saves, from there rather than from its start.
   */
  phaseSince: 'wakegate.io/phase-since',
  /** Namespace: RFC 3339 time until which the sleeper leaves the environment awake. */
  keepAwakeUntil: 'wakegate.io/keep-awake-until',
  /** Namespace: who asked for `keep-awake-until` (free text, shown by the API and dashboard). */
  keepAwakeBy: 'wakegate.io/keep-awake-by',
  /** Namespace: `"true"` suspends its CronJobs while asleep. */
  suspendCronJobs: 'wakegate.io/suspend-cronjobs',
  /** Workload: replicas before sleep; wake restores this (default 1). */
  sleepReplicas: 'wakegate.io/sleep-replicas',
  /** Workload: lower wakes first; equal orders wake together. */
  wakeOrder: 'wakegate.io/wake-order',
  /** Workload: `"true"`: never scaled by wakegate. */
  ignore: 'wakegate.io/ignore',
  /**
   * CronJob: set by wakegate when it suspended the CronJob for sleep, so a wake resumes only the
   * CronJobs it suspended (one a user suspended stays suspended).
   */
  suspendedForSleep: 'wakegate.io/suspended-for-sleep',
} as const;

export type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** `wakegate.io/idle-after`: a duration in ms, `Infinity` for `never`, or null when absent. */
export function readIdleAfter(value: string | undefined): Read<number | null> {
  if (value === undefined || value === '') return { ok: true, value: null };
  if (value.trim().toLowerCase() === 'never') return { ok: true, value: Infinity };
  const parsed = parseDuration(value.trim());
  if (!parsed.ok || parsed.ms <= 0) return { ok: false, problem: `${ANNOTATIONS.idleAfter}: "${value}" is not a duration like 45m or 2h, nor "never"` };
  return { ok: true, value: parsed.ms };
}

/** A replica count: a non-negative integer; null when absent. */
export function readReplicas(value: string | undefined): Read<number | null> {
  if (value === undefined || value === '') return { ok: true, value: null };
  if (!/^\d{1,6}$/.test(value.trim())) return { ok: false, problem: `${ANNOTATIONS.sleepReplicas}: "${value}" is not a whole number of replicas` };
  return { ok: true, value: Number(value.trim()) };
}

/** `wakegate.io/wake-order`: an integer (negative allowed); 0 when absent. */
export function readWakeOrder(value: string | undefined): Read<number> {
  if (value === undefined || value === '') return { ok: true, value: 0 };
  if (!/^-?\d{1,6}$/.test(value.trim())) return { ok: false, problem: `${ANNOTATIONS.wakeOrder}: "${value}" is not a whole number` };
  return { ok: true, value: Number(value.trim()) };
}

/** A `"true"` flag: only the exact string `true` (any case) sets it, as for Kubernetes' own boolean annotations. */
export function readFlag(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() === 'true';
}

/** An RFC 3339 time in ms epoch; null when absent. */
export function readTime(key: string, value: string | undefined): Read<number | null> {
  if (value === undefined || value === '') return { ok: true, value: null };
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) return { ok: false, problem: `${key}: "${value}" is not an RFC 3339 time` };
  return { ok: true, value: ms };
}

/** RFC 3339 with second precision, as Kubernetes writes its own `Time` fields. */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
