import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError, type ConfigProblem } from '../../../src/config/problems.js';
import { scratchDirectory } from './temp-files.js';

let scratch: ReturnType<typeof scratchDirectory>;
beforeEach(() => {
  scratch = scratchDirectory();
});
afterEach(() => scratch.remove());

function problemsOf(yaml: string, env: Record<string, string> = {}): readonly ConfigProblem[] {
  const file = scratch.write('wakegate.yaml', yaml);
  try {
    loadConfig({ file, env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('config problems', () => {
  // Problems come in schema order (the order of docs/configuration.md), not file order.
  it('a config file with three mistakes reports all three', () => {
    const file = scratch.write(
      'three.yaml',
      ['wake:', '  timeout: 10', 'log:', '  levle: debug', 'server:', '  keepAliveTimeout: 70s', '  headersTimeout: 60s'].join('\n'),
    );
    const error = (() => {
      try {
        loadConfig({ file, env: {} });
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const { code, problems, message } = error as ConfigError;
    expect(code).toBe('WAKEGATE_CONFIG_INVALID');
    expect(problems.map((problem) => problem.key)).toEqual(['wake.timeout', 'server.headersTimeout', 'log.levle']);
    expect(problems.every((problem) => problem.source === 'file')).toBe(true);
    expect(message.split('\n')).toEqual([
      'config is invalid (3 problems):',
      '  wake.timeout: 10 — expected a duration above 0s, such as 30s, 5m or 1h30m, but it has no unit (write 10s or 10ms)',
      '  server.headersTimeout: "60s" — expected a duration longer than server.keepAliveTimeout (70s)',
      '  log.levle: "debug" — expected a known key: did you mean level?',
    ]);
  });

  it.each<[string, string, string, unknown, RegExp]>([
    ['a wrong type', 'metrics: { perEnvironment: "yes" }', 'metrics.perEnvironment', 'yes', /^true or false$/],
    ['a section that is not a mapping', 'wake: 5', 'wake', 5, /^a mapping of keys$/],
    ['a bad duration', 'sleep: { idleAfter: 10min }', 'sleep.idleAfter', '10min', /"min" is not a unit/],
    ['a zero duration where time must pass', 'wake: { timeout: 0s }', 'wake.timeout', '0s', /but it is 0s/],
    ['a bad off-or-duration', 'sleep: { maxAwake: no }', 'sleep.maxAwake', 'no', /^off or a duration/],
    ['a number out of range', 'server: { maxHeaderSize: 512 }', 'server.maxHeaderSize', 512, /from 1024 to 1048576/],
    ['a fraction where a count is expected', 'forward: { maxUpstreamPools: 1.5 }', 'forward.maxUpstreamPools', 1.5, /whole number/],
    ['a negative price', 'costs: { perReplicaHour: -1 }', 'costs.perReplicaHour', -1, /at least 0/],
    ['an unknown choice', 'provider: docker', 'provider', 'docker', /^one of local, kubernetes$/],
    ['a listen address without a port', 'listen: "0.0.0.0"', 'listen', '0.0.0.0', /host:port/],
    ['a listen port out of range', 'listen: "0.0.0.0:70000"', 'listen', '0.0.0.0:70000', /above 65535/],
    ['an unbracketed IPv6 listen address', 'listen: "::1:8080"', 'listen', '::1:8080', /\[::1\]:8080/],
    ['a bad CIDR prefix', 'forward: { trustForwardedFrom: ["10.0.0.0/33"] }', 'forward.trustForwardedFrom[0]', '10.0.0.0/33', /prefix length is not 0 to 32/],
    ['a CIDR that is not an address', 'forward: { trustForwardedFrom: ["intranet"] }', 'forward.trustForwardedFrom[0]', 'intranet', /not an IP address/],
    ['a Via name that is not a token', 'forward: { viaName: "wake gate" }', 'forward.viaName', 'wake gate', /HTTP token/],
    ['an https ingress upstream', 'kubernetes: { ingressUpstream: "https://ingress:443" }', 'kubernetes.ingressUpstream', 'https://ingress:443', /not supported yet/],
    ['an unknown top-level key', 'lisen: ":80"', 'lisen', ':80', /did you mean listen\?/],
    ['an unknown nested key far from any known one', 'wake: { colour: blue }', 'wake.colour', 'blue', /one of timeout, maxHeldPerEnvironment/],
    ['a request deadline shorter than the head deadline', 'server: { requestTimeout: 10s }', 'server.requestTimeout', '10s', /at least as long as server.headersTimeout \(66s\)/],
    ['an awake cap below the minimum awake time', 'sleep: { minAwake: 10m, maxAwake: 5m }', 'sleep.maxAwake', '5m', /at least as long as sleep.minAwake \(10m\)/],
  ])('reports %s with its key, value and what was expected', (_, yaml, key, value, expected) => {
    const problems = problemsOf(yaml);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ key, value, source: 'file' });
    expect(problems[0]?.expected).toMatch(expected);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a name with capitals', { name: 'Shop' }, 'environments[0].name', /lower-case/],
    ['a name longer than 63 characters', { name: 'a'.repeat(64) }, 'environments[0].name', /longer than 63/],
    ['a host with a port', { hosts: ['a.localhost:8080'] }, 'environments[0].hosts[0]', /it has a port/],
    ['a host with a scheme', { hosts: ['http://a.localhost'] }, 'environments[0].hosts[0]', /it has a scheme/],
    ['a host with a path', { hosts: ['a.localhost/x'] }, 'environments[0].hosts[0]', /it has a path/],
    ['a wildcard in the middle', { hosts: ['a.*.localhost'] }, 'environments[0].hosts[0]', /wildcard/],
    ['an empty host list', { hosts: [] }, 'environments[0].hosts', /non-empty list/],
    ['a path without a leading slash', { paths: ['api'] }, 'environments[0].paths[0]', /start with \//],
    ['an https upstream', { upstream: 'https://127.0.0.1:3001' }, 'environments[0].upstream', /https upstreams are not supported yet/],
    ['an upstream with a path', { upstream: 'http://127.0.0.1:3001/app' }, 'environments[0].upstream', /it has a path/],
    ['an upstream with user information', { upstream: 'http://u:p@127.0.0.1:3001' }, 'environments[0].upstream', /user information/],
    ['an empty command', { command: [] }, 'environments[0].command', /non-empty list/],
    ['an unquoted number in env', { env: { PORT: 3001 } }, 'environments[0].env.PORT', /quote numbers/],
    ['a ready probe with both kinds', { ready: { httpGet: '/h', tcp: true } }, 'environments[0].ready', /exactly one of httpGet or tcp/],
    ['a ready probe with tcp false', { ready: { tcp: false } }, 'environments[0].ready.tcp', /true/],
    ['an idle timeout that is a bare number', { idleAfter: 300 }, 'environments[0].idleAfter', /no unit/],
    ['an unknown entry key', { upstrem: 'x' }, 'environments[0].upstrem', /did you mean upstream\?/],
  ])('reports %s in an environment entry', (_, change, key, expected) => {
    const entry = { name: 'a', hosts: ['a.localhost'], upstream: 'http://127.0.0.1:3001', ...change };
    const problems = problemsOf(stringify({ environments: [entry] }));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.key).toBe(key);
    expect(problems[0]?.expected).toMatch(expected);
  });

  it('reports an entry missing its required fields, naming each', () => {
    const problems = problemsOf('environments:\n  - name: a\n');
    expect(problems.map((problem) => [problem.key, problem.value])).toEqual([
      ['environments[0].hosts', undefined],
      ['environments[0].upstream', undefined],
    ]);
  });

  it('reports two environments with the same name, naming the first', () => {
    const problems = problemsOf(
      ['environments:', '  - name: shop', '    hosts: [a.localhost]', '    upstream: "http://127.0.0.1:1"', '  - name: shop', '    hosts: [b.localhost]', '    upstream: "http://127.0.0.1:2"'].join('\n'),
    );
    expect(problems).toEqual([{ key: 'environments[1].name', value: 'shop', source: 'file', expected: 'a name no other environment has (environments[0] is also named "shop")' }]);
  });

  it('reports two environments claiming the same host and path, naming both', () => {
    const problems = problemsOf(
      [
        'environments:',
        '  - name: shop',
        '    hosts: [Shop.Localhost, other.localhost]',
        '    upstream: "http://127.0.0.1:1"',
        '  - name: shop-v2',
        '    hosts: [shop.localhost]',
        '    paths: ["/", "/api"]',
        '    upstream: "http://127.0.0.1:2"',
      ].join('\n'),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.key).toBe('environments[1].hosts');
    expect(problems[0]?.expected).toContain('host shop.localhost, path / is claimed by both "shop" and "shop-v2"');
  });

  it('accepts the same host on different paths, and a wildcard beside an exact host', () => {
    const file = scratch.write(
      'ok.yaml',
      [
        'environments:',
        '  - { name: web, hosts: ["shop.localhost"], upstream: "http://127.0.0.1:1" }',
        '  - { name: api, hosts: ["shop.localhost"], paths: ["/api"], upstream: "http://127.0.0.1:2" }',
        '  - { name: previews, hosts: ["*.localhost", "*.LOCALHOST"], upstream: "http://127.0.0.1:3" }',
      ].join('\n'),
    );
    const { config } = loadConfig({ file, env: {} });
    expect(config.environments.map((environment) => [environment.name, environment.hosts, environment.paths])).toEqual([
      ['web', ['shop.localhost'], ['/']],
      ['api', ['shop.localhost'], ['/api']],
      ['previews', ['*.localhost'], ['/']],
    ]);
  });

  it('names the line and column of every YAML syntax error', () => {
    const problems = problemsOf('listen: "0.0.0.0:8080"\nwake:\n  timeout: [30s\nsleep: x: y\n');
    expect(problems.length).toBeGreaterThanOrEqual(1);
    for (const problem of problems) {
      expect(problem.key).toMatch(/wakegate\.yaml:\d+:\d+$/);
      expect(problem.expected).toBe('valid YAML');
      expect(problem.value).not.toMatch(/\n/);
    }
    expect(problems.map((problem) => problem.key)).toContainEqual(expect.stringMatching(/wakegate\.yaml:4:\d+$/));
  });

  it('treats a repeated key as a syntax error rather than letting the later one win', () => {
    const problems = problemsOf('listen: "0.0.0.0:1"\nlisten: "0.0.0.0:2"\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.key).toMatch(/wakegate\.yaml:2:1$/);
    expect(problems[0]?.value).toMatch(/unique/);
  });

  it('reports a missing file and still reports problems of the environment variables', () => {
    let problems: readonly ConfigProblem[] = [];
    try {
      loadConfig({ file: scratch.write('x', '') + '-missing.yaml', env: { WAKEGATE_WAKE_TIMEOUT: 'soon' } });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems.map((problem) => [problem.key, problem.source])).toEqual([
      ['file', 'file'],
      ['WAKEGATE_WAKE_TIMEOUT', 'env'],
    ]);
    expect(problems[0]?.expected).toBe('a readable YAML file (no such file)');
  });

  it('reports a directory given as the file', () => {
    const directory = scratch.write('x', '').replace(/x$/, '');
    expect(() => loadConfig({ file: directory, env: {} })).toThrow(/a readable YAML file \(it is a directory\)/);
  });

  it('reports a top level that is not a mapping', () => {
    expect(problemsOf('- listen\n- wake\n')).toEqual([{ key: '(top level)', value: ['listen', 'wake'], expected: 'a mapping of keys', source: 'file' }]);
  });

  it('loads an empty file as all defaults, with a note', () => {
    const file = scratch.write('empty.yaml', '# nothing yet\n');
    const { config, notes, source } = loadConfig({ file, env: {} });
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(source).toBe(file);
    expect(notes).toEqual([`${file} is empty: every key has its default`]);
  });

  it('never puts the admin token into a problem, even next to a typo or in a broken admin section', () => {
    const secret = 'hunter2-very-secret';
    const cases = [`admin: { tokn: ${secret} }`, `admin: [${secret}]`, `admin: { token: [${secret}] }`];
    for (const yaml of cases) {
      const problems = problemsOf(yaml);
      expect(JSON.stringify(problems)).not.toContain(secret);
      expect(problems[0]?.value).toBe('<redacted>');
    }
    expect(JSON.stringify(problemsOf('', { WAKEGATE_ADMIN_TOKN: secret }))).not.toContain(secret);
  });
});
