/**
 * LIST (CONTRACT §4, §5): items at a resourceVersion, label/field selectors, `limit`/`continue`
 * pages that all carry the first page's RV. A snapshot at an older RV is rebuilt from the store's
 * change history; once that history no longer reaches back, the RV (or the continue token) has
 * expired → 410.
 */
import { badRequest, expired, StoreError } from './errors.js';
import { wireItem } from './http-util.js';
import type { ResourceTarget } from './routes.js';
import { parseFieldSelector, parseLabelSelector, type Selector } from './selectors.js';
import { apiVersionOf } from './resources.js';
import type { KubeObject, Store } from './store.js';

/** How long a read with a future resourceVersion waits for the store to catch up (`blockTimeout`, CONTRACT §5). */
const TOO_LARGE_RV_WAIT_MS = 3000;

/** Sorts like the store's listing: by namespace, then name, in byte order (etcd key order). */
export function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}\u0000${object.metadata.name ?? ''}`;
}

/** Objects of one resource (and namespace, when given) as they were at `resourceVersion`. */
export function snapshotAt(store: Store, target: Pick<ResourceTarget, 'resource' | 'namespace'>, resourceVersion: number): readonly KubeObject[] {
  const current = store.view(target.resource, target.namespace);
  if (resourceVersion >= store.currentResourceVersion) return current;
  const changes = store.changesSince(resourceVersion);
  if (changes === 'expired') throw expired(`too old resource version: ${resourceVersion} (${store.currentResourceVersion})`);
  const objects = new Map(current.map((o) => [objectKey(o), o]));
  for (let i = changes.length - 1; i >= 0; i--) {
    const change = changes[i];
    if (change === undefined || change.resource !== target.resource) continue;
    if (target.namespace !== undefined && change.object.metadata.namespace !== target.namespace) continue;
    const key = objectKey(change.object);
    if (change.type === 'ADDED') objects.delete(key);
    else if (change.previous !== undefined) objects.set(key, structuredClone(change.previous));
  }
  return [...objects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
}

/** Resolves once the store has reached `resourceVersion`, or throws the 504 of CONTRACT §5 after 3 s. */
export async function waitForResourceVersion(store: Store, resourceVersion: number): Promise<void> {
  if (resourceVersion <= store.currentResourceVersion) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new StoreError(504, 'Timeout', `Too large resource version: ${resourceVersion}, current: ${store.currentResourceVersion}`,
        { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 }));
    }, TOO_LARGE_RV_WAIT_MS);
    const unsubscribe = store.subscribe(() => {
      if (store.currentResourceVersion < resourceVersion) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

interface ContinueToken { rv: number; start: string }

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: `${token.start}\u0000` })).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { rv?: unknown; start?: unknown };
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string') return { rv: parsed.rv, start: parsed.start.endsWith('\u0000') ? parsed.start.slice(0, -1) : parsed.start };
  } catch { /* reported below */ }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

export function parseResourceVersion(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`resourceVersion: Invalid value: "${value}": must be a non-negative integer`);
  return Number(value);
}

export function selectorsOf(target: ResourceTarget, query: URLSearchParams): { selector: Selector; filtered: boolean } {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(target.resource, query.get('fieldSelector'));
  const filtered = (query.get('labelSelector') ?? '') !== '' || (query.get('fieldSelector') ?? '') !== '';
  return { selector: (o) => labels(o) && fields(o), filtered };
}

export async function listResource(store: Store, target: ResourceTarget, query: URLSearchParams): Promise<Record<string, unknown>> {
  const { selector, filtered } = selectorsOf(target, query);
  const requested = parseResourceVersion(query.get('resourceVersion'));
  const match = query.get('resourceVersionMatch') ?? '';
  const limitText = query.get('limit');
  const limit = limitText === null || limitText === '' ? 0 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: "${limitText}": must be a non-negative integer`);
  const continueText = query.get('continue') ?? '';
  if (match !== '' && requested === undefined) throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (continueText !== '' && requested !== undefined && requested !== 0) throw badRequest('resourceVersion: Forbidden: specifying resource version is not allowed when using continue');

  let at: number;
  let start = '';
  if (continueText !== '') {
    const token = decodeContinue(continueText);
    at = token.rv;
    start = token.start;
  } else if (requested !== undefined && requested !== 0) {
    await waitForResourceVersion(store, requested);
    const exact = match === 'Exact' || (match === '' && limit > 0);
    at = exact ? requested : store.currentResourceVersion;
  } else {
    at = store.currentResourceVersion;
  }
  let items: KubeObject[];
  try {
    items = snapshotAt(store, target, at).filter(selector);
  } catch (error) {
    if (error instanceof StoreError && error.code === 410 && continueText !== '') {
      throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
    }
    throw error;
  }
  if (start !== '') items = items.filter((o) => objectKey(o) > start);
  const metadata: Record<string, unknown> = { resourceVersion: String(at) };
  if (limit > 0 && items.length > limit) {
    const remaining = items.length - limit;
    items = items.slice(0, limit);
    metadata.continue = encodeContinue({ rv: at, start: objectKey(items[items.length - 1] as KubeObject) });
    if (!filtered) metadata.remainingItemCount = remaining;
  }
  return { kind: `${target.info.kind}List`, apiVersion: apiVersionOf(target.info), metadata, items: items.map(wireItem) };
}
