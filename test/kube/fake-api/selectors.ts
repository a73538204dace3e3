/**
 * Label and field selectors as the API server parses them (CONTRACT §2, §8, §14). Label selectors:
 * `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, `k>n`, `k<n`, comma-joined.
 * Field selectors: `metadata.name` and `metadata.namespace` for every kind, a few more for the
 * kinds that define them; any other field → 400 BadRequest with the server's message.
 */
import { badRequest } from './errors.js';
import type { Resource } from './resources.js';
import type { KubeObject } from './store.js';

export type Selector = (object: KubeObject) => boolean;

const everything: Selector = () => true;

interface Requirement { key: string; op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | '>' | '<'; values: string[] }

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseRequirement(raw: string, selector: string): Requirement {
  const text = raw.trim();
  const fail = (): never => { throw badRequest(`unable to parse requirement: found '${text}', expected a valid label selector in "${selector}"`); };
  let match = /^!\s*([^\s=!<>(),]+)$/.exec(text);
  if (match !== null) return { key: match[1] ?? fail(), op: '!', values: [] };
  match = /^([^\s=!<>(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(text);
  if (match !== null) {
    const values = (match[3] ?? '').split(',').map((v) => v.trim());
    return { key: match[1] ?? fail(), op: match[2] as 'in' | 'notin', values };
  }
  match = /^([^\s=!<>(),]+)\s*(==|=|!=|>|<)\s*([^\s=!<>(),]*)$/.exec(text);
  if (match !== null) {
    const op = match[2] === '==' ? '=' : match[2] as Requirement['op'];
    return { key: match[1] ?? fail(), op, values: [match[3] ?? ''] };
  }
  match = /^([^\s=!<>(),]+)$/.exec(text);
  if (match !== null) return { key: match[1] ?? fail(), op: 'exists', values: [] };
  return fail();
}

function matches(labels: Record<string, string>, r: Requirement): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.op) {
    case '=': return has && value === r.values[0];
    case '!=': return !has || value !== r.values[0];
    case 'in': return has && r.values.includes(value ?? '');
    case 'notin': return !has || !r.values.includes(value ?? '');
    case 'exists': return has;
    case '!': return !has;
    case '>': return has && Number(value) > Number(r.values[0]);
    case '<': return has && Number(value) < Number(r.values[0]);
  }
}

export function parseLabelSelector(selector: string | null): Selector {
  if (selector === null || selector.trim() === '') return everything;
  const requirements = splitTopLevel(selector).map((part) => parseRequirement(part, selector));
  return (object) => {
    const labels = object.metadata.labels ?? {};
    return requirements.every((r) => matches(labels, r));
  };
}

/** Field paths each kind supports beyond metadata.name/metadata.namespace (kubernetes `pkg/registry/*` field label conversions). */
const EXTRA_FIELDS: Partial<Record<Resource, readonly string[]>> = {
  namespaces: ['status.phase'],
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  services: ['spec.clusterIP', 'spec.type'],
  events: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
};

function fieldValue(object: KubeObject, path: string): string {
  if (path === 'source') {
    const component = (object.source as { component?: unknown } | undefined)?.component ?? object.reportingComponent;
    return typeof component === 'string' ? component : '';
  }
  let value: unknown = object;
  for (const part of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

export function parseFieldSelector(resource: Resource, selector: string | null): Selector {
  if (selector === null || selector.trim() === '') return everything;
  const extra = EXTRA_FIELDS[resource];
  const terms = selector.split(',').map((term) => {
    const match = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (match === null) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [, field = '', op = '=', value = ''] = match;
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !(extra?.includes(field) ?? false)) {
      throw badRequest(extra === undefined
        ? `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`
        : `field label not supported: ${field}`);
    }
    return { field, negate: op === '!=', value };
  });
  return (object) => terms.every((t) => (fieldValue(object, t.field) === t.value) !== t.negate);
}

/** The label selector of a workload in query-string form, as `Scale.status.selector` shows it (CONTRACT §4). */
export function selectorString(selector: unknown): string {
  if (typeof selector !== 'object' || selector === null) return '';
  const { matchLabels = {}, matchExpressions = [] } = selector as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const parts: { key: string; text: string }[] = Object.entries(matchLabels).map(([key, value]) => ({ key, text: `${key}=${value}` }));
  for (const e of matchExpressions) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text = e.operator === 'In' ? `${e.key} in (${values})` : e.operator === 'NotIn' ? `${e.key} notin (${values})` : e.operator === 'Exists' ? e.key : `!${e.key}`;
    parts.push({ key: e.key, text });
  }
  return parts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((p) => p.text).join(',');
}
