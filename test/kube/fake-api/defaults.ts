/** Defaults the registry applies on create that the proxy and kubectl observe (CONTRACT §4). */
import type { Resource } from './resources.js';
import type { KubeObject } from './store.js';

/** Replicas default to 1 (CONTRACT §4), namespaces are Active, CronJobs are not suspended (CONTRACT §13). */
export function applyCreateDefaults(resource: Resource, object: KubeObject): void {
  if (resource === 'deployments' || resource === 'statefulsets') {
    const spec = (object.spec ?? {}) as Record<string, unknown>;
    if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
    object.spec = spec;
  } else if (resource === 'namespaces') {
    object.spec ??= { finalizers: ['kubernetes'] };
    object.status ??= { phase: 'Active' };
  } else if (resource === 'cronjobs') {
    const spec = (object.spec ?? {}) as Record<string, unknown>;
    spec.suspend ??= false;
    spec.concurrencyPolicy ??= 'Allow';
    spec.successfulJobsHistoryLimit ??= 3;
    spec.failedJobsHistoryLimit ??= 1;
    object.spec = spec;
  }
}
