import type { WriteDecision } from '../admin/auth.js';
import { problemType } from '../http/problem.js';
import { keepAwakeBody } from '../admin/requests.js';
import type { ControlOutcome } from '../admin/types.js';
import type { Environment } from '../environments/environment.js';
import type { ProxyRequest, ProxyResponse } from '../proxy/exchange.js';

export interface KeepAwakeEndpointDeps {
  /** The admin write rule, applied to the proxy listener (a token, or a loopback listener). */
  authorize(authorization: string | undefined): WriteDecision;
  keepAwake(id: string, wish: { until: number; by: string }): Promise<ControlOutcome>;
}

const MAX_BODY_BYTES = 4_096;

/**
 * `POST /.wakegate/keep-awake?env=NAME` on the environment's own host: what the waiting page's
 * banner calls. Same rules as the admin API's keep-awake (a bearer token when `admin.token` is set),
 * a JSON body `{"for": "4h"}`, and the answer `{ "until", "by" }`. Resolves with the status sent.
 */
export async function answerKeepAwake(req: ProxyRequest, res: ProxyResponse, env: Environment, hasBody: boolean, deps: KeepAwakeEndpointDeps): Promise<number> {
  if (req.method !== 'POST') return send(req, res, 405, { title: 'Method Not Allowed', detail: 'POST a JSON body such as {"for": "4h"}' }, ['allow', 'POST']);
  const decision = deps.authorize(header(req, 'authorization'));
  if (!decision.allowed) {
    return send(req, res, decision.status, { title: decision.status === 401 ? 'Unauthorized' : 'Forbidden', detail: decision.reason }, decision.status === 401 ? ['www-authenticate', 'Bearer realm="wakegate"'] : []);
  }
  const text = hasBody ? await readBody(req) : '';
  if (text === null) {
    return send(req, res, 413, { title: 'Content Too Large', detail: `at most ${MAX_BODY_BYTES} bytes` });
  }
  let body: unknown = {};
  try {
    if (text.trim() !== '') body = JSON.parse(text) as unknown;
  } catch {
    return send(req, res, 400, { title: 'Bad Request', detail: 'the body is not valid JSON' });
  }
  const wish = keepAwakeBody(body, Date.now(), 'the waiting page');
  if (!wish.ok) return send(req, res, 400, { title: 'Bad Request', detail: wish.problem });
  const outcome = await deps.keepAwake(env.id, wish.value);
  if (!outcome.done) return send(req, res, outcome.status, { title: 'Cannot keep awake', detail: outcome.reason });
  return send(req, res, 200, { until: new Date(wish.value.until).toISOString(), by: wish.value.by });
}

function header(req: ProxyRequest, name: string): string | undefined {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

/** The body as text, or null when it is larger than allowed (the rest is not read). */
async function readBody(req: ProxyRequest): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const PROBLEM_CODES: Readonly<Record<number, string>> = { 400: 'bad-request', 401: 'unauthorized', 403: 'forbidden', 405: 'method-not-allowed', 413: 'content-too-large' };

/** Answers; a body left unread closes the connection after the answer (it must not be taken for a request). */
function send(req: ProxyRequest, res: ProxyResponse, status: number, document: object, extra: string[] = []): number {
  const problem = status >= 400;
  if (!req.complete) res.keepAlive = false;
  const body = Buffer.from(JSON.stringify(problem ? { type: problemType(PROBLEM_CODES[status] ?? 'cannot-keep-awake'), status, ...document } : document));
  res.writeHead(status, undefined, ['content-type', problem ? 'application/problem+json' : 'application/json', 'cache-control', 'no-store', 'content-length', String(body.length), ...extra]);
  res.end(body);
  return status;
}
