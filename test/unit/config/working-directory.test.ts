import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { scratchDirectory } from './temp-files.js';

describe('a local environment\'s working directory', () => {
  it('is resolved against the config file\'s directory when relative, and kept when absolute', () => {
    const scratch = scratchDirectory();
    try {
      const file = scratch.write(
        'wakegate.yaml',
        [
          'environments:',
          '  - { name: a, hosts: [a.localhost], upstream: "http://127.0.0.1:3001", command: [node, app.mjs], cwd: apps }',
          '  - { name: b, hosts: [b.localhost], upstream: "http://127.0.0.1:3002", command: [node, app.mjs], cwd: /srv/b }',
          '  - { name: c, hosts: [c.localhost], upstream: "http://127.0.0.1:3003", command: [node, app.mjs] }',
        ].join('\n'),
      );
      const [a, b, c] = loadConfig({ file, env: {} }).config.environments;
      expect(a?.cwd).toBe(path.join(path.dirname(file), 'apps'));
      expect(b?.cwd).toBe('/srv/b');
      expect(c?.cwd).toBeNull();
    } finally {
      scratch.remove();
    }
  });
});
