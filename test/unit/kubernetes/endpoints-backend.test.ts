import { describe, expect, it } from 'vitest';
import { Environment } from '../../../src/environments/environment.js';
import { EndpointsBackend } from '../../../src/providers/kubernetes/endpoints-backend.js';

const env = new Environment({ id: 'shop', kind: 'kubernetes', hosts: ['shop.example.com'], paths: ['/'], upstream: 'service web:80', idleAfter: 60_000 }, 'awake', 0);

describe('a direct-mode backend', () => {
  it('spreads requests over the ready endpoints in turn', () => {
    const backend = new EndpointsBackend(env, 'http://web.shop.svc:80');
    backend.update(['http://10.0.0.1:8080', 'http://10.0.0.2:8080']);
    expect([backend.origin, backend.origin, backend.origin]).toEqual(['http://10.0.0.1:8080', 'http://10.0.0.2:8080', 'http://10.0.0.1:8080']);
  });

  it("falls back to the Service's cluster DNS name while no endpoint is ready", () => {
    const backend = new EndpointsBackend(env, 'http://web.shop.svc:80');
    expect(backend.origin).toBe('http://web.shop.svc:80');
    backend.update(['http://10.0.0.1:8080', 'http://10.0.0.2:8080']);
    backend.update(['http://10.0.0.3:8080']);
    expect(backend.origin).toBe('http://10.0.0.3:8080');
  });

  it('names its environment for logs and metrics', () => {
    expect(new EndpointsBackend(env, 'http://web.shop.svc:80').environment).toBe('shop');
  });
});
