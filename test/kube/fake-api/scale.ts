/**
 * The `/scale` subresource of Deployments and StatefulSets (CONTRACT §4, §7): an autoscaling/v1
 * Scale built from the parent (its metadata and RV; `spec: {}` at zero replicas since `replicas`
 * is omitempty); writes apply only `spec.replicas` to the parent, guarded by the Scale's
 * `resourceVersion` (409) and `uid` (409 precondition), and produce MODIFIED on the parent.
 */
import { badRequest, conflict, invalid } from './errors.js';
import { isObject } from './http-util.js';
import type { Resource } from './resources.js';
import { selectorString } from './selectors.js';
import type { KubeObject, Store } from './store.js';

export function scaleOf(parent: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = parent.metadata;
  const spec = (parent.spec ?? {}) as { replicas?: number; selector?: unknown };
  const status = (parent.status ?? {}) as { replicas?: number };
  const selector = selectorString(spec.selector);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: spec.replicas === undefined || spec.replicas === 0 ? {} : { replicas: spec.replicas },
    status: selector === '' ? { replicas: status.replicas ?? 0 } : { replicas: status.replicas ?? 0, selector },
  };
}

/** Applies a (PUT or patched) Scale to its parent; returns the new Scale. */
export function writeScale(store: Store, resource: Resource, namespace: string, name: string, body: unknown): KubeObject {
  if (!isObject(body) || !isObject(body.metadata)) throw badRequest('Scale in version "v1" cannot be handled as a Scale: missing metadata');
  const metadata = body.metadata as { name?: string; uid?: string; resourceVersion?: string };
  const spec = isObject(body.spec) ? body.spec : {};
  const replicas = spec.replicas ?? 0;
  if (metadata.name !== undefined && metadata.name !== name) throw badRequest(`the name of the object (${metadata.name}) does not match the name on the URL (${name})`);
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid(resource, name, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }]);
  }
  const current = store.get(resource, namespace, name);
  if (current === undefined) return scaleOf(store.modify(resource, namespace, name, () => undefined));
  if (metadata.uid !== undefined && metadata.uid !== '' && metadata.uid !== current.metadata.uid) {
    throw conflict(resource, name, `Precondition failed: UID in precondition: ${metadata.uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
  }
  if (metadata.resourceVersion !== undefined && metadata.resourceVersion !== '' && metadata.resourceVersion !== current.metadata.resourceVersion) throw conflict(resource, name);
  return scaleOf(store.modify(resource, namespace, name, (draft) => {
    draft.spec = { ...(draft.spec as object), replicas };
  }));
}
