import { describe, expect, it } from 'vitest';
import { environmentFacts, readyOrigins, templateHash, type NamespaceSnapshot } from '../../../src/providers/kubernetes/environment-model.js';
import { wakeGroups } from '../../../src/providers/kubernetes/kubernetes-provider.js';
import type { EndpointSliceObject, WorkloadObject } from '../../../src/providers/kubernetes/objects.js';

function deployment(name: string, options: { replicas?: number; ready?: number; annotations?: Record<string, string>; image?: string } = {}): WorkloadObject {
  return {
    metadata: { name, namespace: 'shop', annotations: options.annotations ?? {} },
    spec: {
      ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: options.image ?? `${name}:1` }] } },
    },
    status: options.ready === undefined || options.ready === 0 ? {} : { readyReplicas: options.ready, replicas: options.ready },
  };
}

function slice(service: string, addresses: { ip: string; ready?: boolean }[] | null, port = 8080): EndpointSliceObject {
  return {
    metadata: { name: `${service}-abcde`, namespace: 'shop', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: addresses === null ? null : addresses.map((a) => ({ addresses: [a.ip], conditions: a.ready === undefined ? {} : { ready: a.ready } })),
    ports: addresses === null ? null : [{ name: 'http', port, protocol: 'TCP' }],
  };
}

function snapshot(parts: Partial<NamespaceSnapshot> = {}): NamespaceSnapshot {
  return {
    namespace: { metadata: { name: 'shop', labels: { 'wakegate.io/enabled': 'true' }, annotations: {} } },
    deployments: [],
    statefulSets: [],
    services: [{ metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } }],
    endpointSlices: [],
    ingresses: [
      {
        metadata: { name: 'shop', namespace: 'shop' },
        spec: { rules: [{ host: 'Shop.Preview.Example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
      },
    ],
    ...parts,
  };
}

describe('environment facts of a namespace', () => {
  it('routes every Ingress host and path to its Service, lower-casing hosts', () => {
    const facts = environmentFacts(snapshot());
    expect(facts.routes).toEqual([{ host: 'shop.preview.example.com', pathPrefix: '/', service: 'web', port: { number: 80 } }]);
  });

  it('is asleep when every workload has zero replicas, ignoring workloads marked wakegate.io/ignore', () => {
    const facts = environmentFacts(
      snapshot({ deployments: [deployment('web', { replicas: 0 }), deployment('tools', { replicas: 1, ready: 1, annotations: { 'wakegate.io/ignore': 'true' } })] }),
    );
    expect(facts.state).toBe('asleep');
  });

  it('is up only when every workload is ready and every routed Service has a ready endpoint', () => {
    const ready = snapshot({ deployments: [deployment('web', { replicas: 2, ready: 2 })], endpointSlices: [slice('web', [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }])] });
    expect(environmentFacts(ready).state).toBe('up');
    const noEndpoint = snapshot({ deployments: [deployment('web', { replicas: 2, ready: 2 })], endpointSlices: [slice('web', null)] });
    expect(environmentFacts(noEndpoint)).toMatchObject({ state: 'starting', notReady: 'Service web has no ready endpoint' });
    const halfReady = snapshot({ deployments: [deployment('web', { replicas: 2, ready: 1 })], endpointSlices: [slice('web', [{ ip: '10.0.0.1' }])] });
    expect(environmentFacts(halfReady)).toMatchObject({ state: 'starting', notReady: 'Deployment web: 1/2 replicas ready' });
  });

  it('counts an absent spec.replicas as 1, the API default', () => {
    const facts = environmentFacts(snapshot({ deployments: [deployment('web')] }));
    expect(facts.workloads[0]).toMatchObject({ replicas: 1, readyReplicas: 0 });
  });

  it('wakes to wakegate.io/sleep-replicas, or 1 when it is absent or zero', () => {
    const facts = environmentFacts(
      snapshot({
        deployments: [
          deployment('a', { replicas: 0, annotations: { 'wakegate.io/sleep-replicas': '3' } }),
          deployment('b', { replicas: 0 }),
          deployment('c', { replicas: 0, annotations: { 'wakegate.io/sleep-replicas': '0' } }),
        ],
      }),
    );
    expect(facts.workloads.map((w) => [w.name, w.wakeReplicas])).toEqual([
      ['a', 3],
      ['b', 1],
      ['c', 1],
    ]);
  });

  it('reports annotations it cannot read and uses the defaults instead', () => {
    const facts = environmentFacts(
      snapshot({
        namespace: { metadata: { name: 'shop', annotations: { 'wakegate.io/idle-after': 'soon', 'wakegate.io/last-activity': 'yesterday', 'wakegate.io/phase-since': 'a while' } } },
        deployments: [deployment('web', { replicas: 0, annotations: { 'wakegate.io/sleep-replicas': 'two', 'wakegate.io/wake-order': 'first' } })],
      }),
    );
    expect(facts.idleAfter).toBeNull();
    expect(facts.lastActivity).toBeNull();
    expect(facts.workloads[0]).toMatchObject({ wakeReplicas: 1, wakeOrder: 0 });
    expect(facts.problems).toEqual([
      'wakegate.io/sleep-replicas: "two" is not a whole number of replicas',
      'wakegate.io/wake-order: "first" is not a whole number',
      'wakegate.io/idle-after: "soon" is not a duration like 45m or 2h, nor "never"',
      'wakegate.io/last-activity: "yesterday" is not an RFC 3339 time',
      'wakegate.io/phase-since: "a while" is not an RFC 3339 time',
    ]);
    expect(facts.publishedPhaseSince).toBeNull();
  });

  it('reads idle-after "never", last-activity, keep-awake-until, phase and phase-since from the namespace', () => {
    const facts = environmentFacts(
      snapshot({
        namespace: {
          metadata: {
            name: 'shop',
            annotations: {
              'wakegate.io/idle-after': 'never',
              'wakegate.io/last-activity': '2026-11-26T10:00:00Z',
              'wakegate.io/keep-awake-until': '2026-11-26T18:00:00Z',
              'wakegate.io/phase': 'asleep',
              'wakegate.io/phase-since': '2026-11-26T11:00:00Z',
            },
          },
        },
      }),
    );
    expect(facts.idleAfter).toBe(Infinity);
    expect(facts.lastActivity).toBe(Date.parse('2026-11-26T10:00:00Z'));
    expect(facts.keepAwakeUntil).toBe(Date.parse('2026-11-26T18:00:00Z'));
    expect(facts.publishedPhase).toBe('asleep');
    expect(facts.publishedPhaseSince).toBe(Date.parse('2026-11-26T11:00:00Z'));
  });

  it('skips Ingress rules without a host and paths that are not plain prefixes, saying why', () => {
    const facts = environmentFacts(
      snapshot({
        ingresses: [
          {
            metadata: { name: 'odd' },
            spec: {
              rules: [
                { http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }] } },
                { host: 'a.example.com', http: { paths: [{ path: '/api(/|$)(.*)', backend: { service: { name: 'web', port: { number: 80 } } } }] } },
              ],
            },
          },
        ],
      }),
    );
    expect(facts.routes).toEqual([]);
    expect(facts.problems).toHaveLength(2);
  });
});

describe('ready origins of a route', () => {
  it('joins every EndpointSlice of the Service and keeps endpoints whose ready condition is not false', () => {
    const origins = readyOrigins(
      {
        services: snapshot().services,
        endpointSlices: [slice('web', [{ ip: '10.0.0.1' }, { ip: '10.0.0.2', ready: false }]), slice('web', [{ ip: 'fd00::3', ready: true }]), slice('other', [{ ip: '10.0.0.9' }])],
      },
      { service: 'web', port: { number: 80 } },
    );
    expect(origins).toEqual(['http://10.0.0.1:8080', 'http://[fd00::3]:8080']);
  });

  it('finds the Service port by name as well as by number', () => {
    const origins = readyOrigins({ services: snapshot().services, endpointSlices: [slice('web', [{ ip: '10.0.0.1' }])] }, { service: 'web', port: { name: 'http' } });
    expect(origins).toEqual(['http://10.0.0.1:8080']);
  });
});

describe('template hash', () => {
  it('is the same for a template read from a list (models with Dates) and from a watch (raw JSON)', () => {
    const raw = { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 8080 }] }] } };
    const model = { spec: { containers: [{ image: 'web:1', name: 'web', ports: [{ containerPort: 8080, hostPort: undefined }] }] }, metadata: { labels: { app: 'web' }, creationTimestamp: undefined } };
    expect(templateHash(model)).toBe(templateHash(raw));
  });

  it('changes when the image changes', () => {
    expect(templateHash(deployment('web', { image: 'web:2' }).spec?.template)).not.toBe(templateHash(deployment('web').spec?.template));
  });
});

describe('wake groups', () => {
  it('groups workloads by wake order, lowest first, leaving out ignored ones', () => {
    const facts = environmentFacts(
      snapshot({
        deployments: [
          deployment('web', { replicas: 0, annotations: { 'wakegate.io/wake-order': '1' } }),
          deployment('db', { replicas: 0, annotations: { 'wakegate.io/wake-order': '0' } }),
          deployment('cache', { replicas: 0, annotations: { 'wakegate.io/wake-order': '0' } }),
          deployment('debug', { replicas: 0, annotations: { 'wakegate.io/ignore': 'true' } }),
        ],
      }),
    );
    expect(wakeGroups(facts.workloads).map((group) => group.map((w) => w.name))).toEqual([['cache', 'db'], ['web']]);
  });
});
