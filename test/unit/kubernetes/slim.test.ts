import { describe, expect, it } from 'vitest';
import { slim } from '../../../src/providers/kubernetes/slim.js';
import { templateHash } from '../../../src/providers/kubernetes/environment-model.js';

const raw = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'a1',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2026-11-26T10:00:00Z',
    labels: { app: 'web' },
    annotations: { 'wakegate.io/sleep-replicas': '2', 'kubectl.kubernetes.io/last-applied-configuration': '{"a":"very long"}' },
  },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
  status: { replicas: 2, readyReplicas: 1, observedGeneration: 3, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', lastUpdateTime: '2026-11-26T10:00:00Z' }] },
};

describe('what the informer caches keep', () => {
  it('keeps a workload to the fields wakegate reads, with its pod template as a hash', () => {
    expect(slim('Deployment', raw)).toEqual({
      metadata: { name: 'web', namespace: 'shop', resourceVersion: '42', annotations: { 'wakegate.io/sleep-replicas': '2' } },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: templateHash(raw.spec.template) },
      status: { replicas: 2, readyReplicas: 1, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }] },
    });
  });

  it('gives a list result (client-node model: Dates, undefined members) the same shape as the raw watch event', () => {
    const model = {
      ...raw,
      metadata: { ...raw.metadata, creationTimestamp: new Date('2026-11-26T10:00:00Z'), deletionTimestamp: undefined },
      spec: { ...raw.spec, template: { spec: { containers: [{ image: 'web:1', name: 'web', ports: undefined }] }, metadata: { labels: { app: 'web' }, creationTimestamp: undefined } } },
    };
    expect(slim('Deployment', model)).toEqual(slim('Deployment', raw));
  });

  it('keeps an EndpointSlice with no pods as having no endpoints', () => {
    const slice = { metadata: { name: 'web-abcde', namespace: 'shop', resourceVersion: '7', labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'x' } }, addressType: 'IPv4', endpoints: null, ports: null };
    expect(slim('EndpointSlice', slice)).toEqual({ metadata: { name: 'web-abcde', namespace: 'shop', resourceVersion: '7', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', endpoints: [], ports: [] });
  });
});
