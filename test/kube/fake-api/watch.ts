/**
 * WATCH (CONTRACT §5, §6): a 200 chunked stream whose headers are flushed at once, one compact
 * JSON event per line. `resourceVersion` unset or "0" starts with a synthetic ADDED per existing
 * object; any other RV resumes after it from the store's history (too old → one ERROR 410 event,
 * then a clean end; in the future → waits). Selector transitions become ADDED/DELETED. Streams
 * end cleanly at `timeoutSeconds`, else at the server's default watch timeout.
 */
import type { ServerResponse } from 'node:http';
import { badRequest, expired, statusObject } from './errors.js';
import { wireObject } from './http-util.js';
import { parseResourceVersion, selectorsOf } from './list.js';
import { apiVersionOf } from './resources.js';
import type { ResourceTarget } from './routes.js';
import type { Selector } from './selectors.js';
import type { Change, Store } from './store.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent { type: WatchEventType; object: Record<string, unknown> }

export interface WatchContext {
  readonly store: Store;
  readonly defaultTimeoutSeconds: number;
  readonly bookmarkIntervalMs: number;
  /** Consumes one "410 Expired on the next watch" fault, if armed. */
  takeExpiredFault(): boolean;
  /** Open watch responses, so a fault can drop them all. */
  readonly open: Set<ServerResponse>;
}

/** What a watcher with `selector` sees of one store change (CW `convertToWatchEvent`), or undefined. */
export function watchEventFor(change: Change, target: Pick<ResourceTarget, 'resource' | 'namespace'>, selector: Selector): WatchEvent | undefined {
  if (change.resource !== target.resource) return undefined;
  if (target.namespace !== undefined && change.object.metadata.namespace !== target.namespace) return undefined;
  if (change.type === 'DELETED') return selector(change.object) ? { type: 'DELETED', object: wireObject(structuredClone(change.object)) } : undefined;
  const now = selector(change.object);
  const before = change.type === 'MODIFIED' && change.previous !== undefined && selector(change.previous);
  if (now && before) return { type: 'MODIFIED', object: wireObject(structuredClone(change.object)) };
  if (now) return { type: 'ADDED', object: wireObject(structuredClone(change.object)) };
  if (before && change.previous !== undefined) {
    // Stopped matching: DELETED carrying the old content with the new RV.
    const last = structuredClone(change.previous);
    last.metadata.resourceVersion = String(change.resourceVersion);
    return { type: 'DELETED', object: wireObject(last) };
  }
  return undefined;
}

function bookmark(target: ResourceTarget, resourceVersion: number, initialEventsEnd = false): WatchEvent {
  const metadata: Record<string, unknown> = { resourceVersion: String(resourceVersion) };
  if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
  return { type: 'BOOKMARK', object: { kind: target.info.kind, apiVersion: apiVersionOf(target.info), metadata } };
}

function parseTimeout(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0) throw badRequest(`timeoutSeconds: Invalid value: "${value}": must be a non-negative integer`);
  return seconds;
}

/** Validates the request (errors before the stream starts are ordinary Status responses), then streams. */
export function serveWatch(ctx: WatchContext, res: ServerResponse, target: ResourceTarget, query: URLSearchParams): void {
  const { store } = ctx;
  const { selector } = selectorsOf(target, query);
  const requested = parseResourceVersion(query.get('resourceVersion'));
  const timeoutSeconds = parseTimeout(query.get('timeoutSeconds')) || ctx.defaultTimeoutSeconds;
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const sendInitialEvents = query.get('sendInitialEvents') === 'true';

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const send = (event: WatchEvent): void => { if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(event)}\n`); };

  const history = requested === undefined || requested === 0 || sendInitialEvents ? [] : store.changesSince(requested);
  if (ctx.takeExpiredFault() || history === 'expired') {
    send({ type: 'ERROR', object: statusObject(expired(`too old resource version: ${requested ?? 0} (${store.currentResourceVersion})`)) });
    res.end();
    return;
  }

  if (requested === undefined || requested === 0 || sendInitialEvents) {
    for (const object of store.list(target.resource, target.namespace)) {
      if (selector(object)) send({ type: 'ADDED', object: wireObject(object) });
    }
    if (sendInitialEvents && bookmarks) send(bookmark(target, store.currentResourceVersion, true));
  } else {
    for (const change of history) {
      const event = watchEventFor(change, target, selector);
      if (event !== undefined) send(event);
    }
  }
  // A future RV waits: only changes after it are sent.
  const after = Math.max(requested ?? 0, store.currentResourceVersion);
  const unsubscribe = store.subscribe((change) => {
    if (change.resourceVersion <= after) return;
    const event = watchEventFor(change, target, selector);
    if (event !== undefined) send(event);
  });
  const bookmarkTimer = bookmarks && ctx.bookmarkIntervalMs > 0
    ? setInterval(() => send(bookmark(target, Math.max(after, store.currentResourceVersion))), ctx.bookmarkIntervalMs)
    : undefined;
  const timeoutTimer = timeoutSeconds > 0
    ? setTimeout(() => {
      if (bookmarks) send(bookmark(target, Math.max(after, store.currentResourceVersion)));
      res.end();
    }, timeoutSeconds * 1000)
    : undefined;
  ctx.open.add(res);
  res.on('close', () => {
    unsubscribe();
    clearInterval(bookmarkTimer);
    clearTimeout(timeoutTimer);
    ctx.open.delete(res);
  });
}
