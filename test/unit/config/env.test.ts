import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES, envVariableName, readEnvOverrides } from '../../../src/config/env.js';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError, type ConfigProblem } from '../../../src/config/problems.js';
import { scratchDirectory } from './temp-files.js';

function problemsOf(env: Record<string, string>): readonly ConfigProblem[] {
  try {
    loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('WAKEGATE_* variables', () => {
  it('are named after each key path in upper snake case', () => {
    expect(envVariableName(['listen'])).toBe('WAKEGATE_LISTEN');
    expect(envVariableName(['wake', 'maxHeldPerEnvironment'])).toBe('WAKEGATE_WAKE_MAX_HELD_PER_ENVIRONMENT');
    expect(envVariableName(['admin', 'token'])).toBe('WAKEGATE_ADMIN_TOKEN');
    const names = ENV_VARIABLES.map((variable) => variable.name);
    expect(names).toContain('WAKEGATE_ENVIRONMENTS');
    expect(names).toContain('WAKEGATE_SERVER_MAX_HEADERS_COUNT');
    expect(new Set(names).size).toBe(names.length);
  });

  it('override numbers, booleans, durations, choices and addresses', () => {
    const { config } = loadConfig({
      env: {
        WAKEGATE_LISTEN: '[::1]:8081',
        WAKEGATE_WAKE_MAX_HELD_PER_ENVIRONMENT: '5',
        WAKEGATE_COSTS_PER_REPLICA_HOUR: '0.25',
        WAKEGATE_METRICS_PER_ENVIRONMENT: 'true',
        WAKEGATE_FORWARD_COLD_START_HEADER: 'FALSE',
        WAKEGATE_SLEEP_IDLE_AFTER: '1h30m',
        WAKEGATE_SLEEP_MAX_AWAKE: '12h',
        WAKEGATE_LOG_LEVEL: 'debug',
      },
    });
    expect(config.listen).toEqual({ host: '::1', port: 8081 });
    expect(config.wake.maxHeldPerEnvironment).toBe(5);
    expect(config.costs.perReplicaHour).toBe(0.25);
    expect(config.metrics.perEnvironment).toBe(true);
    expect(config.forward.coldStartHeader).toBe(false);
    expect(config.sleep.idleAfter).toBe(5_400_000);
    expect(config.sleep.maxAwake).toBe(43_200_000);
    expect(config.log.level).toBe('debug');
  });

  it('take lists as comma-separated items or as a JSON array', () => {
    const commas = loadConfig({ env: { WAKEGATE_FORWARD_TRUST_FORWARDED_FROM: ' 10.0.0.0/8, fd00::/8 ,192.168.1.1' } });
    expect(commas.config.forward.trustForwardedFrom).toEqual(['10.0.0.0/8', 'fd00::/8', '192.168.1.1']);
    const json = loadConfig({ env: { WAKEGATE_WAKE_IGNORE_USER_AGENTS: '["Bot, with comma", "kube-probe"]' } });
    expect(json.config.wake.ignoreUserAgents).toEqual(['Bot, with comma', 'kube-probe']);
    const empty = loadConfig({ env: { WAKEGATE_WAKE_IGNORE_USER_AGENTS: '' } });
    expect(empty.config.wake.ignoreUserAgents).toEqual([]);
  });

  it('take environments as a JSON array that replaces the list of the file', () => {
    const scratch = scratchDirectory();
    try {
      const file = scratch.write('w.yaml', 'environments:\n  - { name: old, hosts: [old.localhost], upstream: "http://127.0.0.1:1" }\n');
      const env = { WAKEGATE_ENVIRONMENTS: JSON.stringify([{ name: 'new', hosts: ['New.localhost'], upstream: 'http://127.0.0.1:2', ready: { httpGet: '/up' }, idleAfter: 'never' }]) };
      const { config } = loadConfig({ file, env });
      expect(config.environments).toEqual([
        { name: 'new', hosts: ['new.localhost'], paths: ['/'], upstream: 'http://127.0.0.1:2', command: null, env: {}, cwd: null, ready: { httpGet: '/up' }, idleAfter: Number.POSITIVE_INFINITY },
      ]);
    } finally {
      scratch.remove();
    }
  });

  it('win over the file, key by key', () => {
    const scratch = scratchDirectory();
    try {
      const file = scratch.write('w.yaml', 'wake:\n  timeout: 10s\n  maxHeldTotal: 7\n');
      const { config } = loadConfig({ file, env: { WAKEGATE_WAKE_TIMEOUT: '20s' } });
      expect(config.wake.timeout).toBe(20_000);
      expect(config.wake.maxHeldTotal).toBe(7);
    } finally {
      scratch.remove();
    }
  });

  it('report an unknown variable by name, with a guess when one is close', () => {
    expect(problemsOf({ WAKEGATE_WAKE_TIMOUT: '30s', WAKEGATE_FLUX_CAPACITOR: '1' })).toEqual([
      { key: 'WAKEGATE_FLUX_CAPACITOR', value: '1', expected: 'a known WAKEGATE_* variable (see docs/configuration.md)', source: 'env' },
      { key: 'WAKEGATE_WAKE_TIMOUT', value: '30s', expected: 'a known WAKEGATE_* variable: did you mean WAKEGATE_WAKE_TIMEOUT?', source: 'env' },
    ]);
  });

  it('leave WAKEGATE_CONFIG, WAKEGATE_ADMIN_URL and variables of other programs alone', () => {
    expect(readEnvOverrides({ WAKEGATE_CONFIG: 'x.yaml', WAKEGATE_ADMIN_URL: 'http://h:1', PATH: '/bin', WAKEGATE: 'x' })).toEqual({ overrides: [], problems: [] });
  });

  it('leave the service-link variables Kubernetes injects for a Service named wakegate alone', () => {
    const links = {
      WAKEGATE_SERVICE_HOST: '10.0.0.7',
      WAKEGATE_SERVICE_PORT: '80',
      WAKEGATE_SERVICE_PORT_HTTP: '80',
      WAKEGATE_PORT: 'tcp://10.0.0.7:80',
      WAKEGATE_PORT_80_TCP: 'tcp://10.0.0.7:80',
      WAKEGATE_PORT_80_TCP_PROTO: 'tcp',
      WAKEGATE_PORT_80_TCP_PORT: '80',
      WAKEGATE_PORT_80_TCP_ADDR: '10.0.0.7',
    };
    expect(readEnvOverrides(links)).toEqual({ overrides: [], problems: [] });
    // …and those of a Service named wakegate-public.
    expect(readEnvOverrides({ WAKEGATE_PUBLIC_SERVICE_HOST: '10.0.0.8', WAKEGATE_PUBLIC_PORT: 'tcp://10.0.0.8:80', WAKEGATE_PUBLIC_PORT_80_TCP_ADDR: '10.0.0.8' })).toEqual({ overrides: [], problems: [] });
    // A name shaped like a link but without its Service's _SERVICE_HOST is a typo, and reported.
    expect(problemsOf({ WAKEGATE_ADMIN_PORT: '9091' }).map((p) => p.key)).toEqual(['WAKEGATE_ADMIN_PORT']);
    expect(problemsOf({ WAKEGATE_PORTS: '1' })).toHaveLength(1);
  });

  it('name the variable in problems with its value as given', () => {
    expect(
      problemsOf({
        WAKEGATE_WAKE_MAX_HELD_TOTAL: 'lots',
        WAKEGATE_LOG_ACCESS_LOG: 'yes',
        WAKEGATE_SLEEP_CHECK_EVERY: '30',
        WAKEGATE_FORWARD_TRUST_FORWARDED_FROM: '10.0.0.0/8,bad',
        WAKEGATE_ENVIRONMENTS: '[{"name":"a","hosts":["a.localhost"],"upstream":"ftp://x"}]',
      }).map((problem) => [problem.key, problem.value, problem.source]),
    ).toEqual([
      ['WAKEGATE_WAKE_MAX_HELD_TOTAL', 'lots', 'env'],
      ['WAKEGATE_SLEEP_CHECK_EVERY', '30', 'env'],
      ['WAKEGATE_FORWARD_TRUST_FORWARDED_FROM[1]', 'bad', 'env'],
      ['WAKEGATE_LOG_ACCESS_LOG', 'yes', 'env'],
      ['WAKEGATE_ENVIRONMENTS[0].upstream', 'ftp://x', 'env'],
    ]);
  });

  it('report a malformed JSON value with the parser\'s reason', () => {
    const [problem] = problemsOf({ WAKEGATE_ENVIRONMENTS: '[{"name": }]' });
    expect(problem).toMatchObject({ key: 'WAKEGATE_ENVIRONMENTS', value: '[{"name": }]', source: 'env' });
    expect(problem?.expected).toMatch(/^a JSON array \(.+\)$/);
  });

  it('attribute a cross-field problem to the variable that set the value', () => {
    const [problem] = problemsOf({ WAKEGATE_SERVER_HEADERS_TIMEOUT: '10s' });
    expect(problem).toEqual({ key: 'WAKEGATE_SERVER_HEADERS_TIMEOUT', value: '10s', expected: 'a duration longer than server.keepAliveTimeout (65s)', source: 'env' });
  });

  it('never echo the token variable, even when misspelt', () => {
    const problems = problemsOf({ WAKEGATE_ADMIN_TOKN: 'hunter2' });
    expect(problems[0]?.value).toBe('<redacted>');
  });
});
