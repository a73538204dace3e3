/**
 * The bounded label values of wakegate's metrics. Every label a metric carries takes its values from
 * one of these lists (or, for `environment`, from the configured environments only when
 * `metrics.perEnvironment` is on): random hosts, paths or error messages never become series.
 * Series for every listed value exist from the start at 0, so `rate()` and alerts see them before
 * the first event.
 */

export const CODE_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type CodeClass = (typeof CODE_CLASSES)[number];

export const ENVIRONMENT_PHASES = ['awake', 'waking', 'asleep', 'sleeping', 'failed'] as const;
export type EnvironmentPhase = (typeof ENVIRONMENT_PHASES)[number];

/**
 * How a cold start (one wake of one environment, shared by every request it held) ended:
 * `success` ready and released its requests; `failure` the wake failed (API error, process exited,
 * a workload that cannot start); `timeout` not ready before `wake.timeout`.
 */
export const COLD_START_RESULTS = ['success', 'failure', 'timeout'] as const;
export type ColdStartResult = (typeof COLD_START_RESULTS)[number];

/** Why an environment was put to sleep: idle timeout, the `sleep.maxAwake` cap, or an explicit request (API/CLI). */
export const SLEEP_REASONS = ['idle', 'max_awake', 'manual'] as const;
export type SleepReason = (typeof SLEEP_REASONS)[number];

/**
 * How forwarding to an upstream failed: `refused` nothing listening; `reset` connection dropped;
 * `timeout` no response head within `forward.responseHeaderTimeout`; `protocol` an invalid response;
 * `other` anything else.
 */
export const UPSTREAM_ERROR_KINDS = ['refused', 'reset', 'timeout', 'protocol', 'other'] as const;
export type UpstreamErrorKind = (typeof UPSTREAM_ERROR_KINDS)[number];

/** Kubernetes API verbs, as RBAC names them. */
export type KubeVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** An HTTP status from the API server, or what happened when no response arrived. */
export type KubeErrorCode = number | 'network' | 'timeout';

/**
 * Index of the status class in CODE_CLASSES. Statuses outside 100..599 (which Node can send, but
 * which no client understands) are clamped into the nearest class rather than creating a series.
 */
export function codeClassIndex(statusCode: number): number {
  const index = Math.floor(statusCode / 100) - 1;
  if (index < 0) return 0;
  if (index > 4) return 4;
  return index;
}

/** `wakegate_wake_phase_seconds{phase}`: where a wake's time went (docs/admin-api.md, "Wake phases"). */
export const WAKE_PHASES = ['scale_request', 'start', 'readiness', 'first_byte'] as const;
export type WakePhase = (typeof WAKE_PHASES)[number];

/** `window` of the savings gauges. */
export const SAVINGS_WINDOW_LABELS = ['24h', '7d'] as const;
export type SavingsWindowLabel = (typeof SAVINGS_WINDOW_LABELS)[number];
