import { describe, expect, it } from 'vitest';
import { validateAs, validateObject } from './validate.js';

// Shapes as a release-1.34 API server serves them (CONTRACT §4), trimmed to what matters.
const metadata = {
  name: 'web',
  namespace: 'dev-alice',
  uid: '0b4f4c1e-4f3a-4d0c-9a55-4a8f0e8d1a10',
  resourceVersion: '4711',
  generation: 3,
  creationTimestamp: '2026-11-26T10:00:00Z',
  labels: { 'app.kubernetes.io/name': 'web' },
  annotations: { 'wakegate.io/sleep-replicas': '2' },
};

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata,
  spec: {
    replicas: 2,
    selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
    template: {
      metadata: { labels: { 'app.kubernetes.io/name': 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
            resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: 128974848 } },
          },
        ],
      },
    },
  },
  status: { observedGeneration: 3, replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 },
};

function withSpec(patch: Record<string, unknown>): unknown {
  return { ...deployment, spec: { ...deployment.spec, ...patch } };
}

function withContainer(patch: Record<string, unknown>): unknown {
  const container = { ...deployment.spec.template.spec.containers[0], ...patch };
  return withSpec({ template: { ...deployment.spec.template, spec: { containers: [container] } } });
}

const endpointSlice = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abc12', namespace: 'dev-alice', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.244.0.7'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', name: 'web-1', namespace: 'dev-alice' } }],
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
};

const lease = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'wakegate-sleeper', namespace: 'wakegate', resourceVersion: '12' },
  spec: {
    holderIdentity: 'wakegate-7d9f-abcde',
    leaseDurationSeconds: 15,
    acquireTime: '2026-11-26T10:00:00.000000Z',
    renewTime: '2026-11-26T10:00:05.123456+01:00',
    leaseTransitions: 0,
  },
};

describe('validateObject accepts objects as a real API server serves them', () => {
  it.each([
    ['a Deployment with int-or-string and quantity fields', deployment],
    ['a Scale of a Deployment scaled to zero, whose spec.replicas is omitted', { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata, spec: {}, status: { replicas: 0, selector: 'app.kubernetes.io/name=web' } }],
    ['an EndpointSlice with a ready endpoint', endpointSlice],
    ['an EndpointSlice of a Service with no pods, served with null endpoints and ports', { ...endpointSlice, endpoints: null, ports: null }],
    ['a Lease whose times are MicroTimes with six fractional digits', lease],
    [
      'a legacy Event about a Namespace, in default',
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'dev-alice.18a7c0d2e1f3b4a5', namespace: 'default' },
        involvedObject: { apiVersion: 'v1', kind: 'Namespace', name: 'dev-alice' },
        reason: 'Woken',
        message: 'woken by a request for alice.dev.example.com',
        type: 'Normal',
        source: { component: 'wakegate' },
        firstTimestamp: '2026-11-26T10:00:00Z',
        lastTimestamp: '2026-11-26T10:00:00Z',
        count: 1,
        reportingComponent: 'wakegate',
        reportingInstance: 'wakegate-7d9f-abcde',
      },
    ],
    [
      'an Ingress',
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', namespace: 'dev-alice' },
        spec: {
          ingressClassName: 'nginx',
          rules: [{ host: 'alice.dev.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
        },
      },
    ],
    [
      'a Namespace with the annotations wakegate writes',
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'dev-alice',
          labels: { 'kubernetes.io/metadata.name': 'dev-alice', 'wakegate.io/enabled': 'true' },
          annotations: { 'wakegate.io/phase': 'asleep', 'wakegate.io/last-activity': '2026-11-26T10:00:00.000Z' },
        },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      },
    ],
    [
      'a NotFound Status',
      {
        apiVersion: 'v1',
        kind: 'Status',
        metadata: {},
        status: 'Failure',
        message: 'deployments.apps "web" not found',
        reason: 'NotFound',
        details: { name: 'web', group: 'apps', kind: 'deployments' },
        code: 404,
      },
    ],
    [
      'a DeploymentList whose items carry no kind or apiVersion',
      { apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: { resourceVersion: '4711' }, items: [{ metadata, spec: deployment.spec }] },
    ],
    ['a Secret whose data is base64', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { token: 'c2VjcmV0' } }],
  ])('%s', (_name, object) => {
    expect(validateObject(object)).toEqual([]);
  });

  it('validates a list item as the kind its list holds, although the item names no kind', () => {
    const { apiVersion: _apiVersion, kind: _kind, ...item } = endpointSlice;
    expect(validateAs(item, 'discovery.k8s.io/v1', 'EndpointSlice')).toEqual([]);
    expect(validateAs({ ...item, addressType: 4 }, 'discovery.k8s.io/v1', 'EndpointSlice')).toEqual(['$.addressType: must be string, got number 4']);
  });
});

describe('validateObject names each problem with its JSONPath', () => {
  it('reports a misspelled field as unknown and suggests the field meant', () => {
    expect(validateObject(withSpec({ replica: 2 }))).toEqual(['$.spec.replica: unknown field (did you mean "replicas"?)']);
  });

  it('reports unknown fields at any depth, including inside list items', () => {
    expect(validateObject(withContainer({ imagePullPolicy: 'Always', readinesProbe: {} }))).toEqual([
      '$.spec.template.spec.containers[0].readinesProbe: unknown field (did you mean "readinessProbe"?)',
    ]);
  });

  it('reports a value of the wrong type', () => {
    expect(validateObject(withSpec({ replicas: '2' }))).toEqual(['$.spec.replicas: must be integer, got string "2"']);
  });

  it('reports a missing required field', () => {
    const { selector: _selector, ...spec } = deployment.spec;
    expect(validateObject({ ...deployment, spec })).toEqual(['$.spec.selector: is required']);
  });

  it('reports every problem of an object at once', () => {
    expect(validateObject(withContainer({ name: undefined, image: 3, resources: { requests: { memory: '64 MB' } } }))).toEqual([
      '$.spec.template.spec.containers[0].name: is required',
      '$.spec.template.spec.containers[0].image: must be string, got number 3',
      '$.spec.template.spec.containers[0].resources.requests.memory: must be a quantity such as "100m", "1.5" or "64Mi", got string "64 MB"',
    ]);
  });

  it('reports an unknown kind and an unknown apiVersion', () => {
    expect(validateObject({ ...deployment, kind: 'Deploymnet' })).toEqual(['$.kind: unknown kind "Deploymnet" in apiVersion "apps/v1"']);
    expect(validateObject({ ...deployment, apiVersion: 'apps/v1beta1' })[0]).toMatch(/^\$\.apiVersion: unknown apiVersion "apps\/v1beta1" \(known: v1, apps\/v1, /);
    expect(validateAs({}, 'apps/v1', 'Pod')).toEqual(['$: unknown kind "Pod" in apiVersion "apps/v1"']);
  });

  it('reports an object without apiVersion or kind, and a value that is not an object', () => {
    expect(validateObject({ metadata })).toEqual(['$.apiVersion: is required', '$.kind: is required']);
    expect(validateObject([deployment])).toEqual(['$: must be an object, got array']);
  });

  it('quotes map keys that are not identifiers', () => {
    expect(validateObject({ ...deployment, metadata: { ...metadata, labels: { 'app.kubernetes.io/name': true } } })).toEqual([
      "$.metadata.labels['app.kubernetes.io/name']: must be string, got boolean true",
    ]);
  });
});

describe('validateObject checks the formats the API server enforces while decoding', () => {
  it.each([
    ['a targetPort-style int-or-string that is neither', withContainer({ readinessProbe: { httpGet: { port: 80.5 } } }), '$.spec.template.spec.containers[0].readinessProbe.httpGet.port: must be integer or string, got number 80.5'],
    ['an int-or-string beyond int32', withContainer({ readinessProbe: { httpGet: { port: 2 ** 31 } } }), '$.spec.template.spec.containers[0].readinessProbe.httpGet.port: must be an integer from -2147483648 to 2147483647, got number 2147483648'],
    ['an int32 field beyond int32', withSpec({ replicas: 2 ** 31 }), '$.spec.replicas: must be an integer from -2147483648 to 2147483647, got number 2147483648'],
    ['an int64 field holding a fraction', { ...lease, spec: { ...lease.spec, leaseDurationSeconds: 1.5 } }, '$.spec.leaseDurationSeconds: must be integer, got number 1.5'],
    ['a Time that is not RFC 3339', { ...deployment, metadata: { ...metadata, creationTimestamp: '2026-11-26 10:00:00' } }, '$.metadata.creationTimestamp: must be an RFC 3339 time such as "2026-01-02T15:04:05Z", got string "2026-11-26 10:00:00"'],
    ['a Time on a day that does not exist', { ...deployment, metadata: { ...metadata, creationTimestamp: '2026-02-30T10:00:00Z' } }, '$.metadata.creationTimestamp: must be an RFC 3339 time such as "2026-01-02T15:04:05Z", got string "2026-02-30T10:00:00Z"'],
    // CONTRACT §7: Date#toISOString() (three digits) is rejected with 400 by a real server.
    ['a MicroTime with three fractional digits', { ...lease, spec: { ...lease.spec, renewTime: '2026-11-26T10:00:05.123Z' } }, '$.spec.renewTime: must be a MicroTime with exactly six fractional digits such as "2026-01-02T15:04:05.000000Z", got string "2026-11-26T10:00:05.123Z"'],
    ['byte data that is not base64', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { token: 'secret!' } }, '$.data.token: must be base64 (standard alphabet, padded), got string "secret!"'],
  ])('rejects %s', (_name, object, expected) => {
    expect(validateObject(object)).toEqual([expected]);
  });

  it('accepts Time with a fraction and an offset, as Go parses RFC 3339', () => {
    expect(validateObject({ ...deployment, metadata: { ...metadata, creationTimestamp: '2026-11-26T10:00:00.5+05:30' } })).toEqual([]);
  });
});

describe('null is accepted only where real servers emit it', () => {
  it('accepts null endpoints and ports on an EndpointSlice (CONTRACT §4) but still requires the endpoints key', () => {
    expect(validateObject({ ...endpointSlice, endpoints: null, ports: null })).toEqual([]);
    const { endpoints: _endpoints, ...withoutEndpoints } = endpointSlice;
    expect(validateObject(withoutEndpoints)).toEqual(['$.endpoints: is required']);
  });

  it('rejects null in every other field, even inside an EndpointSlice', () => {
    expect(validateObject({ ...endpointSlice, endpoints: [{ addresses: null }] })).toEqual(['$.endpoints[0].addresses: must be array, got null']);
    expect(validateObject({ ...endpointSlice, addressType: null })).toEqual(['$.addressType: must be string, got null']);
    expect(validateObject({ ...deployment, metadata: { ...metadata, annotations: null } })).toEqual(['$.metadata.annotations: must be object, got null']);
  });
});
