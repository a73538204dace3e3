import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ControlOutcome } from './types.js';
import { problemType, sendProblem } from '../http/problem.js';
import { authorizeWrite } from './auth.js';
import { streamFleetEvents, streamLines } from './event-stream.js';
import { keepAwakeBody, linesParam, listQuery, readJson } from './requests.js';
import { sendBody, sendJson, sendText } from './respond.js';
import type { AdminServerDeps, EnvironmentQuery, EnvironmentView } from './types.js';

/** `id` is the decoded `{id}` path segment; empty for routes without one. */
export type Handler = (req: IncomingMessage, res: ServerResponse, id: string) => void | Promise<void>;

/** HEAD is served by the GET handler wherever there is one. */
export interface Route {
  readonly GET?: Handler;
  readonly POST?: Handler;
  readonly DELETE?: Handler;
}

type RouteName = 'healthz' | 'readyz' | 'metrics' | 'environments' | 'environment' | 'wake' | 'sleep' | 'keepAwake' | 'logs' | 'summary' | 'events';
const ACTIONS: Readonly<Record<string, RouteName>> = { wake: 'wake', sleep: 'sleep', 'keep-awake': 'keepAwake', logs: 'logs' };
export type RouteTable = Readonly<Record<RouteName, Route>>;

const ENVIRONMENTS = '/api/v1/environments';

const FIXED_PATHS: ReadonlyMap<string, RouteName> = new Map([
  ['/healthz', 'healthz'],
  ['/readyz', 'readyz'],
  ['/metrics', 'metrics'],
  [ENVIRONMENTS, 'environments'],
  ['/api/v1/summary', 'summary'],
  ['/api/v1/events', 'events'],
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
  const name = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
  return name === undefined ? undefined : { route: table[name], id };
}

/**
 * `listenHost` is read per write request: the address the server is actually bound to. `streams`
 * collects the stop functions of open event streams, which the server ends when it closes.
 */
export function createRoutes(deps: AdminServerDeps, listenHost: () => string, streams: Set<() => void> = new Set()): RouteTable {
  const { health, environments } = deps;
  /** Answers 401/403 and returns false unless the request may write. */
  const authorized = (req: IncomingMessage, res: ServerResponse): boolean => {
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
      return false;
    }
    return true;
  };
  const answer = (res: ServerResponse, id: string, action: string, title: string, outcome: ControlOutcome): void => {
    if (outcome.done) return sendJson(res, 200, outcome.view);
    sendProblem(res, { type: problemType(`cannot-${action}`), title, status: outcome.status, detail: outcome.reason, environment: id });
  };
  const write = (action: 'wake' | 'sleep'): Handler => async (req, res, id) => {
    if (!authorized(req, res)) return;
    if (environments.get(id) === undefined) return environmentNotFound(res, id);
    answer(res, id, action, action === 'wake' ? 'Cannot wake' : 'Cannot sleep', await environments[action](id));
  };
  const track = (stop: () => void, res: ServerResponse): void => {
    streams.add(stop);
    res.once('close', () => streams.delete(stop));
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
    environments: {
      GET: (req, res) => {
        const query = listQuery(searchParams(req));
        if (!query.ok) return badRequest(res, query.problem);
        sendJson(res, 200, page(environments.list(), query.value));
      },
    },
    environment: {
      GET: (_req, res, id) => {
        const detail = environments.detail(id);
        if (detail === undefined) return environmentNotFound(res, id);
        sendJson(res, 200, detail);
      },
    },
    wake: { POST: write('wake') },
    sleep: { POST: write('sleep') },
    keepAwake: {
      POST: async (req, res, id) => {
        if (!authorized(req, res)) return;
        if (environments.get(id) === undefined) return environmentNotFound(res, id);
        const body = await readJson(req);
        if (!body.ok) return badRequest(res, body.problem);
        const wish = keepAwakeBody(body.value, Date.now(), 'api');
        if (!wish.ok) return badRequest(res, wish.problem);
        answer(res, id, 'keep-awake', 'Cannot keep awake', await environments.keepAwake(id, wish.value));
      },
      DELETE: async (req, res, id) => {
        if (!authorized(req, res)) return;
        if (environments.get(id) === undefined) return environmentNotFound(res, id);
        answer(res, id, 'keep-awake', 'Cannot withdraw the keep-awake wish', await environments.keepAwake(id, null));
      },
    },
    logs: {
      GET: (req, res, id) => {
        if (environments.get(id) === undefined) return environmentNotFound(res, id);
        const params = searchParams(req);
        const lines = linesParam(params);
        if (!lines.ok) return badRequest(res, lines.problem);
        const kept = environments.output(id);
        if (kept === null) {
          return sendProblem(res, { type: problemType('no-logs'), title: 'No logs here', status: 409, detail: `"${id}" is not a local environment: wakegate keeps output only of the processes it starts (on Kubernetes, use kubectl logs)`, environment: id });
        }
        const tail = lines.value === undefined ? kept : kept.slice(-lines.value);
        if (params.get('follow') === '1' || params.get('follow') === 'true') {
          if (req.method === 'HEAD') return sendBody(res, 200, 'text/event-stream; charset=utf-8', '');
          return track(streamLines(res, tail, (listener) => environments.followOutput(id, listener)), res);
        }
        sendText(res, 200, tail.map((line) => `${line}\n`).join(''));
      },
    },
    summary: { GET: (_req, res) => sendJson(res, 200, environments.summary()) },
    events: {
      GET: (req, res) => {
        if (req.method === 'HEAD') return sendBody(res, 200, 'text/event-stream; charset=utf-8', '');
        const only = searchParams(req).get('env');
        if (only !== null && environments.get(only) === undefined) return environmentNotFound(res, only);
        track(streamFleetEvents(res, environments, { only }), res);
      },
    },
  };
}

/** The filtered, sorted page of `views` the query asks for. */
function page(views: EnvironmentView[], query: EnvironmentQuery): { environments: EnvironmentView[]; total: number; offset: number; limit: number } {
  const q = query.q;
  const matching = views
    .filter((v) => (query.phase === undefined || v.phase === query.phase) && (q === undefined || v.id.toLowerCase().includes(q) || v.hosts.some((h) => h.toLowerCase().includes(q))))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const limit = query.limit ?? matching.length;
  return { environments: matching.slice(query.offset, query.offset + limit), total: matching.length, offset: query.offset, limit };
}

function searchParams(req: IncomingMessage): URLSearchParams {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
}

function badRequest(res: ServerResponse, detail: string): void {
  sendProblem(res, { type: problemType('bad-request'), title: 'Bad Request', status: 400, detail });
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
