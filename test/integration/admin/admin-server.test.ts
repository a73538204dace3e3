import { Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { metricTypes } from '../../unit/observability/prometheus-text.js';
import { send, startAdmin, type Started } from './fixtures.js';

let started: Started | undefined;

afterEach(async () => {
  await started?.admin.close();
  started = undefined;
});

async function start(options?: Parameters<typeof startAdmin>[0]): Promise<Started> {
  started = await startAdmin(options);
  return started;
}

const CONTRACT_METRICS: Record<string, string> = {
  wakegate_requests_total: 'counter',
  wakegate_request_duration_seconds: 'histogram',
  wakegate_cold_starts_total: 'counter',
  wakegate_wake_duration_seconds: 'histogram',
  wakegate_held_requests: 'gauge',
  wakegate_held_requests_limit: 'gauge',
  wakegate_environments: 'gauge',
  wakegate_sleeps_total: 'counter',
  wakegate_upstream_errors_total: 'counter',
  wakegate_kube_api_errors_total: 'counter',
  wakegate_kube_watch_restarts_total: 'counter',
};

describe('admin server', () => {
  it('answers /healthz with plain-text ok while the process runs', async () => {
    const { port } = await start();
    const reply = await send(port, 'GET', '/healthz');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('ok');
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.headers['cache-control']).toBe('no-store');
  });

  it('reports not synced, then ready, then draining on /readyz', async () => {
    const { port, health } = await start();
    const readyz = async (): Promise<[number, string]> => {
      const reply = await send(port, 'GET', '/readyz');
      return [reply.status, reply.body];
    };
    expect(await readyz()).toEqual([503, 'not synced']);
    health.synced = true;
    expect(await readyz()).toEqual([200, 'ready']);
    health.draining = true;
    expect(await readyz()).toEqual([503, 'draining']);
  });

  it('serves every contract metric in the Prometheus text format on /metrics', async () => {
    const { port, metrics } = await start();
    metrics.observeRequest(200, 0.002);
    const reply = await send(port, 'GET', '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const types = metricTypes(reply.body);
    for (const [name, type] of Object.entries(CONTRACT_METRICS)) {
      expect(types.get(name), name).toBe(type);
    }
    expect(reply.body).toMatch(/^wakegate_requests_total\{code_class="2xx"\} 1$/m);
    expect(reply.body).toMatch(/^wakegate_held_requests_limit 100$/m);
  });

  it('lists environments as JSON and shows one by id', async () => {
    const { port } = await start();
    const list = await send(port, 'GET', '/api/v1/environments');
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toBe('application/json');
    const { environments, total } = JSON.parse(list.body) as { environments: { id: string; phase: string }[]; total: number };
    // Sorted by id, with the count before paging.
    expect(environments.map((e) => [e.id, e.phase])).toEqual([
      ['blog', 'asleep'],
      ['shop', 'awake'],
    ]);
    expect(total).toBe(2);

    const one = await send(port, 'GET', '/api/v1/environments/blog?verbose=1');
    expect(one.status).toBe(200);
    expect(JSON.parse(one.body)).toMatchObject({ id: 'blog', kind: 'static', lastActivity: null });
  });

  it('decodes the environment id from the path', async () => {
    const { port, environments } = await start();
    environments.views.set('team a', { ...environments.get('shop')!, id: 'team a' });
    const reply = await send(port, 'GET', '/api/v1/environments/team%20a');
    expect(JSON.parse(reply.body)).toMatchObject({ id: 'team a' });
  });

  it('answers an unknown environment with a 404 problem naming it', async () => {
    const { port } = await start();
    const reply = await send(port, 'GET', '/api/v1/environments/nope');
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(reply.body)).toEqual({
      type: 'https://wakegate.dev/problems/environment-not-found',
      title: 'Environment not found',
      status: 404,
      detail: 'no environment with id "nope"',
      environment: 'nope',
    });
  });

  it.each([
    '/dashboard/app.js',
    '/nope',
    '/healthz/',
    '/api/v1/environments/',
    '/api/v1/environments/shop/',
    '/api/v1/environments/shop/restart',
    '/api/v1/environments/shop/wake/now',
    '/api/v1/environments/%E0%A4%A',
  ])('answers the unknown path %s with a 404 problem', async (path) => {
    const { port } = await start();
    const reply = await send(port, 'GET', path);
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(reply.body)).toMatchObject({ type: 'https://wakegate.dev/problems/not-found', status: 404 });
  });

  it('serves the dashboard at / as HTML under a strict content security policy', async () => {
    const { port } = await start();
    const reply = await send(port, 'GET', '/');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(reply.headers['content-security-policy']).toContain("default-src 'none'");
    expect(reply.body).toContain('<html');
    expect((await send(port, 'POST', '/')).status).toBe(404);
  });

  it('answers HEAD wherever GET is allowed, with the same headers and no body', async () => {
    const { port } = await start();
    for (const path of ['/healthz', '/readyz', '/metrics', '/api/v1/environments', '/api/v1/environments/shop']) {
      const get = await send(port, 'GET', path);
      const head = await send(port, 'HEAD', path);
      expect([head.status, head.body], path).toEqual([get.status, '']);
      expect(head.headers['content-type'], path).toBe(get.headers['content-type']);
      if (path !== '/metrics') expect(head.headers['content-length'], path).toBe(get.headers['content-length']);
    }
    const missing = await send(port, 'HEAD', '/api/v1/environments/nope');
    expect([missing.status, missing.body]).toEqual([404, '']);
    expect(missing.headers['content-type']).toBe('application/problem+json');
  });

  it.each([
    ['DELETE', '/healthz', 'GET, HEAD'],
    ['POST', '/readyz', 'GET, HEAD'],
    ['PUT', '/api/v1/environments/shop', 'GET, HEAD'],
    ['OPTIONS', '/metrics', 'GET, HEAD'],
    ['GET', '/api/v1/environments/shop/wake', 'POST'],
    ['HEAD', '/api/v1/environments/shop/sleep', 'POST'],
  ])('refuses %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const { port } = await start();
    const reply = await send(port, method, path);
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe(allow);
    expect(reply.headers['content-type']).toBe('application/problem+json');
  });

  it('passes wake and sleep on to the environments once the environment is known, answering with its view', async () => {
    const { port, environments } = await start();
    const wake = await send(port, 'POST', '/api/v1/environments/shop/wake');
    expect(wake.status).toBe(200);
    expect(JSON.parse(wake.body)).toMatchObject({ id: 'shop' });
    expect((await send(port, 'POST', '/api/v1/environments/shop/sleep')).status).toBe(200);
    expect((await send(port, 'POST', '/api/v1/environments/nope/wake')).status).toBe(404);
    expect(environments.calls).toEqual([
      ['wake', 'shop'],
      ['sleep', 'shop'],
    ]);
  });

  it('answers 409 with the reason when an environment cannot do what was asked', async () => {
    const { port, environments } = await start();
    environments.refuseSleep.add('shop');
    const reply = await send(port, 'POST', '/api/v1/environments/shop/sleep');
    expect(reply.status).toBe(409);
    expect(JSON.parse(reply.body)).toMatchObject({ type: 'https://wakegate.dev/problems/cannot-sleep', detail: 'shop never sleeps', environment: 'shop' });
  });

  it('answers 500 with a problem and logs the error when a handler fails', async () => {
    const failing = { render: (): Promise<never> => Promise.reject(new Error('registry broke')) };
    const { port, logs } = await start({ metrics: failing });
    const reply = await send(port, 'GET', '/metrics');
    expect(reply.status).toBe(500);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(logs()).toContain('registry broke');
  });

  it('logs requests at debug level only', async () => {
    const quiet = await startAdmin({ level: 'info' });
    await send(quiet.port, 'GET', '/healthz');
    await quiet.admin.close();
    expect(quiet.logs()).toBe('');

    const { port, logs } = await start({ level: 'debug' });
    await send(port, 'GET', '/healthz');
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(logs())).toMatchObject({ level: 20, msg: 'admin request', status: 200 });
  });

  it('closes idle keep-alive connections when closed', async () => {
    const { admin, port } = await start();
    const agent = new Agent({ keepAlive: true });
    const reply = await send(port, 'GET', '/healthz', { agent });
    expect(reply.headers.connection).toBe('keep-alive');
    const began = performance.now();
    await admin.close();
    expect(performance.now() - began).toBeLessThan(1_000);
    agent.destroy();
  });

  it('finishes an in-flight request, then closes its connection, when closed', async () => {
    let release: () => void = () => {};
    let arrived: () => void = () => {};
    const rendering = new Promise<void>((resolve) => (arrived = resolve));
    const slow = {
      render: () =>
        new Promise<{ contentType: string; body: string }>((resolve) => {
          release = () => resolve({ contentType: 'text/plain', body: 'slow' });
          arrived();
        }),
    };
    const { admin, port } = await start({ metrics: slow });
    const agent = new Agent({ keepAlive: true });
    const pending = send(port, 'GET', '/metrics', { agent });
    await rendering;
    const closed = admin.close();
    release();
    const reply = await pending;
    expect([reply.status, reply.body, reply.headers.connection]).toEqual([200, 'slow', 'close']);
    const began = performance.now();
    await closed;
    expect(performance.now() - began).toBeLessThan(1_000);
    agent.destroy();
  });

  it('sets timeouts that bound slow clients', async () => {
    const { admin } = await start();
    expect(admin.server.keepAliveTimeout).toBe(5_000);
    expect(admin.server.headersTimeout).toBe(10_000);
    expect(admin.server.requestTimeout).toBe(30_000);
  });
});
