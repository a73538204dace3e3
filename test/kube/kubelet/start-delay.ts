/**
 * Per-workload start delay: the annotation `fake.wakegate.dev/start-delay` on a Deployment or
 * StatefulSet (a duration such as `"2s"` or `"750ms"`, the config file's syntax) overrides the
 * kubelet's `startDelayMs` for pods created from then on. It stands for image pull, app boot and
 * readiness probe together: the time from "the process listens" to "the pod is Ready".
 * A value that does not parse is ignored (the default applies).
 */
import { parseDuration } from '../../../src/config/duration.js';
import type { KubeObject } from '../fake-api/store.js';

export const START_DELAY_ANNOTATION = 'fake.wakegate.dev/start-delay';

export function durationAnnotation(workload: KubeObject, fallbackMs: number): number {
  const text = workload.metadata.annotations?.[START_DELAY_ANNOTATION];
  if (text === undefined) return fallbackMs;
  const parsed = parseDuration(text);
  return parsed.ok ? parsed.ms : fallbackMs;
}
