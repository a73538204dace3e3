import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatConfig } from '../../../src/config/format.js';
import { defaultConfig, loadConfig } from '../../../src/config/load.js';
import { scratchDirectory } from './temp-files.js';

const ENVIRONMENTS = JSON.stringify([
  { name: 'shop', hosts: ['shop.localhost'], upstream: 'http://127.0.0.1:3001', command: ['node', 'app.mjs'], env: { PORT: '3001' }, cwd: 'apps', ready: { httpGet: '/healthz' }, idleAfter: '5m' },
  { name: 'docs', hosts: ['*.docs.localhost'], paths: ['/api'], upstream: 'http://127.0.0.1:4000', idleAfter: 'never' },
  { name: 'plain', hosts: ['plain.localhost'], upstream: 'http://[::1]:5000' },
]);

describe('formatConfig', () => {
  it('writes durations, caps, addresses and probes in the file\'s own vocabulary', () => {
    const { config } = loadConfig({ env: { WAKEGATE_ADMIN_LISTEN: '[::1]:9091', WAKEGATE_SLEEP_IDLE_AFTER: '90m', WAKEGATE_ENVIRONMENTS: ENVIRONMENTS } });
    const shape = parse(formatConfig(config)) as Record<string, Record<string, unknown>>;
    expect(shape['listen']).toBe('0.0.0.0:8080');
    expect(shape['admin']).toEqual({ listen: '[::1]:9091', token: '' });
    expect(shape['sleep']).toEqual({ idleAfter: '90m', minAwake: '2m', maxAwake: 'off', checkEvery: '30s' });
    expect(shape['server']?.['requestTimeout']).toBe('5m');
    expect(shape['environments']).toEqual([
      // A relative cwd is resolved (here against the working directory: no file was read).
      { name: 'shop', hosts: ['shop.localhost'], paths: ['/'], upstream: 'http://127.0.0.1:3001', command: ['node', 'app.mjs'], env: { PORT: '3001' }, cwd: path.resolve('apps'), ready: { httpGet: '/healthz' }, idleAfter: '5m' },
      { name: 'docs', hosts: ['*.docs.localhost'], paths: ['/api'], upstream: 'http://127.0.0.1:4000', env: {}, ready: { tcp: true }, idleAfter: 'never' },
      { name: 'plain', hosts: ['plain.localhost'], paths: ['/'], upstream: 'http://[::1]:5000', env: {}, ready: { tcp: true } },
    ]);
  });

  it('prints a config that loads back to the same config', () => {
    const scratch = scratchDirectory();
    try {
      const { config } = loadConfig({ env: { WAKEGATE_SLEEP_MAX_AWAKE: '12h', WAKEGATE_FORWARD_TRUST_FORWARDED_FROM: '10.0.0.0/8', WAKEGATE_ENVIRONMENTS: ENVIRONMENTS } });
      const file = scratch.write('printed.yaml', formatConfig(config));
      expect(loadConfig({ file, env: {} }).config).toEqual(config);
      const defaults = scratch.write('defaults.yaml', formatConfig(defaultConfig()));
      expect(loadConfig({ file: defaults, env: {} }).config).toEqual(defaultConfig());
    } finally {
      scratch.remove();
    }
  });

  it('never prints the admin token', () => {
    const secret = 's3cret-token-value';
    const { config } = loadConfig({ env: { WAKEGATE_ADMIN_TOKEN: secret } });
    const text = formatConfig(config);
    expect(text).not.toContain(secret);
    expect((parse(text) as { admin: { token: string } }).admin.token).toBe('<redacted>');
  });
});
