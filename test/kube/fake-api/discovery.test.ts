import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveResourcePath } from './routes.js';
import { startFakeApiServer, type FakeApiServer } from './server.js';

let server: FakeApiServer;
beforeAll(async () => { server = await startFakeApiServer(); });
afterAll(async () => { await server.close(); });

async function get(path: string): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const response = await fetch(server.url + path);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() as Record<string, unknown> };
}

describe('what kubectl reads first', () => {
  it('serves /version with minor 33', async () => {
    expect((await get('/version?timeout=5s')).body).toMatchObject({ major: '1', minor: '33', gitVersion: 'v1.33.0' });
  });

  it('serves legacy discovery: /api, /apis and an APIResourceList per group-version with subresources', async () => {
    expect((await get('/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await get('/apis')).body.groups as { name: string }[];
    expect(groups.map((g) => g.name)).toEqual(['apps', 'batch', 'discovery.k8s.io', 'networking.k8s.io', 'coordination.k8s.io']);
    const apps = await get('/apis/apps/v1');
    expect(apps.type).toBe('application/json');
    expect(apps.body.resources).toEqual(expect.arrayContaining([
      { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['deploy'], categories: ['all'] },
      { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
      expect.objectContaining({ name: 'statefulsets/scale' }),
    ]));
    expect(((await get('/api/v1')).body.resources as { name: string }[]).map((r) => r.name)).toContain('namespaces');
  });

  it('serves the OpenAPI v3 root and each group-version document from the repository', async () => {
    const root = (await get('/openapi/v3')).body as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(root.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1']));
    const apps = await get(root.paths['apis/apps/v1']!.serverRelativeURL);
    expect(apps.status).toBe(200);
    expect(Object.keys(apps.body)).toContain('components');
    expect((await get('/openapi/v2')).status).toBe(404);
  });

  it('answers an unknown path with the API server\'s 404 Status', async () => {
    expect((await get('/apis/example.com/v1/things')).body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
  });
});

describe('resource paths', () => {
  it.each([
    ['/api/v1/namespaces', 'namespaces', undefined, undefined, undefined],
    ['/api/v1/namespaces/shop', 'namespaces', undefined, 'shop', undefined],
    ['/api/v1/namespaces/shop/status', 'namespaces', undefined, 'shop', 'status'],
    ['/api/v1/namespaces/shop/services', 'services', 'shop', undefined, undefined],
    ['/api/v1/services', 'services', undefined, undefined, undefined],
    ['/apis/apps/v1/namespaces/shop/deployments/web/scale', 'deployments', 'shop', 'web', 'scale'],
    ['/apis/coordination.k8s.io/v1/namespaces/default/leases/l', 'leases', 'default', 'l', undefined],
    ['/apis/batch/v1/cronjobs', 'cronjobs', undefined, undefined, undefined],
  ])('resolves %s', (path, resource, namespace, name, subresource) => {
    expect(resolveResourcePath(path)).toMatchObject({ resource, namespace, name, subresource });
  });

  it.each(['/api/v1/deployments', '/apis/apps/v1/services', '/apis/apps/v1/deployments/web', '/api/v2/namespaces'])('does not resolve %s', (path) => {
    expect(resolveResourcePath(path)).toBeUndefined();
  });
});
