import { parser } from '@prometheus-io/lezer-promql';

/**
 * PromQL as Prometheus' own web UI reads it: `@prometheus-io/lezer-promql` is the grammar Prometheus
 * publishes for its query editor. The grammar is syntax only; on top of it this file checks the one
 * type rule an alert most easily gets wrong (a range-vector function given an instant vector) and
 * lists the metric and label names a query uses, so tests can compare them with what wakegate exports.
 */

export interface LabelMatcher {
  /** The metric of the selector the matcher belongs to; undefined for a selector without a name. */
  readonly metric: string | undefined;
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export interface ParsedQuery {
  /** Syntax errors and type errors, each with the text around it; empty when the query is valid. */
  readonly errors: readonly string[];
  /** Metric names of every selector, in order of appearance, without repeats. */
  readonly metrics: readonly string[];
  readonly matchers: readonly LabelMatcher[];
  /** Label names of `by`, `without`, `on`, `ignoring`, `group_left`, `group_right`. */
  readonly groupingLabels: readonly string[];
}

/** Functions whose argument must be a range vector (`x[5m]`) or a subquery. */
const RANGE_FUNCTIONS = new Set(['Rate', 'Irate', 'Increase', 'Delta', 'Idelta', 'Deriv', 'Changes', 'Resets', 'PredictLinear']);

const promql = parser.configure({ top: 'PromQL' });

type SyntaxNode = ReturnType<typeof promql.parse>['topNode'];

export function parsePromql(query: string): ParsedQuery {
  const tree = promql.parse(query);
  const errors: string[] = [];
  const metrics: string[] = [];
  const matchers: LabelMatcher[] = [];
  const groupingLabels: string[] = [];
  const text = (node: SyntaxNode): string => query.slice(node.from, node.to);
  const around = (from: number, to: number): string =>
    `at ${from}: ${JSON.stringify(`${query.slice(Math.max(0, from - 25), from)}⟨${query.slice(from, Math.max(to, from + 1))}⟩${query.slice(Math.max(to, from + 1), to + 25)}`)}`;

  tree.iterate({
    enter: (ref) => {
      const node = ref.node;
      if (node.type.isError) {
        errors.push(`syntax error ${around(node.from, node.to)}`);
        return;
      }
      switch (node.name) {
        case 'VectorSelector': {
          const identifier = node.getChild('Identifier');
          let metric = identifier === null ? undefined : text(identifier);
          const selectorMatchers = (node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []).map((matcher) => {
            const label = matcher.getChild('LabelName');
            const op = matcher.getChild('MatchOp');
            const value = matcher.getChild('StringLiteral');
            return {
              label: label === null ? '' : text(label),
              op: (op === null ? '=' : text(op)) as LabelMatcher['op'],
              value: value === null ? '' : unquote(text(value)),
            };
          });
          const byName = selectorMatchers.find((matcher) => matcher.label === '__name__' && matcher.op === '=');
          if (metric === undefined && byName !== undefined) metric = byName.value;
          if (metric !== undefined && !metrics.includes(metric)) metrics.push(metric);
          for (const matcher of selectorMatchers) if (matcher.label !== '__name__') matchers.push({ metric, ...matcher });
          if (node.getChild('LabelMatchers')?.getChild('QuotedLabelMatcher') != null) errors.push(`quoted label names are not checked here ${around(node.from, node.to)}`);
          return;
        }
        case 'GroupingLabels':
          for (const label of node.getChildren('LabelName')) groupingLabels.push(text(label));
          return;
        case 'FunctionCall': {
          const name = node.getChild('FunctionIdentifier')?.firstChild?.name ?? '';
          if (!RANGE_FUNCTIONS.has(name) && !name.endsWith('OverTime')) return;
          const body = node.getChild('FunctionCallBody');
          // The range is the first argument (predict_linear's too); parentheses are not nodes of the tree.
          const argument = body?.firstChild;
          if (argument == null || (argument.name !== 'MatrixSelector' && argument.name !== 'SubqueryExpr')) {
            errors.push(`${name} needs a range vector such as x[5m] ${around(node.from, node.to)}`);
          }
          return;
        }
        default:
          return;
      }
    },
  });
  return { errors, metrics, matchers, groupingLabels: [...new Set(groupingLabels)] };
}

/** The value of a PromQL string literal: "…" and '…' with Go escapes (the common ones), `…` raw. */
function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  return body.replace(/\\(.)/g, (_, escaped: string) => ({ n: '\n', t: '\t', r: '\r' })[escaped] ?? escaped);
}

/**
 * Each series name a metric family of the text exposition format stands for, from its `# TYPE` line:
 * a histogram `x` is `x_bucket`, `x_sum` and `x_count`; a summary `x`, `x_sum` and `x_count`;
 * counters, gauges and untyped metrics are their own name (prom-client's counters already end in `_total`).
 */
export function exportedSeriesNames(exposition: string): Map<string, { readonly family: string; readonly type: string }> {
  const names = new Map<string, { family: string; type: string }>();
  for (const line of exposition.split('\n')) {
    const match = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (match === null) continue;
    const [, family = '', type = ''] = match;
    const suffixes = type === 'histogram' ? ['_bucket', '_sum', '_count'] : type === 'summary' ? ['', '_sum', '_count'] : [''];
    for (const suffix of suffixes) names.set(`${family}${suffix}`, { family, type });
  }
  return names;
}

/** The label names and values of each series name in an exposition (sample lines only). */
export function exportedLabels(exposition: string): Map<string, Map<string, Set<string>>> {
  const series = new Map<string, Map<string, Set<string>>>();
  for (const line of exposition.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? \S+/.exec(line);
    if (match === null) continue;
    const [, name = '', labelText = ''] = match;
    const labels = series.get(name) ?? new Map<string, Set<string>>();
    series.set(name, labels);
    for (const pair of labelText.matchAll(/([A-Za-z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
      const [, label = '', value = ''] = pair;
      const values = labels.get(label) ?? new Set<string>();
      values.add(value);
      labels.set(label, values);
    }
  }
  return series;
}
