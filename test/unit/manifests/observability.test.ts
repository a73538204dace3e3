import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultConfig } from '../../../src/config/load.js';
import { WAKE_PHASES } from '../../../src/observability/metric-labels.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { validateCustomResource } from '../../kube/openapi/crds/validate.js';
import { type ConfigMap, type Deployment, type KubeObject, type Service, REPO, SIDECAR_DIR, ingressNginxWithSidecar, kustomize, kustomizeTogether, named, ofKind, resolvePort } from './kube.js';
import { exportedLabels, exportedSeriesNames, parsePromql } from './promql.js';

/**
 * manifests/observability: the ServiceMonitor, the alert rules and the Grafana dashboard. Checks what
 * would otherwise only show in a cluster with the Prometheus Operator and Grafana: the objects match
 * the operator's CRD schemas, the ServiceMonitor finds the admin port of the Service the base
 * creates, every PromQL expression parses with Prometheus' own grammar, and every metric and label
 * an alert or panel uses is one a real `Metrics` instance exports. Needs kubectl on PATH (no cluster).
 */

const DIR = 'manifests/observability';
/** The same for the ingress-nginx sidecar shape, which has no Service `wakegate`: a PodMonitor instead. */
const SIDECAR_OBSERVABILITY = `${SIDECAR_DIR}/observability`;

interface Rule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

interface PrometheusRule extends KubeObject {
  readonly spec: { readonly groups: readonly { readonly name: string; readonly rules: readonly Rule[] }[] };
}

interface ServiceMonitor extends KubeObject {
  readonly spec: {
    readonly selector: { readonly matchLabels?: Record<string, string> };
    readonly namespaceSelector?: unknown;
    readonly jobLabel?: string;
    readonly endpoints: readonly { readonly port?: string; readonly path?: string; readonly interval?: string; readonly scrapeTimeout?: string }[];
  };
}

interface PodMonitor extends KubeObject {
  readonly spec: {
    readonly selector: { readonly matchLabels?: Record<string, string> };
    readonly namespaceSelector?: unknown;
    readonly podMetricsEndpoints: readonly {
      readonly port?: string;
      readonly path?: string;
      readonly relabelings?: readonly { readonly action?: string; readonly targetLabel?: string; readonly replacement?: string }[];
    }[];
  };
}

interface DatasourceRef {
  readonly type?: string;
  readonly uid?: string;
}

interface Target {
  readonly refId: string;
  readonly expr: string;
  readonly datasource?: DatasourceRef;
}

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: DatasourceRef;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly targets?: readonly Target[];
}

interface Variable {
  readonly name: string;
  readonly type: string;
  readonly query?: string | { readonly query: string };
  readonly definition?: string;
  readonly includeAll?: boolean;
  readonly allValue?: string;
  readonly current?: { readonly value?: unknown };
}

interface Dashboard {
  readonly uid?: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly Variable[] };
}

/** Labels the Prometheus Operator gives every target of a ServiceMonitor. */
const TARGET_LABELS = new Set(['namespace', 'job', 'instance', 'pod', 'service', 'endpoint', 'container']);
/** Series Prometheus itself writes for each scrape. */
const SCRAPE_SERIES = new Set(['up']);
/** The metrics added to docs/metrics.md with the dashboard; required here by name so a missing one says so. */
const NEW_METRICS = ['wakegate_wake_phase_seconds', 'wakegate_asleep_hours', 'wakegate_saved_replica_hours', 'wakegate_saved_cost', 'wakegate_keep_awake_environments'];
/** Grafana's own interval variables, given values a real dashboard would have. */
const GRAFANA_BUILTINS: ReadonlyMap<string, string> = new Map([
  ['__rate_interval', '2m'],
  ['__interval', '30s'],
  ['__range', '6h'],
]);

const read = (file: string): string => readFileSync(join(REPO, DIR, file), 'utf8');
const ruleObject = parse(read('prometheusrule.yaml')) as PrometheusRule;
const RULES = ruleObject.spec.groups.flatMap((group) => group.rules);
const ALERTS = RULES.filter((rule): rule is Rule & { alert: string } => rule.alert !== undefined);
const DASHBOARD_TEXT = read('grafana-dashboard.json');
const DASHBOARD = JSON.parse(DASHBOARD_TEXT) as Dashboard;

/** The value each dashboard variable stands for in a query: "All" for multi-value ones, the current choice otherwise. */
function variableValues(dashboard: Dashboard): ReadonlyMap<string, string> {
  const values = new Map(GRAFANA_BUILTINS);
  for (const variable of dashboard.templating.list) {
    if (variable.type === 'datasource') continue;
    if (variable.type === 'query') values.set(variable.name, variable.includeAll === true ? (variable.allValue ?? '.*') : 'example');
    else values.set(variable.name, String(variable.current?.value));
  }
  return values;
}

/** A Grafana query with its variables replaced (`$name`, `${name}`, `${name:format}`, `[[name]]`); an unknown one throws. */
function substitute(query: string, values: ReadonlyMap<string, string>): string {
  return query.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (whole, braced?: string, plain?: string, brackets?: string) => {
    const value = values.get(braced ?? plain ?? brackets ?? '');
    if (value === undefined) throw new Error(`the dashboard defines no variable ${whole}`);
    return value;
  });
}

interface Query {
  readonly source: string;
  readonly expr: string;
}

const VALUES = variableValues(DASHBOARD);
const RULE_QUERIES: readonly Query[] = RULES.map((rule) => ({ source: `alert ${rule.alert ?? rule.record}`, expr: rule.expr }));
const PANEL_QUERIES: readonly Query[] = DASHBOARD.panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ source: `panel "${panel.title}" query ${target.refId}`, expr: substitute(target.expr, VALUES) })),
);
/** `label_values(<selector>, <label>)` of the query variables: the selector is PromQL. */
const VARIABLE_QUERIES: readonly Query[] = DASHBOARD.templating.list.flatMap((variable) => {
  if (variable.type !== 'query') return [];
  const text = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
  const match = /^label_values\((.+),\s*(\w+)\)$/.exec(text.trim());
  if (match === null) throw new Error(`variable ${variable.name}: expected label_values(<selector>, <label>), got ${text}`);
  return [{ source: `variable ${variable.name}`, expr: substitute(match[1] ?? '', VALUES) }];
});
const QUERIES = [...RULE_QUERIES, ...PANEL_QUERIES, ...VARIABLE_QUERIES];

/** Series names, and the labels and values of each, from a real exposition with every labelled series touched once. */
let exported: ReturnType<typeof exportedSeriesNames>;
let labels: ReturnType<typeof exportedLabels>;

beforeAll(async () => {
  // costConfigured: wakegate_saved_cost exists only when costs.perReplicaHour is set, and the dashboard shows it.
  const metrics = new Metrics({ perEnvironment: false, heldRequestsLimit: 100, costConfigured: true });
  metrics.observeRequest(200, 0.002);
  metrics.observeRequest(503, 0.001);
  metrics.coldStart('success', 2.5);
  for (const phase of WAKE_PHASES) metrics.wakePhase(phase, 0.5);
  metrics.setHeld(3);
  metrics.kubeApiError('patch', 403);
  metrics.kubeWatchRestart('Namespace');
  const window = { asleepHours: 5, savedReplicaHours: 10, savedCost: 0.4 };
  metrics.useFleet(() => ({ keptAwake: 1, savings: [{ windows: { '24h': window, '7d': window } }] }));
  const { body } = await metrics.render();
  exported = exportedSeriesNames(body);
  labels = exportedLabels(body);
});

/** `Kind/name` of each object, sorted. */
function kindsAndNames(objects: readonly KubeObject[]): string[] {
  return objects.map((object) => `${String(object.kind)}/${String(object.metadata?.name)}`).sort();
}

describe('manifests/observability renders with kustomize', () => {
  it('into a ServiceMonitor, a PrometheusRule and the dashboard ConfigMap, all in wakegate-system', () => {
    const objects = kustomize(DIR);
    expect(kindsAndNames(objects)).toEqual([
      'ConfigMap/wakegate-grafana-dashboard',
      'PrometheusRule/wakegate',
      'ServiceMonitor/wakegate',
    ]);
    for (const object of objects) expect(object.metadata?.namespace).toBe('wakegate-system');
  });

  it('and the base and every overlay still render, alone and together with it, without a clash of names', () => {
    expect(kustomize('manifests/base').length).toBeGreaterThan(0);
    for (const overlay of ['manifests/overlays/in-front-of-ingress', 'manifests/overlays/direct']) {
      const alone = kustomize(overlay);
      const together = kustomizeTogether([overlay, DIR]);
      expect(together.length).toBe(alone.length + kustomize(DIR).length);
    }
  });
});

describe('the ServiceMonitor and PrometheusRule validate against the Prometheus Operator CRD schemas', () => {
  const objects = (): KubeObject[] => kustomize(DIR).filter((object) => object.kind !== 'ConfigMap');

  it.each(['ServiceMonitor', 'PrometheusRule'])('the rendered %s', (kind) => {
    const object = objects().find((candidate) => candidate.kind === kind);
    expect(object).toBeDefined();
    expect(validateCustomResource(object)).toEqual([]);
  });

  it('and the validation catches a misspelled field, a bad duration and a missing expr (it is not vacuous)', () => {
    const monitor = structuredClone(named<ServiceMonitor>(objects(), 'ServiceMonitor', 'wakegate')) as unknown as { spec: { endpoints: Record<string, unknown>[] } };
    monitor.spec.endpoints[0] = { prot: 'admin', interval: '30 seconds' };
    expect(validateCustomResource(monitor)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\$\.spec\.endpoints\[0\]\.prot: unknown field/), expect.stringMatching(/^\$\.spec\.endpoints\[0\]\.interval: must match pattern/)]),
    );
    const rule = structuredClone(named<PrometheusRule>(objects(), 'PrometheusRule', 'wakegate')) as unknown as { spec: { groups: { rules: Record<string, unknown>[] }[] } };
    delete rule.spec.groups[0]!.rules[0]!.expr;
    rule.spec.groups[0]!.rules[0]!.for = 'five minutes';
    expect(validateCustomResource(rule)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\$\.spec\.groups\[0\]\.rules\[0\]\.expr: is required/), expect.stringMatching(/^\$\.spec\.groups\[0\]\.rules\[0\]\.for: must match pattern/)]),
    );
  });
});

describe('the ServiceMonitor', () => {
  it.each(['manifests/overlays/in-front-of-ingress', 'manifests/overlays/direct'])(
    'scrapes /metrics on the admin port of the Service wakegate only, next to %s',
    (overlay) => {
      const objects = kustomizeTogether([overlay, DIR]);
      const monitor = named<ServiceMonitor>(objects, 'ServiceMonitor', 'wakegate');
      expect(monitor.spec.namespaceSelector).toBeUndefined(); // its own namespace
      const [endpoint, ...more] = monitor.spec.endpoints;
      expect(more).toEqual([]);
      expect(endpoint?.path).toBe('/metrics');
      // The Services the operator would look at: same namespace, labels matching the selector, a port of that name.
      const selected = ofKind<Service>(objects, 'Service').filter(
        (service) =>
          service.metadata.namespace === monitor.metadata?.namespace &&
          Object.entries(monitor.spec.selector.matchLabels ?? {}).every(([key, value]) => service.metadata.labels?.[key] === value) &&
          service.spec.ports.some((port) => port.name === endpoint?.port),
      );
      expect(selected.map((service) => service.metadata.name)).toEqual(['wakegate']);
      // That port reaches the container port on which wakegate's admin server listens beyond loopback.
      const port = selected[0]!.spec.ports.find((candidate) => candidate.name === endpoint?.port)!;
      const container = named<Deployment>(objects, 'Deployment', 'wakegate').spec.template.spec.containers.find((candidate) => candidate.name === 'wakegate')!;
      const containerPort = resolvePort(container, port.targetPort);
      const configMap = ofKind<ConfigMap>(objects, 'ConfigMap').find((candidate) => candidate.metadata.name.startsWith('wakegate-config'))!;
      const config = parse(configMap.data?.['wakegate.yaml'] ?? '') as { admin?: { listen?: string } };
      expect(config.admin?.listen).toBe(`0.0.0.0:${containerPort}`);
    },
  );

  it('names no port that manifests/base/service.yaml does not name (the base Service calls it admin)', () => {
    const service = named<Service>(kustomize('manifests/base'), 'Service', 'wakegate');
    const monitor = named<ServiceMonitor>(kustomize(DIR), 'ServiceMonitor', 'wakegate');
    expect(service.spec.ports.map((port) => port.name)).toContain('admin');
    expect(monitor.spec.endpoints.map((endpoint) => endpoint.port)).toEqual(['admin']);
  });

  it('gives its targets the job the target-down alerts select: the Service name, wakegate', () => {
    const monitor = named<ServiceMonitor>(kustomize(DIR), 'ServiceMonitor', 'wakegate');
    expect(monitor.spec.jobLabel).toBeUndefined();
    const jobs = RULES.flatMap((rule) => parsePromql(rule.expr).matchers.filter((matcher) => matcher.label === 'job').map((matcher) => `${matcher.op}${matcher.value}`));
    expect(new Set(jobs)).toEqual(new Set(['=wakegate']));
  });
});

describe(`${SIDECAR_OBSERVABILITY}, for wakegate inside the ingress-nginx controller pods`, () => {
  it('renders the same rules and dashboard, with a PodMonitor instead of the ServiceMonitor, all in ingress-nginx', () => {
    const objects = kustomize(SIDECAR_OBSERVABILITY);
    expect(kindsAndNames(objects)).toEqual([
      'ConfigMap/wakegate-grafana-dashboard',
      'PodMonitor/wakegate',
      'PrometheusRule/wakegate',
    ]);
    for (const object of objects) expect(object.metadata?.namespace).toBe('ingress-nginx');
    const strip = (object: KubeObject | undefined): unknown => ({ ...object, metadata: { ...object?.metadata, namespace: undefined } });
    for (const kind of ['PrometheusRule', 'ConfigMap']) {
      expect(strip(objects.find((object) => object.kind === kind))).toEqual(strip(kustomize(DIR).find((object) => object.kind === kind)));
    }
  });

  it('validates against the PodMonitor CRD, which catches a misspelled field', () => {
    const monitor = named<PodMonitor>(kustomize(SIDECAR_OBSERVABILITY), 'PodMonitor', 'wakegate');
    expect(validateCustomResource(monitor)).toEqual([]);
    const broken = structuredClone(monitor) as unknown as { spec: { podMetricsEndpoints: Record<string, unknown>[] } };
    broken.spec.podMetricsEndpoints[0] = { ...broken.spec.podMetricsEndpoints[0], prot: 'wakegate-admin' };
    expect(validateCustomResource(broken)).toEqual([expect.stringMatching(/^\$\.spec\.podMetricsEndpoints\[0\]\.prot: unknown field/)]);
  });

  it('scrapes /metrics on the wakegate container of the patched controller pods, the port its admin server listens on', () => {
    const monitor = named<PodMonitor>(kustomize(SIDECAR_OBSERVABILITY), 'PodMonitor', 'wakegate');
    expect(monitor.spec.namespaceSelector).toBeUndefined(); // its own namespace, ingress-nginx
    const [endpoint, ...more] = monitor.spec.podMetricsEndpoints;
    expect(more).toEqual([]);
    expect(endpoint?.path).toBe('/metrics');
    const controller = named<Deployment>(ingressNginxWithSidecar(), 'Deployment', 'ingress-nginx-controller');
    expect(controller.metadata.namespace).toBe(monitor.metadata?.namespace);
    const podLabels = (controller.spec.template as { metadata?: { labels?: Record<string, string> } }).metadata?.labels ?? {};
    for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels ?? {})) expect(podLabels[key], key).toBe(value);
    // The port name picks one container of the pod: wakegate's.
    const containers = controller.spec.template.spec.containers.filter((container) => (container.ports ?? []).some((port) => port.name === endpoint?.port));
    expect(containers.map((container) => container.name)).toEqual(['wakegate']);
    const configMap = ofKind<ConfigMap>(kustomize(SIDECAR_DIR), 'ConfigMap').find((candidate) => candidate.metadata.name === 'wakegate-config')!;
    const config = parse(configMap.data?.['wakegate.yaml'] ?? '') as { admin?: { listen?: string } };
    expect(config.admin?.listen).toBe(`0.0.0.0:${resolvePort(containers[0]!, endpoint?.port)}`);
  });

  it('gives its targets the job the target-down alerts select, wakegate', () => {
    const monitor = named<PodMonitor>(kustomize(SIDECAR_OBSERVABILITY), 'PodMonitor', 'wakegate');
    expect(monitor.spec.podMetricsEndpoints[0]?.relabelings).toContainEqual({ action: 'replace', targetLabel: 'job', replacement: 'wakegate' });
    const jobs = RULES.flatMap((rule) => parsePromql(rule.expr).matchers.filter((matcher) => matcher.label === 'job').map((matcher) => matcher.value));
    expect(new Set(jobs)).toEqual(new Set(['wakegate']));
  });

  it('renders together with the sidecar overlay without a clash of names', () => {
    const together = kustomizeTogether([SIDECAR_DIR, SIDECAR_OBSERVABILITY]);
    expect(together.length).toBe(kustomize(SIDECAR_DIR).length + kustomize(SIDECAR_OBSERVABILITY).length);
  });
});

describe('the alert rules', () => {
  it('are all alerts, with unique names', () => {
    expect(ALERTS.length).toBe(RULES.length);
    expect(new Set(ALERTS.map((rule) => rule.alert)).size).toBe(ALERTS.length);
    expect(ALERTS.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'WakegateWakesFailing',
        'WakegateWakesSlow',
        'WakegateHeldRequestsNearLimit',
        'WakegateKubernetesApiErrors',
        'WakegateKubernetesWatchRestarting',
        'WakegateTargetDown',
      ]),
    );
  });

  it.each(ALERTS.map((rule) => [rule.alert, rule] as const))('%s has a for, a severity, a summary and a description that says what to check', (_, rule) => {
    expect(rule.for).toMatch(/^\d+[smh]$/);
    expect(['warning', 'critical']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary?.trim()).not.toBe('');
    expect(rule.annotations?.description).toContain('What to check:');
  });

  it.each(ALERTS.map((rule) => [rule.alert, rule] as const))('%s names in its annotations only labels its expression keeps', (_, rule) => {
    const used = [...Object.values(rule.annotations ?? {}).join('\n').matchAll(/\$labels\.(\w+)/g)].map((match) => match[1]!);
    const parsed = parsePromql(rule.expr);
    // absent() keeps no label here (its argument is a comparison); an aggregation keeps what every `by` keeps;
    // a plain selector keeps its metric's labels and the target's.
    const kept = /^\s*absent\(/.test(rule.expr)
      ? new Set<string>()
      : /\b(sum|max|min|avg|count)\s+by\b/.test(rule.expr)
        ? new Set(parsed.groupingLabels)
        : new Set([...TARGET_LABELS, ...parsed.metrics.flatMap((metric) => [...(labels.get(metric)?.keys() ?? [])])]);
    expect(used.filter((label) => !kept.has(label))).toEqual([]);
  });

  it('guard the held-requests ratio against a limit of 0', () => {
    const rule = ALERTS.find((candidate) => candidate.alert === 'WakegateHeldRequestsNearLimit')!;
    expect(rule.expr.replace(/\s+/g, ' ')).toContain('wakegate_held_requests / (wakegate_held_requests_limit > 0) > 0.8');
  });

  it('alert on slow wakes below wake.timeout (the manifests keep the default), since a wake that runs past it is a timeout and is never timed', () => {
    const rule = ALERTS.find((candidate) => candidate.alert === 'WakegateWakesSlow')!;
    const threshold = Number(/\)\s*>\s*([\d.]+)\s*$/.exec(rule.expr)?.[1]);
    expect(threshold).toBeGreaterThan(0);
    expect(threshold).toBeLessThan(defaultConfig().wake.timeout / 1000);
    for (const file of ['manifests/base', ...['in-front-of-ingress', 'direct', 'ingress-nginx-sidecar'].map((name) => `manifests/overlays/${name}`)]) {
      const config = parse(readFileSync(join(REPO, file, 'wakegate.yaml'), 'utf8')) as { wake?: { timeout?: unknown } };
      expect(config.wake?.timeout, file).toBeUndefined();
    }
  });
});

describe('every PromQL expression of the rules and the dashboard', () => {
  it('is found (rules, panel targets and variable queries)', () => {
    expect(RULE_QUERIES.length).toBeGreaterThanOrEqual(6);
    expect(PANEL_QUERIES.length).toBeGreaterThanOrEqual(20);
    expect(VARIABLE_QUERIES.length).toBeGreaterThan(0);
  });

  it.each(QUERIES.map((query) => [query.source, query] as const))('%s parses with the Prometheus PromQL grammar', (_, query) => {
    expect(parsePromql(query.expr).errors).toEqual([]);
  });

  it.each(QUERIES.map((query) => [query.source, query] as const))('%s uses only metrics and labels wakegate exports', (_, query) => {
    const parsed = parsePromql(query.expr);
    expect(parsed.metrics.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const metric of parsed.metrics) {
      if (!exported.has(metric) && !SCRAPE_SERIES.has(metric)) problems.push(`${metric}: not exported`);
    }
    const labelsOf = (metric: string | undefined): ReadonlyMap<string, Set<string>> => labels.get(metric ?? '') ?? new Map();
    for (const matcher of parsed.matchers) {
      const own = labelsOf(matcher.metric);
      if (!own.has(matcher.label) && !TARGET_LABELS.has(matcher.label)) problems.push(`${matcher.metric}{${matcher.label}}: no such label`);
      // Values of a label wakegate enumerates (more than one value seen) must be among them: a misspelt
      // value would match nothing and the alert would never fire.
      const values = own.get(matcher.label);
      if (values !== undefined && values.size > 1 && /^[\w|]+$/.test(matcher.value) && (matcher.op === '=' || matcher.op === '=~')) {
        for (const value of matcher.value.split('|')) if (!values.has(value)) problems.push(`${matcher.metric}{${matcher.label}="${value}"}: no such value (${[...values].join(', ')})`);
      }
    }
    const available = new Set([...TARGET_LABELS, ...parsed.metrics.flatMap((metric) => [...labelsOf(metric).keys()])]);
    for (const label of parsed.groupingLabels) if (!available.has(label)) problems.push(`by/on (${label}): none of ${parsed.metrics.join(', ')} has it`);
    expect(problems).toEqual([]);
  });

  it(`include the metrics added with the dashboard, which the code must export: ${NEW_METRICS.join(', ')}`, () => {
    const families = new Set([...exported.values()].map((entry) => entry.family));
    expect(NEW_METRICS.filter((metric) => !families.has(metric))).toEqual([]);
    const used = new Set(QUERIES.flatMap((query) => parsePromql(query.expr).metrics).map((metric) => exported.get(metric)?.family ?? metric));
    expect(NEW_METRICS.filter((metric) => !used.has(metric))).toEqual([]);
  });
});

describe('the Grafana dashboard', () => {
  it('is JSON of schema version 39 with a title and its own uid', () => {
    expect(DASHBOARD.schemaVersion).toBe(39);
    expect(DASHBOARD.title).toBe('wakegate');
    expect(DASHBOARD.uid).toBe('wakegate');
  });

  it('asks for its Prometheus data source through the ${datasource} variable and hard-codes no data source UID', () => {
    const variable = DASHBOARD.templating.list.find((candidate) => candidate.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const problems: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (Array.isArray(value)) return value.forEach((item, index) => walk(item, `${path}[${index}]`));
      if (value === null || typeof value !== 'object') return;
      for (const [key, child] of Object.entries(value)) {
        if (key === 'datasource') {
          if (JSON.stringify(child) !== JSON.stringify({ type: 'prometheus', uid: '${datasource}' })) problems.push(`${path}.datasource: ${JSON.stringify(child)}`);
        } else if (key === 'uid' && path !== '$') {
          problems.push(`${path}.uid: ${JSON.stringify(child)}`);
        } else {
          walk(child, `${path}.${key}`);
        }
      }
    };
    walk(DASHBOARD, '$');
    expect(problems).toEqual([]);
    // Every panel that queries says where from.
    for (const panel of DASHBOARD.panels) if (panel.type !== 'row') expect(panel.datasource, panel.title).toBeDefined();
  });

  it('has unique panel ids, and panels that fit the 24-column grid without overlapping', () => {
    const panels = DASHBOARD.panels;
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    const problems: string[] = [];
    panels.forEach((a, i) => {
      const { x, y, w, h } = a.gridPos;
      if (x < 0 || w <= 0 || h <= 0 || x + w > 24 || y < 0) problems.push(`"${a.title}" is outside the grid: ${JSON.stringify(a.gridPos)}`);
      for (const b of panels.slice(i + 1)) {
        const g = b.gridPos;
        if (x < g.x + g.w && g.x < x + w && y < g.y + g.h && g.y < y + h) problems.push(`"${a.title}" overlaps "${b.title}"`);
      }
    });
    expect(problems).toEqual([]);
  });

  it('gives every query of a panel its own refId', () => {
    for (const panel of DASHBOARD.panels) {
      if (panel.type === 'row') continue;
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      expect(refIds.length, panel.title).toBeGreaterThan(0);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
    }
  });

  it('has the panels asked of it', () => {
    expect(DASHBOARD.panels.filter((panel) => panel.type !== 'row').map((panel) => panel.title)).toEqual(
      expect.arrayContaining([
        'Requests per second by status class',
        'Request latency',
        'Environments by phase',
        'Cold starts by result',
        'Wake duration',
        'Wake phases (mean)',
        'Held requests vs limit',
        'Asleep hours',
        'Saved replica-hours',
        'Saved cost',
        'Keep-awake environments',
        'Upstream errors by kind',
        'Kubernetes API errors',
        'Kubernetes watch restarts',
        'CPU',
        'Resident memory',
      ]),
    );
  });

  it('charts every metric of the contract in docs/metrics.md, and process CPU and memory', () => {
    const table = readFileSync(join(REPO, 'docs/metrics.md'), 'utf8');
    const contract = [...table.matchAll(/^\| `(wakegate_\w+)` \| (counter|gauge|histogram) \|/gm)].map((match) => match[1]!);
    expect(contract.length).toBeGreaterThanOrEqual(16);
    const charted = new Set(PANEL_QUERIES.flatMap((query) => parsePromql(query.expr).metrics).map((metric) => exported.get(metric)?.family ?? metric));
    expect([...contract, 'wakegate_process_cpu_seconds_total', 'wakegate_process_resident_memory_bytes'].filter((metric) => !charted.has(metric))).toEqual([]);
  });

  it('is what the ConfigMap for the Grafana sidecar holds, under a fixed name and the label grafana_dashboard: "1"', () => {
    const configMap = named<ConfigMap>(kustomize(DIR), 'ConfigMap', 'wakegate-grafana-dashboard');
    expect(configMap.metadata.labels?.grafana_dashboard).toBe('1');
    expect(Object.keys(configMap.data ?? {})).toEqual(['wakegate.json']);
    expect(configMap.data?.['wakegate.json']).toBe(DASHBOARD_TEXT);
    // `kubectl apply` (client side) keeps the whole object in an annotation; annotations are limited to 256 KiB.
    expect(Buffer.byteLength(JSON.stringify(configMap))).toBeLessThan(256 * 1024);
  });
});
