/**
 * core/v1 Events as the controllers record them (legacy form, no `eventTime`): `kubectl describe`
 * shows them, and they are how a StatefulSet reports a pod it could not create (it has no condition
 * for it). Events about namespaced objects live in the object's namespace (CONTRACT §7).
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../fake-api/store.js';
import { timestamp } from './names.js';

export interface EventSpec {
  readonly namespace: string;
  readonly involved: { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly uid: string };
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  readonly component: string;
}

export function recordEvent(store: Store, event: EventSpec): void {
  const now = timestamp();
  try {
    store.create('events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${event.involved.name}.${randomBytes(8).toString('hex')}`, namespace: event.namespace },
      involvedObject: { ...event.involved, namespace: event.namespace },
      reason: event.reason,
      message: event.message,
      source: { component: event.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: event.type,
      reportingComponent: event.component,
      reportingInstance: '',
    });
  } catch {
    // Events are best effort, as in a real cluster.
  }
}
