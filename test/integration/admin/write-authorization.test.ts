import { afterEach, describe, expect, it } from 'vitest';
import { authorizeWrite, isLoopbackHost } from '../../../src/admin/auth.js';
import { send, startAdmin, type Started } from './fixtures.js';

const TOKEN = 'tok-3f9a1c7e5b2d';

describe('authorizeWrite', () => {
  // token configured? × listen host × Authorization header → decision
  it.each([
    // A configured token is required wherever the server listens.
    [TOKEN, '127.0.0.1', `Bearer ${TOKEN}`, 'allowed'],
    [TOKEN, '0.0.0.0', `Bearer ${TOKEN}`, 'allowed'],
    [TOKEN, '0.0.0.0', `bearer  ${TOKEN} `, 'allowed'],
    [TOKEN, '127.0.0.1', undefined, 401],
    [TOKEN, '0.0.0.0', undefined, 401],
    [TOKEN, '127.0.0.1', 'Bearer wrong', 401],
    [TOKEN, '0.0.0.0', 'Bearer wrong', 401],
    [TOKEN, '0.0.0.0', `Bearer ${TOKEN}x`, 401],
    [TOKEN, '0.0.0.0', `Bearer ${TOKEN.slice(0, -1)}`, 401],
    [TOKEN, '0.0.0.0', `Basic ${TOKEN}`, 401],
    [TOKEN, '0.0.0.0', TOKEN, 401],
    [TOKEN, '0.0.0.0', 'Bearer', 401],
    [TOKEN, '0.0.0.0', '', 401],
    // With no token, the listen address decides, whatever the client presents.
    ['', '127.0.0.1', undefined, 'allowed'],
    ['', '127.0.0.1', 'Bearer anything', 'allowed'],
    ['', '::1', undefined, 'allowed'],
    ['', 'localhost', undefined, 'allowed'],
    ['', '0.0.0.0', undefined, 403],
    ['', '0.0.0.0', 'Bearer anything', 403],
    ['', '::', undefined, 403],
    ['', '10.1.2.3', undefined, 403],
    ['', '', undefined, 403],
  ] as const)('token %j, listening on %j, authorization %j → %s', (token, listenHost, authorization, expected) => {
    const decision = authorizeWrite({ token, listenHost, authorization });
    if (expected === 'allowed') {
      expect(decision).toEqual({ allowed: true });
    } else {
      expect(decision).toMatchObject({ allowed: false, status: expected });
      expect(decision.allowed || decision.reason).toBeTruthy();
    }
  });

  it('never echoes the token in a refusal', () => {
    const decision = authorizeWrite({ token: TOKEN, listenHost: '0.0.0.0', authorization: 'Bearer nope' });
    expect(JSON.stringify(decision)).not.toContain(TOKEN);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.200.3.4', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['0.0.0.0', false],
    ['::', false],
    ['128.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['my.localhost.example.com', false],
    ['', false],
  ])('%j → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('admin write endpoints', () => {
  let started: Started | undefined;
  afterEach(async () => {
    await started?.admin.close();
    started = undefined;
  });

  it('refuse a missing or wrong bearer token with 401 before anything else', async () => {
    started = await startAdmin({ token: TOKEN });
    const { port } = started;
    for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const reply = await send(port, 'POST', '/api/v1/environments/nope/wake', { headers });
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Bearer realm="wakegate"');
      expect(reply.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(reply.body)).toMatchObject({ type: 'https://wakegate.dev/problems/unauthorized' });
    }
  });

  it('let the right bearer token through to the operation', async () => {
    started = await startAdmin({ token: TOKEN });
    const headers = { authorization: `Bearer ${TOKEN}` };
    const reply = await send(started.port, 'POST', '/api/v1/environments/shop/sleep', { headers });
    expect(reply.status).toBe(200);
  });

  it('never show the token in the API, the metrics, the problems or the logs', async () => {
    started = await startAdmin({ token: TOKEN, level: 'trace' });
    const { port } = started;
    const replies = await Promise.all([
      send(port, 'GET', '/api/v1/environments'),
      send(port, 'GET', '/api/v1/environments/shop'),
      send(port, 'GET', '/api/v1/environments/nope'),
      send(port, 'GET', '/metrics'),
      send(port, 'POST', '/api/v1/environments/shop/wake', { headers: { authorization: 'Bearer wrong' } }),
      send(port, 'POST', '/api/v1/environments/shop/wake', { headers: { authorization: `Bearer ${TOKEN}` } }),
    ]);
    for (const reply of replies) {
      expect(reply.body).not.toContain(TOKEN);
      expect(JSON.stringify(reply.headers)).not.toContain(TOKEN);
    }
    expect(started.logs()).not.toContain(TOKEN);
  });
});
