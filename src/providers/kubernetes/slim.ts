/**
 * What the informer caches keep of each object: only the fields wakegate reads (objects.ts), so
 * memory grows with the number of objects, not with their size. A Deployment's pod template alone
 * can be kilobytes; thousands of namespaces of them made the caches the bulk of wakegate's memory.
 *
 * Applied to list results (client-node models) and watch events (raw JSON) alike, which also gives
 * both the same shape: no timestamps, no `undefined` members, and the pod template reduced to its
 * hash (`templateHash`), computed here once rather than at every sync.
 *
 * `metadata.resourceVersion` is kept: client-node's informer tracks the watch position with it.
 */
import { templateHash } from './environment-model.js';
import type { WatchedKind } from './cluster-cache.js';

type Json = Record<string, unknown>;

export function slim(kind: WatchedKind, object: unknown): Json {
  const o = (object ?? {}) as Json;
  const metadata = slimMeta(o.metadata as Json | undefined, kind === 'EndpointSlice');
  switch (kind) {
    case 'Namespace':
      return { metadata };
    case 'Deployment':
    case 'StatefulSet': {
      const spec = (o.spec ?? {}) as Json;
      const status = (o.status ?? {}) as Json;
      return {
        metadata,
        spec: defined({ replicas: spec.replicas, selector: spec.selector, template: templateHash(spec.template) }),
        status: defined({
          replicas: status.replicas,
          readyReplicas: status.readyReplicas,
          conditions: (status.conditions as Json[] | undefined)?.map((c) => defined({ type: c.type, status: c.status, reason: c.reason, message: c.message })),
        }),
      };
    }
    case 'Service': {
      const spec = (o.spec ?? {}) as Json;
      return { metadata, spec: { ports: ((spec.ports as Json[] | null | undefined) ?? []).map((p) => defined({ name: p.name, port: p.port, targetPort: p.targetPort })) } };
    }
    case 'EndpointSlice':
      return {
        metadata,
        addressType: o.addressType,
        endpoints: ((o.endpoints as Json[] | null | undefined) ?? []).map((e) => ({
          addresses: e.addresses,
          conditions: defined({ ready: (e.conditions as Json | undefined)?.ready }),
        })),
        ports: ((o.ports as Json[] | null | undefined) ?? []).map((p) => defined({ name: p.name, port: p.port })),
      };
    case 'Ingress': {
      const spec = (o.spec ?? {}) as Json;
      return {
        metadata,
        spec: {
          rules: ((spec.rules as Json[] | null | undefined) ?? []).map((rule) =>
            defined({
              host: rule.host,
              http: {
                paths: ((rule.http as Json | undefined)?.paths as Json[] | undefined ?? []).map((path) =>
                  defined({ path: path.path, pathType: path.pathType, backend: defined({ service: (path.backend as Json | undefined)?.service }) }),
                ),
              },
            }),
          ),
        },
      };
    }
  }
}

function slimMeta(metadata: Json | undefined, keepServiceName: boolean): Json {
  const m = metadata ?? {};
  const labels = m.labels as Record<string, string> | undefined;
  const serviceName = labels?.['kubernetes.io/service-name'];
  return defined({
    name: m.name,
    namespace: m.namespace,
    resourceVersion: m.resourceVersion,
    annotations: wakegateAnnotations(m.annotations as Record<string, string> | null | undefined),
    labels: keepServiceName && serviceName !== undefined ? { 'kubernetes.io/service-name': serviceName } : undefined,
  });
}

/** Only `wakegate.io/*` annotations are read (kubectl's last-applied-configuration alone can be kilobytes). */
function wakegateAnnotations(annotations: Record<string, string> | null | undefined): Record<string, string> | undefined {
  if (annotations === null || annotations === undefined) return undefined;
  let kept: Record<string, string> | undefined;
  for (const key in annotations) {
    if (!key.startsWith('wakegate.io/')) continue;
    kept ??= {};
    kept[key] = annotations[key] as string;
  }
  return kept;
}

/**
 * A copy of `object` without its undefined and null members. Built by adding the members that are
 * there, never by `delete`: deleting a member other than the last one added turns a V8 object into a
 * dictionary (a hash table of ~450 bytes), and with thousands of namespaces the cached objects' metadata
 * alone made up about 18 MB of such tables.
 */
function defined(object: Json): Json {
  const kept: Json = {};
  for (const key in object) {
    const value = object[key];
    if (value !== undefined && value !== null) kept[key] = value;
  }
  return kept;
}
