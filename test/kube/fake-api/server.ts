/**
 * The fake Kubernetes API server: plain `node:http` on a real socket, serving the resource table
 * over the store with the wire behaviour of CONTRACT.md (§3–§8 for client-node, §14 for kubectl).
 * Request order: log → fault delay → authentication (§8 401) → injected 500 → route.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { discoveryDocument, VERSION_INFO } from './discovery.js';
import { conflict, forbidden, internalError, notFound, StoreError } from './errors.js';
import { Faults } from './faults.js';
import { readBody, sendError, sendJson, wireObject } from './http-util.js';
import { kubeConfigOptions, writeKubeconfig, type KubeConfigOptions } from './kubeconfig.js';
import { listResource } from './list.js';
import { openApiDocument, openApiRoot } from './openapi.js';
import { resolveResourcePath, verbOf, type ResourceTarget } from './routes.js';
import { scaleOf } from './scale.js';
import { Store } from './store.js';
import { serveWatch } from './watch.js';
import { deleteObject, patchObject, postObject, putObject, type WriteResult } from './writes.js';

export interface FakeApiServerOptions {
  readonly host?: string;
  readonly port?: number;
  readonly store?: Store;
  /** When set, every request needs `Authorization: Bearer <token>` (else 401); when unset, requests are anonymous. */
  readonly token?: string;
  /** The user named in Forbidden messages (default: `system:anonymous`, or `wakegate` with a token). */
  readonly user?: string;
  /** How long a watch without `timeoutSeconds` lasts before the server ends it cleanly (default 60 s; real servers: 30–60 min). */
  readonly watchTimeoutSeconds?: number;
  /** Interval of BOOKMARK events on watches that allow them (default 60 s, as the watch cache). */
  readonly bookmarkIntervalMs?: number;
  /** Creates the namespaces every cluster has (default, kube-system, kube-public, kube-node-lease) when missing (default true). */
  readonly systemNamespaces?: boolean;
  /**
   * Called with every JSON document the server sends (each response body, each watch event),
   * for tests that check what is served; OpenAPI documents are not reported.
   */
  readonly observe?: (served: ServedDocument) => void;
}

export interface ServedDocument { readonly method: string; readonly path: string; readonly status: number; readonly body: unknown }

export interface RequestRecord { readonly method: string; readonly path: string; readonly query: string; readonly at: number }

export interface FakeApiServer {
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly faults: Faults;
  /** Every request received, in order. */
  readonly requests: RequestRecord[];
  writeKubeconfig(dir: string): string;
  kubeConfigOptions(): KubeConfigOptions;
  close(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Reports each JSON document written to `res`: one per `write` (watch events) or the whole `end` body. */
function tap(res: ServerResponse, method: string, path: string, observe: (served: ServedDocument) => void): void {
  const report = (chunk: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : typeof chunk === 'string' ? chunk : '';
    if (!text.startsWith('{')) return;
    observe({ method, path, status: res.statusCode, body: JSON.parse(text) as unknown });
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => { report(chunk); return write(chunk, ...rest); }) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => { report(chunk); return end(chunk, ...rest); }) as typeof res.end;
}

export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const host = options.host ?? '127.0.0.1';
  const store = options.store ?? new Store();
  const user = options.user ?? (options.token === undefined ? 'system:anonymous' : 'wakegate');
  if (options.systemNamespaces ?? true) {
    for (const name of SYSTEM_NAMESPACES) {
      if (store.get('namespaces', undefined, name) === undefined) store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  }
  const openWatches = new Set<ServerResponse>();
  const requests: RequestRecord[] = [];
  let port = options.port ?? 0;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Anything but an API error is a defect of the fake itself: answered as a 500, and shown.
      if (!(error instanceof StoreError)) process.stderr.write(`fake API server: ${req.method ?? ''} ${req.url ?? ''}: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      if (res.headersSent) res.destroy();
      else sendError(res, error instanceof StoreError ? error : internalError(String(error)));
    });
  });

  const listen = (): Promise<void> => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  const stopListening = (): Promise<void> => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  const faults = new Faults({ stopListening, startListening: listen, openWatches });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const queryStart = rawUrl.indexOf('?');
    const pathname = queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart);
    const queryText = queryStart < 0 ? '' : rawUrl.slice(queryStart + 1);
    const method = req.method ?? 'GET';
    requests.push({ method, path: pathname, query: queryText, at: Date.now() });
    if (options.observe !== undefined && !pathname.startsWith('/openapi/')) tap(res, method, pathname, options.observe);
    const body = WRITE_METHODS.has(method) ? await readBody(req) : Buffer.alloc(0);
    if (faults.delayMs > 0) await sleep(faults.delayMs);
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      sendError(res, new StoreError(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (faults.takeFailure(method, pathname)) throw internalError('injected fault');
    if (faults.hangs(method, pathname)) {
      await new Promise((resolve) => res.once('close', resolve));
      return;
    }
    const query = new URLSearchParams(queryText);
    const target = resolveResourcePath(pathname);
    if (target !== undefined) {
      route(req, res, method, target, query, body);
      return;
    }
    if (method !== 'GET') throw new StoreError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
    serveNonResource(res, pathname);
  }

  function serveNonResource(res: ServerResponse, pathname: string): void {
    if (pathname === '/version' || pathname === '/version/') return sendJson(res, 200, VERSION_INFO);
    if (pathname === '/healthz' || pathname === '/livez' || pathname === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (pathname === '/openapi/v3' || pathname === '/openapi/v3/') return sendJson(res, 200, openApiRoot());
    if (pathname.startsWith('/openapi/v3/')) {
      const document = openApiDocument(pathname.slice('/openapi/v3/'.length));
      if (document !== undefined) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': document.length, 'Cache-Control': 'public, immutable' });
        res.end(document);
        return;
      }
    }
    const discovery = discoveryDocument(pathname, `${host}:${port}`);
    if (discovery !== undefined) return sendJson(res, 200, discovery);
    throw new StoreError(404, 'NotFound', 'the server could not find the requested resource', {});
  }

  function route(req: IncomingMessage, res: ServerResponse, method: string, target: ResourceTarget, query: URLSearchParams, body: Buffer): void {
    const watch = method === 'GET' && target.name === undefined && (query.get('watch') === 'true' || query.get('watch') === '1');
    const verb = verbOf(method, target, watch);
    if (faults.isForbidden(verb, target.resource, target.subresource)) throw forbidden(target.resource, target.subresource, target.name, verb, target.namespace, user);
    if (WRITE_METHODS.has(method) && faults.takeConflict()) throw conflict(target.resource, target.name ?? '');
    let result: WriteResult;
    switch (method) {
      case 'GET': {
        if (watch) return serveWatch({ store, defaultTimeoutSeconds: options.watchTimeoutSeconds ?? 60, bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000, takeExpiredFault: () => faults.takeExpiredWatch(), open: openWatches }, res, target, query);
        if (target.name === undefined) {
          listResource(store, target, query).then((list) => sendJson(res, 200, list), (error: unknown) => {
            if (!(error instanceof StoreError)) throw error;
            sendError(res, error);
          }).catch((error: unknown) => {
            process.stderr.write(`fake API server: list ${target.resource}: ${String(error)}\n`);
            sendError(res, internalError(String(error)));
          });
          return;
        }
        const object = store.get(target.resource, target.namespace, target.name);
        if (object === undefined) throw notFound(target.resource, target.name);
        if (target.subresource === 'scale' && target.info.scaleSubresource) return sendJson(res, 200, scaleOf(object));
        if (target.subresource !== undefined && !(target.subresource === 'status' && target.info.statusSubresource)) throw new StoreError(404, 'NotFound', 'the server could not find the requested resource', {});
        return sendJson(res, 200, wireObject(object));
      }
      case 'POST': result = postObject(store, target, req, body, query); break;
      case 'PUT': result = putObject(store, target, req, body, query); break;
      case 'PATCH': result = patchObject(store, target, req, body, query); break;
      case 'DELETE': result = deleteObject(store, target, body); break;
      default: throw new StoreError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
    }
    const warnings = result.warnings ?? [];
    if (warnings.length > 0) res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
    sendJson(res, result.status, result.body);
  }

  await listen();
  const url = `http://${host}:${port}`;
  return {
    url,
    port,
    store,
    faults,
    requests,
    writeKubeconfig: (dir) => writeKubeconfig(dir, url, options.token),
    kubeConfigOptions: () => kubeConfigOptions(url, options.token),
    async close() {
      for (const res of openWatches) res.end();
      if (!faults.isDown) await stopListening();
    },
  };
}
