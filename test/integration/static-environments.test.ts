import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../helpers/http-client.js';
import { startWakegate, type StartedWakegate } from '../helpers/wakegate.js';

let wg: StartedWakegate;

beforeAll(async () => {
  wg = await startWakegate({ environments: [{ name: 'docs', hosts: ['docs.test', '*.docs.test'], paths: ['/', '/api'], upstream: 'http://127.0.0.1:9' }] });
});

afterAll(async () => {
  await wg.stop();
});

describe('static environments through the admin API', () => {
  it('are listed awake, with their hosts, paths and upstream', async () => {
    const reply = await send({ port: wg.adminPort, path: '/api/v1/environments/docs' });
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ id: 'docs', phase: 'awake', kind: 'static', hosts: ['docs.test', '*.docs.test'], paths: ['/', '/api'], upstream: 'http://127.0.0.1:9', sleepsAt: null });
  });

  it('answer a wake at once: they are always awake', async () => {
    const reply = await send({ port: wg.adminPort, method: 'POST', path: '/api/v1/environments/docs/wake' });
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ id: 'docs', phase: 'awake' });
  });

  it('refuse a sleep with 409 and the reason: their upstream is not wakegate’s to stop', async () => {
    const reply = await send({ port: wg.adminPort, method: 'POST', path: '/api/v1/environments/docs/sleep' });
    expect(reply.status).toBe(409);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.json<{ detail: string }>().detail).toContain('static environment');
  });
});
