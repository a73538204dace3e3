import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG, REGENERATE_DOC, renderConfigDoc } from '../../../src/config/doc.js';
import { ENV_VARIABLES } from '../../../src/config/env.js';
import { defaultConfig, loadConfig } from '../../../src/config/load.js';
import { scratchDirectory } from './temp-files.js';

const repository = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

describe('configuration docs', () => {
  it('docs/configuration.md is the output of renderConfigDoc()', () => {
    const onDisk = readFileSync(repository('docs/configuration.md'), 'utf8');
    expect(onDisk, `docs/configuration.md is stale: run \`${REGENERATE_DOC}\``).toBe(renderConfigDoc());
  });

  it('documents every key with its variable', () => {
    const doc = renderConfigDoc();
    for (const variable of ENV_VARIABLES) {
      expect(doc).toContain(`| \`${variable.path.join('.')}\` | \`${variable.name}\` |`);
    }
  });

  it('shows an example that is a valid config', () => {
    const scratch = scratchDirectory();
    try {
      const { config } = loadConfig({ file: scratch.write('example.yaml', EXAMPLE_CONFIG), env: {} });
      expect(config.environments.map((environment) => environment.name)).toEqual(['shop', 'docs']);
    } finally {
      scratch.remove();
    }
  });

  it('examples/wakegate.example.yaml is valid, sets every key, and keeps the defaults', () => {
    const file = repository('examples/wakegate.example.yaml');
    const { config } = loadConfig({ file, env: {} });
    const { environments, ...rest } = config;
    const { environments: none, ...defaults } = defaultConfig();
    expect(none).toEqual([]);
    expect(rest).toEqual(defaults);
    expect(environments.length).toBeGreaterThan(0);
    const text = readFileSync(file, 'utf8');
    for (const variable of ENV_VARIABLES) {
      const leaf = variable.path.at(-1) ?? '';
      expect(text, `the example lacks ${variable.path.join('.')}`).toMatch(new RegExp(`^\\s*${leaf}:`, 'm'));
    }
    for (const field of ['name', 'hosts', 'paths', 'upstream', 'command', 'env', 'cwd', 'ready', 'idleAfter']) {
      expect(text, `the example's environments lack ${field}`).toMatch(new RegExp(`^\\s*(- )?${field}:`, 'm'));
    }
  });
});
