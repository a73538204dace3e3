import { ApiException, PatchStrategy, setHeaderOptions, V1MicroTime, type CoreV1Event, type V1Lease } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeApiServer } from './server.js';
import type { Change } from './store.js';
import { rejection, startSeeded, statusOf, type Clients } from './test-support.js';

let server: FakeApiServer;
let clients: Clients;

beforeEach(async () => {
  ({ server, clients } = await startSeeded());
});
afterEach(async () => {
  await server.close();
});

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

function lease(name: string, holder: string): V1Lease {
  const now = new V1MicroTime();
  return { metadata: { name, namespace: 'default' }, spec: { holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: now, renewTime: now, leaseTransitions: 0 } };
}

describe('patches through client-node', () => {
  it('applies a JSON patch by default, with ~1 escaping a slash in an annotation key', async () => {
    const patched = await clients.core.patchNamespace({ name: 'shop', body: [{ op: 'add', path: '/metadata/annotations', value: { 'wakegate.dev/last-activity': '2026-11-26T10:00:00Z' } }] });
    expect(patched.metadata?.annotations).toEqual({ 'wakegate.dev/last-activity': '2026-11-26T10:00:00Z' });
    const replaced = await clients.core.patchNamespace({ name: 'shop', body: [{ op: 'replace', path: '/metadata/annotations/wakegate.dev~1last-activity', value: 'later' }] });
    expect(replaced.metadata?.annotations?.['wakegate.dev/last-activity']).toBe('later');
  });

  it('answers a failing JSON-patch operation with 422 Invalid and empty details', async () => {
    const error = await rejection(clients.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: [{ op: 'add', path: '/metadata/annotations/a~1b', value: 'x' }] }));
    expect(error).toBeInstanceOf(ApiException);
    expect(statusOf(error)).toEqual({ code: 422, status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server rejected our request due to an error in our request', reason: 'Invalid', details: {}, code: 422 } });
    const test = statusOf(await rejection(clients.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: [{ op: 'test', path: '/spec/replicas', value: 7 }] })));
    expect(test.code).toBe(422);
  });

  it('applies a merge patch set through setHeaderOptions, null removing a key, and bumps the deployment generation', async () => {
    await clients.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { metadata: { annotations: { a: '1', b: '2' } } } }, merge);
    const patched = await clients.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { metadata: { annotations: { a: null } } } }, merge);
    expect(patched.metadata?.annotations).toEqual({ b: '2' });
    expect(patched.metadata?.generation).toBe(3);
  });

  it('merges containers by name in a strategic merge patch and replaces lists without a merge key', async () => {
    const patched = await clients.apps.patchNamespacedDeployment({
      namespace: 'shop', name: 'web',
      body: { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'example.com/sidecar:1' }, { name: 'web', image: 'example.com/web:2' }] } } } },
    }, strategic);
    const containers = patched.spec?.template.spec?.containers ?? [];
    expect(containers.map((c) => [c.name, c.image, c.ports?.[0]?.containerPort])).toEqual([['web', 'example.com/web:2', 8080], ['sidecar', 'example.com/sidecar:1', undefined]]);
    const removed = await clients.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } } }, strategic);
    expect(removed.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['web']);
  });

  it('refuses a patch with plain application/json as 415 UnsupportedMediaType', async () => {
    const error = statusOf(await rejection(clients.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: {} } }, setHeaderOptions('Content-Type', 'application/json'))));
    expect(error.code).toBe(415);
    expect(error.status).toMatchObject({ reason: 'UnsupportedMediaType', message: expect.stringMatching(/^the body of the request was in an unknown format - accepted media types include: /) as string });
  });

  it('keeps the stored status when a patch of the main resource tries to change it', async () => {
    server.store.modify('deployments', 'shop', 'web', (d) => { d.status = { replicas: 2, readyReplicas: 2 }; });
    const patched = await clients.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { status: { readyReplicas: 0 } } }, merge);
    expect(patched.status?.readyReplicas).toBe(2);
  });

  it('refuses a patch carrying a stale resourceVersion with 409 Conflict', async () => {
    const error = statusOf(await rejection(clients.apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { metadata: { resourceVersion: '1', labels: { x: 'y' } } } }, merge)));
    expect(error.code).toBe(409);
    expect(error.status?.reason).toBe('Conflict');
  });
});

describe('the status subresource through client-node', () => {
  it('writes only status through /status and keeps spec and generation', async () => {
    const patched = await clients.apps.patchNamespacedDeploymentStatus({ namespace: 'shop', name: 'web', body: { status: { replicas: 2, readyReplicas: 2 }, spec: { replicas: 9 } } }, merge);
    expect(patched.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    expect(patched.spec?.replicas).toBe(2);
    expect(patched.metadata?.generation).toBe(1);
    const read = await clients.apps.readNamespacedDeploymentStatus({ namespace: 'shop', name: 'web' });
    const replaced = await clients.apps.replaceNamespacedDeploymentStatus({ namespace: 'shop', name: 'web', body: { ...read, status: { replicas: 0 } } });
    expect(replaced.status?.readyReplicas).toBeUndefined();
  });
});

describe('the scale subresource through client-node', () => {
  it('reads a Scale built from the deployment, with its resourceVersion and query-string selector', async () => {
    const web = await clients.apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' });
    const scale = await clients.apps.readNamespacedDeploymentScale({ namespace: 'shop', name: 'web' });
    expect(scale.metadata?.resourceVersion).toBe(web.metadata?.resourceVersion);
    expect(scale.metadata?.uid).toBe(web.metadata?.uid);
    expect(scale.spec?.replicas).toBe(2);
    expect(scale.status).toEqual({ replicas: 0, selector: 'app=web' });
  });

  it('scales to zero with a merge patch, serving spec: {} and a MODIFIED change on the deployment', async () => {
    const changes: Change[] = [];
    server.store.subscribe((c) => changes.push(c));
    const scale = await clients.apps.patchNamespacedDeploymentScale({ namespace: 'shop', name: 'web', body: { spec: { replicas: 0 } } }, merge);
    expect(scale.spec?.replicas).toBeUndefined();
    expect(changes.map((c) => [c.type, c.resource, c.object.metadata.name])).toEqual([['MODIFIED', 'deployments', 'web']]);
    const wire = await (await fetch(`${server.url}/apis/apps/v1/namespaces/shop/deployments/web/scale`)).json() as { spec: unknown };
    expect(wire.spec).toEqual({});
    expect((await clients.apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' })).metadata?.generation).toBe(2);
  });

  it('scales with the default JSON patch and with a replace of the Scale', async () => {
    await clients.apps.patchNamespacedStatefulSetScale({ namespace: 'shop', name: 'db', body: [{ op: 'replace', path: '/spec/replicas', value: 3 }] });
    expect((server.store.get('statefulsets', 'shop', 'db')?.spec as { replicas: number }).replicas).toBe(3);
    const current = await clients.apps.readNamespacedDeploymentScale({ namespace: 'shop', name: 'api' });
    const replaced = await clients.apps.replaceNamespacedDeploymentScale({ namespace: 'shop', name: 'api', body: { ...current, spec: { replicas: 4 } } });
    expect(replaced.spec?.replicas).toBe(4);
    expect(replaced.metadata?.resourceVersion).not.toBe(current.metadata?.resourceVersion);
  });

  it('refuses a Scale replace with a stale resourceVersion or another uid with 409', async () => {
    const current = await clients.apps.readNamespacedDeploymentScale({ namespace: 'shop', name: 'web' });
    server.store.modify('deployments', 'shop', 'web', (d) => { d.metadata.labels = { moved: 'on' }; });
    const stale = statusOf(await rejection(clients.apps.replaceNamespacedDeploymentScale({ namespace: 'shop', name: 'web', body: { ...current, spec: { replicas: 1 } } })));
    expect(stale.status).toMatchObject({ reason: 'Conflict', message: 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again', code: 409 });
    const otherUid = statusOf(await rejection(clients.apps.replaceNamespacedDeploymentScale({ namespace: 'shop', name: 'web', body: { metadata: { name: 'web', uid: 'other' }, spec: { replicas: 1 } } })));
    expect(otherUid.status?.message).toMatch(/^Operation cannot be fulfilled on deployments.apps "web": Precondition failed: UID in precondition: other, UID in object meta: /);
  });

  it('answers 404 for the scale of a missing deployment', async () => {
    expect(statusOf(await rejection(clients.apps.readNamespacedDeploymentScale({ namespace: 'shop', name: 'nope' }))).code).toBe(404);
    expect(statusOf(await rejection(clients.apps.patchNamespacedDeploymentScale({ namespace: 'shop', name: 'nope', body: { spec: { replicas: 1 } } }, merge))).code).toBe(404);
  });
});

describe('events and leases through client-node', () => {
  it('creates an Event with a V1MicroTime eventTime and refuses a millisecond one with 400', async () => {
    const event: CoreV1Event = {
      metadata: { generateName: 'shop.', namespace: 'default' },
      involvedObject: { apiVersion: 'v1', kind: 'Namespace', name: 'shop' },
      reason: 'Woken', message: 'woken by a request', type: 'Normal',
      eventTime: new V1MicroTime(), reportingComponent: 'wakegate', reportingInstance: 'wakegate-0', action: 'Wake',
    };
    const created = await clients.core.createNamespacedEvent({ namespace: 'default', body: event });
    expect(created.metadata?.name).toMatch(/^shop\.[a-z0-9]{5}$/);
    const millis = statusOf(await rejection(clients.core.createNamespacedEvent({ namespace: 'default', body: { ...event, eventTime: new Date('2026-08-11T19:37:19.103Z') } })));
    expect(millis.status).toMatchObject({ reason: 'BadRequest', code: 400, message: 'Event in version "v1" cannot be handled as a Event: parsing time "2026-08-11T19:37:19.103Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".103Z" as ".000000"' });
  });

  it('refuses an Event about a Namespace outside default and an Event without a name with 422', async () => {
    const legacy: CoreV1Event = { metadata: { name: 'x', namespace: 'shop' }, involvedObject: { kind: 'Namespace', name: 'shop' }, reason: 'Woken', message: 'm' };
    const wrongNamespace = statusOf(await rejection(clients.core.createNamespacedEvent({ namespace: 'shop', body: legacy })));
    expect(wrongNamespace.status).toMatchObject({ reason: 'Invalid', code: 422, message: 'Event "x" is invalid: involvedObject.namespace: Invalid value: "": does not match event.namespace' });
    const unnamed = statusOf(await rejection(clients.core.createNamespacedEvent({ namespace: 'default', body: { ...legacy, metadata: { namespace: 'default' } } })));
    expect(unnamed.status).toMatchObject({ code: 422, message: 'Event "" is invalid: metadata.name: Required value: name or generateName is required', details: { kind: 'Event' } });
  });

  it('runs leader election: create, 409 AlreadyExists for a second candidate, renew with the seen resourceVersion, 409 Conflict when stale', async () => {
    const created = await clients.coordination.createNamespacedLease({ namespace: 'default', body: lease('wakegate-sleeper', 'a') });
    const second = statusOf(await rejection(clients.coordination.createNamespacedLease({ namespace: 'default', body: lease('wakegate-sleeper', 'b') })));
    expect(second.status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'leases.coordination.k8s.io "wakegate-sleeper" already exists', reason: 'AlreadyExists', details: { name: 'wakegate-sleeper', group: 'coordination.k8s.io', kind: 'leases' }, code: 409 });
    const renewed = await clients.coordination.replaceNamespacedLease({ namespace: 'default', name: 'wakegate-sleeper', body: { ...created, spec: { ...created.spec, renewTime: new V1MicroTime() } } });
    expect(renewed.metadata?.resourceVersion).not.toBe(created.metadata?.resourceVersion);
    expect(typeof renewed.spec?.renewTime).toBe('string');
    const stale = statusOf(await rejection(clients.coordination.replaceNamespacedLease({ namespace: 'default', name: 'wakegate-sleeper', body: { ...created, spec: { ...created.spec, holderIdentity: 'b' } } })));
    expect(stale.code).toBe(409);
    expect(stale.status?.reason).toBe('Conflict');
  });

  it('requires a resourceVersion to replace a Lease (422) and creates a missing Lease on replace (201)', async () => {
    await clients.coordination.createNamespacedLease({ namespace: 'default', body: lease('l1', 'a') });
    const unconditional = statusOf(await rejection(clients.coordination.replaceNamespacedLease({ namespace: 'default', name: 'l1', body: lease('l1', 'b') })));
    expect(unconditional.status).toMatchObject({ reason: 'Invalid', code: 422, message: 'Lease.coordination.k8s.io "l1" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update' });
    const response = await fetch(`${server.url}/apis/coordination.k8s.io/v1/namespaces/default/leases/l2`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease('l2', 'a') }) });
    expect(response.status).toBe(201);
  });

  it('allows an unconditional replace of a Deployment', async () => {
    const web = await clients.apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' });
    delete web.metadata?.resourceVersion;
    const replaced = await clients.apps.replaceNamespacedDeployment({ namespace: 'shop', name: 'web', body: { ...web, spec: { ...web.spec!, replicas: 5 } } });
    expect(replaced.spec?.replicas).toBe(5);
  });

  it('refuses a Lease with millisecond renewTime', async () => {
    const body = lease('l3', 'a');
    body.spec!.renewTime = new Date();
    const error = statusOf(await rejection(clients.coordination.createNamespacedLease({ namespace: 'default', body })));
    expect(error.status?.message).toMatch(/^Lease in version "v1" cannot be handled as a Lease: parsing time ".*" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "\.\d{3}Z" as "\.000000"$/);
  });
});

describe('field validation', () => {
  it('warns about unknown fields by default, refuses them under Strict and ignores them under Ignore', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80, targetPrt: 8080 }] } });
    const post = (query: string): Promise<Response> => fetch(`${server.url}/api/v1/namespaces/shop/services${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body.replace('"web"', `"web${query.length}"`) });
    const warned = await post('');
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"spec.ports[0].targetPrt\\""');
    const strict = await post('?fieldValidation=Strict');
    expect(strict.status).toBe(400);
    expect(await strict.json()).toMatchObject({ reason: 'BadRequest', message: 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].targetPrt"' });
    const ignored = await post('?fieldValidation=Ignore');
    expect(ignored.status).toBe(201);
    expect(ignored.headers.get('warning')).toBeNull();
  });
});

describe('deletes through client-node', () => {
  it('deletes a deployment with a background propagation policy and answers a Success Status', async () => {
    const status = await clients.apps.deleteNamespacedDeployment({ namespace: 'shop', name: 'web', body: { propagationPolicy: 'Background' } });
    expect(status.status).toBe('Success');
    expect(server.store.get('deployments', 'shop', 'web')).toBeUndefined();
    expect(statusOf(await rejection(clients.apps.deleteNamespacedDeployment({ namespace: 'shop', name: 'web' }))).code).toBe(404);
  });
});
