import { describe, expect, it } from 'vitest';
import { Store, type Change, type StoreError } from './store.js';
import { deployment, namespace } from './test-support.js';

function storeWithShop(options?: { historyLimit?: number }): Store {
  const store = new Store(options);
  store.create('namespaces', namespace('shop'));
  return store;
}

describe('Store', () => {
  it('bumps one resourceVersion counter across every kind and stamps it on the written object', () => {
    const store = storeWithShop();
    const before = store.currentResourceVersion;
    const created = store.create('deployments', deployment('shop', 'web'));
    expect(created.metadata.resourceVersion).toBe(String(before + 1));
    expect(store.currentResourceVersion).toBe(before + 1);
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.metadata.generation).toBe(1);
  });

  it('labels namespaces with kubernetes.io/metadata.name and fills names from generateName', () => {
    const store = storeWithShop();
    expect(store.get('namespaces', undefined, 'shop')?.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'shop' });
    const event = store.create('events', { apiVersion: 'v1', kind: 'Event', metadata: { generateName: 'web.', namespace: 'shop' } });
    expect(event.metadata.name).toMatch(/^web\.[a-z0-9]{5}$/);
  });

  it('refuses duplicates with 409 AlreadyExists and objects in a missing namespace with 404', () => {
    const store = storeWithShop();
    store.create('deployments', deployment('shop', 'web'));
    expect(() => store.create('deployments', deployment('shop', 'web'))).toThrow(expect.objectContaining({ code: 409, reason: 'AlreadyExists' }) as Error);
    const error = (() => { try { store.create('deployments', deployment('nowhere', 'web')); } catch (e) { return e as StoreError; } return undefined; })();
    expect(error).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "nowhere" not found' });
  });

  it('rejects an update carrying a stale resourceVersion with 409 Conflict', () => {
    const store = storeWithShop();
    const created = store.create('deployments', deployment('shop', 'web'));
    store.modify('deployments', 'shop', 'web', (d) => { d.metadata.labels = { changed: 'yes' }; });
    expect(() => store.update('deployments', created)).toThrow(expect.objectContaining({ code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again' }) as Error);
  });

  it('bumps generation on spec or annotation changes but not on status changes', () => {
    const store = storeWithShop();
    store.create('deployments', deployment('shop', 'web'));
    expect(store.modify('deployments', 'shop', 'web', (d) => { d.status = { replicas: 1 }; }).metadata.generation).toBe(1);
    expect(store.modify('deployments', 'shop', 'web', (d) => { (d.spec as { replicas: number }).replicas = 0; }).metadata.generation).toBe(2);
    expect(store.modify('deployments', 'shop', 'web', (d) => { d.metadata.annotations = { a: 'b' }; }).metadata.generation).toBe(3);
  });

  it('treats a write that changes nothing as a no-op without a new resourceVersion', () => {
    const store = storeWithShop();
    const created = store.create('deployments', deployment('shop', 'web'));
    const rv = store.currentResourceVersion;
    expect(store.modify('deployments', 'shop', 'web', () => undefined).metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(store.currentResourceVersion).toBe(rv);
  });

  it('deletes everything in a namespace with the namespace, each with a DELETED change carrying its last state', () => {
    const store = storeWithShop();
    store.create('deployments', deployment('shop', 'web'));
    const changes: Change[] = [];
    store.subscribe((c) => changes.push(c));
    store.delete('namespaces', undefined, 'shop');
    expect(changes.map((c) => [c.type, c.resource])).toEqual([['DELETED', 'deployments'], ['DELETED', 'namespaces']]);
    expect(changes[0]?.object.spec).toBeDefined();
    expect(changes[0]?.object.metadata.resourceVersion).toBe(String(changes[0]?.resourceVersion));
    expect(store.list('deployments')).toEqual([]);
  });

  it('delivers changes written by a listener after the current one, to every listener, in resourceVersion order', () => {
    const store = storeWithShop();
    const seen: number[] = [];
    store.subscribe((c) => {
      if (c.type === 'ADDED' && c.resource === 'deployments') store.modify('deployments', 'shop', 'web', (d) => { d.status = { replicas: 1 }; });
    });
    store.subscribe((c) => seen.push(c.resourceVersion));
    store.create('deployments', deployment('shop', 'web'));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen).toHaveLength(2);
  });

  it('answers changesSince with later changes until history is trimmed, then with expired', () => {
    const store = storeWithShop({ historyLimit: 3 });
    const start = store.currentResourceVersion;
    store.create('deployments', deployment('shop', 'a'));
    store.create('deployments', deployment('shop', 'b'));
    expect(store.changesSince(start)).toHaveLength(2);
    expect(store.changesSince(store.currentResourceVersion)).toEqual([]);
    store.create('deployments', deployment('shop', 'c'));
    store.create('deployments', deployment('shop', 'd'));
    expect(store.changesSince(start)).toBe('expired');
    expect(store.changesSince(store.currentResourceVersion - 2)).toHaveLength(2);
  });

  it('hands out deep copies, so callers cannot change stored objects', () => {
    const store = storeWithShop();
    store.create('deployments', deployment('shop', 'web'));
    const copy = store.get('deployments', 'shop', 'web')!;
    (copy.spec as { replicas: number }).replicas = 42;
    expect((store.get('deployments', 'shop', 'web')!.spec as { replicas: number }).replicas).toBe(1);
    expect(copy).toMatchObject({ kind: 'Deployment', apiVersion: 'apps/v1' });
  });

  it('lists sorted by namespace, then name', () => {
    const store = storeWithShop();
    store.create('namespaces', namespace('a-b'));
    store.create('deployments', deployment('shop', 'web'));
    store.create('deployments', deployment('shop', 'api'));
    store.create('deployments', deployment('a-b', 'z'));
    expect(store.list('deployments').map((d) => `${d.metadata.namespace}/${d.metadata.name}`)).toEqual(['a-b/z', 'shop/api', 'shop/web']);
    expect(store.list('deployments', 'shop')).toHaveLength(2);
  });
});
