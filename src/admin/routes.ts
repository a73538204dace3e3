import type { IncomingMessage, ServerResponse } from 'node:http';
import { problemType, sendProblem } from '../http/problem.js';
import { authorizeWrite } from './auth.js';
import { sendBody, sendJson, sendText } from './respond.js';
import type { AdminServerDeps } from './types.js';

/** `id` is the decoded `{id}` path segment; empty for routes without one. */
export type Handler = (req: IncomingMessage, res: ServerResponse, id: string) => void | Promise<void>;

/** HEAD is served by the GET handler wherever there is one. */
export interface Route {
  readonly GET?: Handler;
  readonly POST?: Handler;
}

type RouteName = 'healthz' | 'readyz' | 'metrics' | 'environments' | 'environment' | 'wake' | 'sleep';
export type RouteTable = Readonly<Record<RouteName, Route>>;

const ENVIRONMENTS = '/api/v1/environments';

const FIXED_PATHS: ReadonlyMap<string, RouteName> = new Map([
  ['/healthz', 'healthz'],
  ['/readyz', 'readyz'],
  ['/metrics', 'metrics'],
  [ENVIRONMENTS, 'environments'],
] as const);

/** The route for a path (query string already removed), or undefined for an unknown path. */
export function matchRoute(
  table: RouteTable,
  path: string,
): { route: Route; id: string } | undefined {
  const fixed = FIXED_PATHS.get(path);
  if (fixed !== undefined) return { route: table[fixed], id: '' };
  if (!path.startsWith(`${ENVIRONMENTS}/`)) return undefined;
  const [encodedId = '', action, ...rest] = path.slice(ENVIRONMENTS.length + 1).split('/');
  const id = decodeSegment(encodedId);
  if (id === undefined || rest.length > 0) return undefined;
  if (action === undefined) return { route: table.environment, id };
  if (action === 'wake' || action === 'sleep') return { route: table[action], id };
  return undefined;
}

/** `listenHost` is read per write request: the address the server is actually bound to. */
export function createRoutes(deps: AdminServerDeps, listenHost: () => string): RouteTable {
  const { health, environments } = deps;
  const write = (action: 'wake' | 'sleep'): Handler => async (req, res, id) => {
    const decision = authorizeWrite({
      token: deps.token,
      listenHost: listenHost(),
      authorization: req.headers.authorization,
    });
    if (!decision.allowed) {
      const unauthorized = decision.status === 401;
      sendProblem(
        res,
        {
          type: problemType(unauthorized ? 'unauthorized' : 'forbidden'),
          title: unauthorized ? 'Unauthorized' : 'Forbidden',
          status: decision.status,
          detail: decision.reason,
        },
        unauthorized ? { 'www-authenticate': 'Bearer realm="wakegate"' } : undefined,
      );
      return;
    }
    if (environments.get(id) === undefined) return environmentNotFound(res, id);
    const outcome = await environments[action](id);
    if (outcome.done) return sendJson(res, 200, outcome.view);
    sendProblem(res, {
      type: problemType(`cannot-${action}`),
      title: action === 'wake' ? 'Cannot wake' : 'Cannot sleep',
      status: outcome.status,
      detail: outcome.reason,
      environment: id,
    });
  };

  return {
    healthz: { GET: (_req, res) => sendText(res, 200, 'ok') },
    readyz: {
      GET: (_req, res) => {
        // Draining wins: a process that is shutting down must leave the endpoints whatever else holds.
        if (health.isDraining()) return sendText(res, 503, 'draining');
        if (!health.isSynced()) return sendText(res, 503, 'not synced');
        sendText(res, 200, 'ready');
      },
    },
    metrics: {
      GET: async (_req, res) => {
        const { contentType, body } = await deps.metrics.render();
        sendBody(res, 200, contentType, body);
      },
    },
    environments: { GET: (_req, res) => sendJson(res, 200, { environments: environments.list() }) },
    environment: {
      GET: (_req, res, id) => {
        const view = environments.get(id);
        if (view === undefined) return environmentNotFound(res, id);
        sendJson(res, 200, view);
      },
    },
    wake: { POST: write('wake') },
    sleep: { POST: write('sleep') },
  };
}

function environmentNotFound(res: ServerResponse, id: string): void {
  sendProblem(res, {
    type: problemType('environment-not-found'),
    title: 'Environment not found',
    status: 404,
    detail: `no environment with id "${id}"`,
    environment: id,
  });
}

/** A malformed percent-encoding names no environment. */
function decodeSegment(segment: string): string | undefined {
  if (segment === '') return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
