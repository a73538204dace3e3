import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/observability/metrics.js';

const DOC = new URL('../../../docs/metrics.md', import.meta.url);

/** Rows of the contract table: `| \`name\` | type | labels | meaning |`. */
function documentedMetrics(): Map<string, string> {
  const rows = readFileSync(DOC, 'utf8').matchAll(/^\| `(wakegate_[a-z_]+)` \| (\w+) \|/gm);
  return new Map([...rows].map(([, name, type]) => [name!, type!]));
}

/** Contract metrics only: prom-client's process metrics are documented as a group. */
function registeredMetrics(metrics: Metrics): Map<string, string> {
  const contract = metrics.registry
    .getMetricsAsArray()
    .filter((m) => !/^wakegate_(process|nodejs)_/.test(m.name));
  return new Map(contract.map((m) => [m.name, String(m.type)]));
}

describe('docs/metrics.md', () => {
  it('documents exactly the registered metrics, with their types', () => {
    const documented = documentedMetrics();
    expect(documented.size).toBeGreaterThan(0);
    for (const perEnvironment of [false, true]) {
      expect(registeredMetrics(new Metrics({ perEnvironment, costConfigured: true }))).toEqual(documented);
    }
  });

  it('registers the saved cost only when a cost per replica-hour is configured', () => {
    expect(registeredMetrics(new Metrics({ perEnvironment: false })).has('wakegate_saved_cost')).toBe(false);
    expect(registeredMetrics(new Metrics({ perEnvironment: false, costConfigured: true })).has('wakegate_saved_cost')).toBe(true);
  });

  it('lists the metric names of the architecture contract, and the operator metrics added to it', () => {
    const operator = ['wake_phase_seconds', 'asleep_hours', 'saved_replica_hours', 'saved_cost', 'keep_awake_environments'];
    expect([...documentedMetrics().keys()].sort()).toEqual(
      [
        'requests_total',
        'request_duration_seconds',
        'cold_starts_total',
        'wake_duration_seconds',
        'held_requests',
        'held_requests_limit',
        'environments',
        'sleeps_total',
        'upstream_errors_total',
        'kube_api_errors_total',
        'kube_watch_restarts_total',
        ...operator,
      ]
        .map((name) => `wakegate_${name}`)
        .sort(),
    );
  });
});
