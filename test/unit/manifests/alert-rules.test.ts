import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { REPO } from './kube.js';

/**
 * The alert rules of manifests/observability/prometheusrule.yaml, evaluated by Prometheus' own rule
 * engine: `promtool test rules` feeds each alert synthetic series (as the ServiceMonitor's targets
 * would export them) and checks that it fires when it should, with the labels and summary it should,
 * and stays quiet when it should not. `promtool check rules` reads the whole file, templates included.
 * Needs promtool on PATH (Debian: the `prometheus` package; .ci/run installs it).
 */

interface Rule {
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

interface PrometheusRule {
  readonly spec: { readonly groups: readonly { readonly name: string; readonly rules: readonly Rule[] }[] };
}

const spec = (parse(readFileSync(join(REPO, 'manifests/observability/prometheusrule.yaml'), 'utf8')) as PrometheusRule).spec;
const scratch = mkdtempSync(join(tmpdir(), 'wakegate-promtool-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A target of the ServiceMonitor: what the operator adds to every series of a wakegate pod. */
const TARGET = { namespace: 'wakegate-system', job: 'wakegate', instance: '10.0.0.7:9090', pod: 'wakegate-7d9f-abcde', service: 'wakegate', endpoint: 'admin', container: 'wakegate' };

function series(name: string, labels: Record<string, string>, values: string): { series: string; values: string } {
  const all = Object.entries({ ...TARGET, ...labels }).map(([key, value]) => `${key}="${value}"`);
  return { series: `${name}{${all.join(',')}}`, values };
}

interface AlertCase {
  readonly name: string;
  readonly input: readonly { series: string; values: string }[];
  readonly at: string;
  readonly alert: string;
  /** Expected alerts: their labels beyond severity, and their summary; empty when it must not fire. */
  readonly fires: readonly { readonly labels: Record<string, string>; readonly summary: string }[];
}

const rules = spec.groups.flatMap((group) => group.rules);
const severity = (alert: string): string => rules.find((rule) => rule.alert === alert)?.labels?.severity ?? '?';
const byJob = { namespace: TARGET.namespace, job: TARGET.job };
const byInstance = { ...byJob, instance: TARGET.instance };

const CASES: readonly AlertCase[] = [
  {
    name: 'a third of wakes failing fires WakegateWakesFailing',
    input: [series('wakegate_cold_starts_total', { result: 'failure' }, '0+1x40'), series('wakegate_cold_starts_total', { result: 'success' }, '0+2x40')],
    at: '25m',
    alert: 'WakegateWakesFailing',
    fires: [{ labels: byJob, summary: 'wakegate: 33.33% of wakes failed or timed out' }],
  },
  {
    name: 'timeouts count as failed wakes',
    input: [series('wakegate_cold_starts_total', { result: 'timeout' }, '0+1x40'), series('wakegate_cold_starts_total', { result: 'success' }, '0+1x40')],
    at: '25m',
    alert: 'WakegateWakesFailing',
    fires: [{ labels: byJob, summary: 'wakegate: 50% of wakes failed or timed out' }],
  },
  {
    name: 'two failed wakes out of two do not fire WakegateWakesFailing (fewer than 3 in 15 minutes)',
    input: [series('wakegate_cold_starts_total', { result: 'failure' }, '0x5 1x5 2x30'), series('wakegate_cold_starts_total', { result: 'success' }, '0x40')],
    at: '25m',
    alert: 'WakegateWakesFailing',
    fires: [],
  },
  {
    name: 'a failure now and then among many wakes does not fire WakegateWakesFailing (at most 10 %)',
    input: [series('wakegate_cold_starts_total', { result: 'failure' }, '0+0.25x40'), series('wakegate_cold_starts_total', { result: 'success' }, '0+5x40')],
    at: '25m',
    alert: 'WakegateWakesFailing',
    fires: [],
  },
  {
    name: 'wakes of about 90 s fire WakegateWakesSlow',
    input: [
      series('wakegate_wake_duration_seconds_bucket', { le: '30' }, '0x60'),
      series('wakegate_wake_duration_seconds_bucket', { le: '60' }, '0x60'),
      series('wakegate_wake_duration_seconds_bucket', { le: '120' }, '0+1x60'),
      series('wakegate_wake_duration_seconds_bucket', { le: '+Inf' }, '0+1x60'),
    ],
    at: '50m',
    alert: 'WakegateWakesSlow',
    // p95 inside the 60–120 s bucket, interpolated: 60 + 0.95 × 60 = 117 s.
    fires: [{ labels: byJob, summary: 'wakegate: 95 % of wakes take up to 1m 57s' }],
  },
  {
    name: 'wakes of about 20 s do not fire WakegateWakesSlow',
    input: [
      series('wakegate_wake_duration_seconds_bucket', { le: '10' }, '0x60'),
      series('wakegate_wake_duration_seconds_bucket', { le: '20' }, '0+1x60'),
      series('wakegate_wake_duration_seconds_bucket', { le: '60' }, '0+1x60'),
      series('wakegate_wake_duration_seconds_bucket', { le: '+Inf' }, '0+1x60'),
    ],
    at: '50m',
    alert: 'WakegateWakesSlow',
    fires: [],
  },
  {
    name: '90 of 100 held requests fire WakegateHeldRequestsNearLimit',
    input: [series('wakegate_held_requests', {}, '90x10'), series('wakegate_held_requests_limit', {}, '100x10')],
    at: '5m',
    alert: 'WakegateHeldRequestsNearLimit',
    fires: [{ labels: { ...byInstance, pod: TARGET.pod, service: TARGET.service, endpoint: TARGET.endpoint, container: TARGET.container }, summary: `wakegate: held requests at 90% of the limit on ${TARGET.instance}` }],
  },
  {
    name: 'held requests under 80 % of the limit, or no limit at all, do not fire WakegateHeldRequestsNearLimit',
    input: [
      series('wakegate_held_requests', { pod: 'a' }, '50x10'),
      series('wakegate_held_requests_limit', { pod: 'a' }, '100x10'),
      series('wakegate_held_requests', { pod: 'b' }, '5000x10'),
      series('wakegate_held_requests_limit', { pod: 'b' }, '0x10'),
    ],
    at: '5m',
    alert: 'WakegateHeldRequestsNearLimit',
    fires: [],
  },
  {
    name: 'a forbidden patch every minute fires WakegateKubernetesApiErrors',
    input: [series('wakegate_kube_api_errors_total', { verb: 'patch', code: '403' }, '0+1x30')],
    at: '25m',
    alert: 'WakegateKubernetesApiErrors',
    fires: [{ labels: { ...byInstance, verb: 'patch', code: '403' }, summary: 'wakegate: Kubernetes API patch calls failing with 403' }],
  },
  {
    name: 'an API error every few minutes does not fire WakegateKubernetesApiErrors',
    input: [series('wakegate_kube_api_errors_total', { verb: 'patch', code: '409' }, '0+0.25x30')],
    at: '25m',
    alert: 'WakegateKubernetesApiErrors',
    fires: [],
  },
  {
    name: 'a watch restarting twice a minute fires WakegateKubernetesWatchRestarting',
    input: [series('wakegate_kube_watch_restarts_total', { kind: 'EndpointSlice' }, '0+2x40')],
    at: '35m',
    alert: 'WakegateKubernetesWatchRestarting',
    fires: [{ labels: { ...byInstance, kind: 'EndpointSlice' }, summary: `wakegate: the EndpointSlice watch keeps restarting on ${TARGET.instance}` }],
  },
  {
    name: 'a watch restarting every few minutes does not fire WakegateKubernetesWatchRestarting',
    input: [series('wakegate_kube_watch_restarts_total', { kind: 'Pod' }, '0+0.5x40')],
    at: '35m',
    alert: 'WakegateKubernetesWatchRestarting',
    fires: [],
  },
  {
    name: 'one pod that cannot be scraped fires WakegateTargetDown, and not WakegateDown while another is up',
    input: [series('up', {}, '1 1 0x10'), series('up', { instance: '10.0.0.8:9090', pod: 'wakegate-7d9f-fghij' }, '1x12')],
    at: '10m',
    alert: 'WakegateTargetDown',
    fires: [{ labels: { ...byInstance, pod: TARGET.pod, service: TARGET.service, endpoint: TARGET.endpoint, container: TARGET.container }, summary: `wakegate: ${TARGET.instance} cannot be scraped` }],
  },
  {
    name: 'a pod that missed scrapes for less than 5 minutes does not fire WakegateTargetDown',
    input: [series('up', {}, '1x5 0 0 0 1 1')],
    at: '8m',
    alert: 'WakegateTargetDown',
    fires: [],
  },
  {
    name: 'one pod down while another is up does not fire WakegateDown',
    input: [series('up', {}, '1 1 0x10'), series('up', { instance: '10.0.0.8:9090', pod: 'wakegate-7d9f-fghij' }, '1x12')],
    at: '10m',
    alert: 'WakegateDown',
    fires: [],
  },
  {
    name: 'every pod down fires WakegateDown',
    input: [series('up', {}, '1 0x10'), series('up', { instance: '10.0.0.8:9090', pod: 'wakegate-7d9f-fghij' }, '1 0x10')],
    at: '10m',
    alert: 'WakegateDown',
    // absent() of a comparison has no labels to give: the alert carries only its severity.
    fires: [{ labels: {}, summary: 'wakegate: no instance is up' }],
  },
  {
    name: 'no wakegate scraped at all fires WakegateDown',
    input: [series('up', { job: 'something-else' }, '1x12')],
    at: '10m',
    alert: 'WakegateDown',
    // absent() of a comparison has no labels to give: the alert carries only its severity.
    fires: [{ labels: {}, summary: 'wakegate: no instance is up' }],
  },
];

function promtool(args: readonly string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000, cwd: scratch });
  if (run.error !== undefined) {
    throw new Error(`promtool could not run (${run.error.message}); install it (Debian: apt-get install prometheus) to test the alert rules`);
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The rule file Prometheus would load: the PrometheusRule's groups, descriptions left out (cases compare the summary). */
function writeRuleFile(): string {
  const groups = spec.groups.map((group) => ({
    name: group.name,
    rules: group.rules.map(({ annotations, ...rule }) => ({ ...rule, ...(annotations?.summary === undefined ? {} : { annotations: { summary: annotations.summary } }) })),
  }));
  writeFileSync(join(scratch, 'rules.yaml'), stringify({ groups }));
  return 'rules.yaml';
}

/** `promtool test rules` on one case, written to `file` in the scratch directory. */
function runCase(c: AlertCase, file: string): { status: number | null; output: string } {
  const tests = {
    rule_files: [writeRuleFile()],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: c.input,
        alert_rule_test: [
          {
            eval_time: c.at,
            alertname: c.alert,
            exp_alerts: c.fires.map((fire) => ({ exp_labels: { severity: severity(c.alert), ...fire.labels }, exp_annotations: { summary: fire.summary } })),
          },
        ],
      },
    ],
  };
  writeFileSync(join(scratch, file), stringify(tests));
  return promtool(['test', 'rules', file]);
}

describe('the alert rules, evaluated by promtool', () => {
  it('load as a Prometheus rule file, templates included', () => {
    writeFileSync(join(scratch, 'all-rules.yaml'), stringify({ groups: spec.groups }));
    const check = promtool(['check', 'rules', 'all-rules.yaml']);
    expect(check.output).toMatch(/SUCCESS: 7 rules found/);
    expect(check.status).toBe(0);
  });

  it('cover every alert with a case that fires it and one that does not', () => {
    const alerts = rules.flatMap((rule) => (rule.alert === undefined ? [] : [rule.alert]));
    for (const alert of alerts) {
      expect(CASES.some((c) => c.alert === alert && c.fires.length > 0), `${alert} fires`).toBe(true);
      expect(CASES.some((c) => c.alert === alert && c.fires.length === 0), `${alert} stays quiet`).toBe(true);
    }
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const run = runCase(c, `case-${CASES.indexOf(c)}.yaml`);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('tell a case that expects the wrong thing (the check is not vacuous)', () => {
    const run = runCase({ ...CASES[0]!, fires: [{ labels: byJob, summary: 'wakegate: 50% of wakes failed or timed out' }] }, 'case-wrong.yaml');
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('33.33%');
  });
});
