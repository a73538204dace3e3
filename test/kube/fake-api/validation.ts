/**
 * The request-decoding and registry validation the proxy's writes meet (CONTRACT §7):
 * MicroTime fields must have exactly six fractional digits (Lease `acquireTime`/`renewTime`,
 * Event `eventTime`, `series.lastObservedTime`) → 400; Events follow `legacyValidateEvent` → 422.
 */
import { badRequest, invalid, type StatusCause } from './errors.js';
import type { Resource } from './resources.js';
import type { KubeObject } from './store.js';

const MICRO_TIME_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';

const MICRO_TIME_FIELDS: Partial<Record<Resource, readonly (readonly string[])[]>> = {
  leases: [['spec', 'acquireTime'], ['spec', 'renewTime']],
  events: [['eventTime'], ['series', 'lastObservedTime']],
};

function at(object: unknown, path: readonly string[]): unknown {
  let value = object;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** Go's `time.Parse(RFC3339Micro)` error text for a value, or undefined when it parses. */
export function microTimeError(value: string): string | undefined {
  const head = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.exec(value);
  if (head === null) return `parsing time "${value}" as "${MICRO_TIME_LAYOUT}": cannot parse "${value}" as "2006"`;
  const rest = value.slice(head[0].length);
  const fraction = /^\.\d{6}/.exec(rest);
  if (fraction === null) return `parsing time "${value}" as "${MICRO_TIME_LAYOUT}": cannot parse "${rest}" as ".000000"`;
  const zone = rest.slice(fraction[0].length);
  if (!/^(Z|[+-]\d{2}:\d{2})$/.test(zone)) return `parsing time "${value}" as "${MICRO_TIME_LAYOUT}": cannot parse "${zone}" as "Z07:00"`;
  return undefined;
}

/** 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: parsing time …` (CONTRACT §7). */
export function checkMicroTimes(resource: Resource, object: KubeObject): void {
  for (const path of MICRO_TIME_FIELDS[resource] ?? []) {
    const value = at(object, path);
    if (value === undefined || value === null) continue;
    const problem = typeof value === 'string' ? microTimeError(value) : `json: cannot unmarshal ${typeof value} into Go value of type string`;
    if (problem !== undefined) {
      const version = object.apiVersion.includes('/') ? object.apiVersion.split('/')[1] : object.apiVersion;
      throw badRequest(`${object.kind} in version "${version}" cannot be handled as a ${object.kind}: ${problem}`);
    }
  }
}

/** `legacyValidateEvent` (EV): namespace rules for the involved object; reporting fields when `eventTime` is set. */
export function checkEvent(event: KubeObject): void {
  const causes: Required<StatusCause>[] = [];
  const involved = (event.involvedObject ?? {}) as { namespace?: string };
  const involvedNamespace = involved.namespace ?? '';
  const namespace = event.metadata.namespace ?? '';
  const mismatch = (): void => { causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${involvedNamespace}": does not match event.namespace`, field: 'involvedObject.namespace' }); };
  const eventTime = event.eventTime;
  if (eventTime === undefined || eventTime === null || eventTime === '') {
    if (involvedNamespace === '' ? namespace !== '' && namespace !== 'default' : namespace !== involvedNamespace) mismatch();
  } else {
    if (involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') mismatch();
    // The wire name of `reportingController` is `reportingComponent`; messages use the Go field path.
    for (const [wire, field] of [['reportingComponent', 'reportingController'], ['reportingInstance', 'reportingInstance'], ['action', 'action'], ['reason', 'reason']] as const) {
      const value = event[wire];
      if (typeof value !== 'string' || value === '') causes.push({ reason: 'FieldValueRequired', message: 'Required value', field });
    }
  }
  if (causes.length > 0) throw invalid('events', event.metadata.name ?? '', causes);
}
