import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from '../../../src/config/load.js';

describe('defaults', () => {
  it('gives every key its documented default when nothing is configured', () => {
    const { config, source, notes } = loadConfig({ env: {} });
    expect(source).toBeNull();
    expect(notes).toEqual([]);
    expect(config).toEqual({
      listen: { host: '0.0.0.0', port: 8080 },
      admin: { listen: { host: '127.0.0.1', port: 9090 }, token: '' },
      provider: 'local',
      wake: {
        timeout: 120_000,
        maxHeldPerEnvironment: 10_000,
        maxHeldTotal: 50_000,
        maxWakesPerHour: 30,
        waitingPage: 'auto',
        ignoreUserAgents: [
          'kube-probe', 'Googlebot', 'bingbot', 'UptimeRobot', 'Pingdom', 'StatusCake', 'Site24x7', 'BetterUptime', 'Datadog/Synthetics',
          'Slackbot', 'facebookexternalhit', 'Twitterbot', 'AhrefsBot', 'SemrushBot', 'YandexBot', 'Baiduspider', 'DuckDuckBot', 'Applebot',
        ],
      },
      sleep: { idleAfter: 1_800_000, minAwake: 120_000, maxAwake: null, checkEvery: 30_000 },
      shutdown: { drainDelay: 0, grace: 30_000 },
      metrics: { perEnvironment: false },
      costs: { perReplicaHour: 0, currency: 'USD' },
      forward: {
        coldStartHeader: true,
        responseHeaderTimeout: 60_000,
        trustForwardedFrom: [],
        maxConnectionsPerUpstream: 128,
        upstreamKeepAlive: 4_000,
        maxUpstreamPools: 1000,
        viaName: 'wakegate',
        transport: 'native',
      },
      server: { engine: 'native', keepAliveTimeout: 65_000, headersTimeout: 66_000, requestTimeout: 300_000, maxHeaderSize: 16_384, maxHeadersCount: 100 },
      log: { level: 'info', accessLog: false },
      environments: [],
      kubernetes: { mode: 'ingress', ingressUpstream: 'http://ingress-nginx-controller.ingress-nginx.svc', namespaceSelector: 'wakegate.io/enabled=true', kubeconfig: '', leaseNamespace: 'wakegate', identity: '', requestTimeout: 30_000 },
    });
  });

  it('defaultConfig() equals what an empty configuration loads to', () => {
    expect(defaultConfig()).toEqual(loadConfig({ env: {} }).config);
  });

  it('returns a deep-frozen result that cannot be changed by a consumer', () => {
    const loaded = loadConfig({
      env: { WAKEGATE_ENVIRONMENTS: '[{"name":"a","hosts":["a.localhost"],"upstream":"http://127.0.0.1:1","env":{"X":"1"}}]' },
    });
    expect(Object.isFrozen(loaded)).toBe(true);
    expect(Object.isFrozen(loaded.notes)).toBe(true);
    expect(Object.isFrozen(loaded.config.server)).toBe(true);
    expect(Object.isFrozen(loaded.config.wake.ignoreUserAgents)).toBe(true);
    expect(Object.isFrozen(loaded.config.environments[0]?.env)).toBe(true);
    expect(() => {
      (loaded.config.wake as { timeout: number }).timeout = 1;
    }).toThrow(TypeError);
    expect(Object.isFrozen(defaultConfig().listen)).toBe(true);
  });

  it('notes that admin writes are refused when there is no token and the admin listen is not loopback', () => {
    const note = 'admin writes are refused: no admin.token is set and admin.listen is not loopback';
    expect(loadConfig({ env: { WAKEGATE_ADMIN_LISTEN: '0.0.0.0:9090' } }).notes).toContain(note);
    expect(loadConfig({ env: { WAKEGATE_ADMIN_LISTEN: '0.0.0.0:9090', WAKEGATE_ADMIN_TOKEN: 't' } }).notes).not.toContain(note);
    for (const listen of ['127.0.0.1:9090', '127.1.2.3:9090', '[::1]:9090', 'localhost:9090']) {
      expect(loadConfig({ env: { WAKEGATE_ADMIN_LISTEN: listen } }).notes).not.toContain(note);
    }
  });
});
