import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { problemType, sendProblem } from '../http/problem.js';
import { serveDashboard } from './dashboard/index.js';
import { matchRoute, createRoutes, type Handler, type Route, type RouteTable } from './routes.js';
import type { AdminServer, AdminServerDeps } from './types.js';

export type {
  AdminHealth,
  AdminServer,
  AdminServerDeps,
  ControlOutcome,
  EnvironmentView,
  EnvironmentsSource,
} from './types.js';

/**
 * The admin listener: probes, metrics and the environments API, on its own port so that a flood
 * on the proxy listener cannot starve the probes. Each request is logged at debug at most.
 */
export function createAdminServer(deps: AdminServerDeps): AdminServer {
  const log = deps.logger;
  const server = createServer();
  server.keepAliveTimeout = 5_000;
  // Above keepAliveTimeout, so a client reusing a connection just as it times out is not cut off mid-head.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  /** Open event streams: ended when the server closes, or they would hold it open for ever. */
  const streams = new Set<() => void>();
  const routes = createRoutes(deps, () => boundHost(server.address()), streams);
  /** Responses not yet closed: told to close their connection once `close()` has been called. */
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  let closed: Promise<void> | undefined;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    if (closing) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight.delete(res);
      // A keep-alive connection becomes idle once its response is done: do not let it linger.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    const path = pathOf(req.url);
    if (log.isLevelEnabled('debug')) {
      res.once('finish', () =>
        log.debug({ method: req.method, path, status: res.statusCode }, 'admin request'),
      );
    }
    dispatch(routes, path, req, res).catch((err: unknown) => {
      log.error({ err, method: req.method, path }, 'admin request failed');
      sendProblem(res, { type: problemType('internal-error'), title: 'Internal Server Error', status: 500 });
    });
  });

  return {
    server,
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve({ host: address.address, port: address.port });
        });
      }),
    // Idempotent; a server that never listened closes at once.
    close: () =>
      (closed ??= new Promise((resolve, reject) => {
        closing = true;
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        for (const stop of [...streams]) stop();
        server.close((err) => (err && !isNotRunning(err) ? reject(err) : resolve()));
        server.closeIdleConnections();
      })),
  };
}

/** The path without its query string, which no admin route reads (and logs never show). */
function pathOf(url = '/'): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

async function dispatch(
  routes: RouteTable,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const matched = matchRoute(routes, path);
  if (matched === undefined && (req.method === 'GET' || req.method === 'HEAD') && serveDashboard(path, res, req.method === 'HEAD')) return;
  if (matched === undefined) {
    sendProblem(res, {
      type: problemType('not-found'),
      title: 'Not Found',
      status: 404,
      detail: 'no such admin endpoint',
    });
    return;
  }
  const handler = handlerFor(matched.route, req.method);
  if (handler === undefined) {
    const allow = allowed(matched.route);
    sendProblem(
      res,
      {
        type: problemType('method-not-allowed'),
        title: 'Method Not Allowed',
        status: 405,
        detail: `${req.method ?? ''} is not allowed here; allowed: ${allow}`,
      },
      { allow },
    );
    return;
  }
  await handler(req, res, matched.id);
}

function handlerFor(route: Route, method: string | undefined): Handler | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return route.GET;
    case 'POST':
      return route.POST;
    case 'DELETE':
      return route.DELETE;
    default:
      return undefined;
  }
}

function allowed(route: Route): string {
  const methods: string[] = [];
  if (route.GET) methods.push('GET', 'HEAD');
  if (route.POST) methods.push('POST');
  if (route.DELETE) methods.push('DELETE');
  return methods.join(', ');
}

/** The bound address, which is what decides who can reach the server (a pipe or no socket: not loopback). */
function boundHost(address: AddressInfo | string | null): string {
  return typeof address === 'object' && address !== null ? address.address : '';
}

function isNotRunning(err: Error): boolean {
  return (err as NodeJS.ErrnoException).code === 'ERR_SERVER_NOT_RUNNING';
}
