import type { ServerResponse } from 'node:http';

/**
 * An RFC 9457 problem details object. `type` is a URI from `problemType()` (absent means
 * `about:blank`: the status says it all); `title` is the same for every occurrence of a type;
 * `detail` explains this occurrence. Extensions (`environment`, `waitedSeconds`, …) sit beside them.
 */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

const PROBLEM_BASE = 'https://wakegate.dev/problems/';

/** The stable type URI of a problem code, e.g. `problemType('wake-timeout')`. */
export function problemType(code: string): string {
  return PROBLEM_BASE + code;
}

/**
 * Answers with `problem` as `application/problem+json`, never cached. `extraHeaders` (e.g.
 * `retry-after`, `allow`, `www-authenticate`) cannot override the content headers. A HEAD request
 * (read from `res.req`) gets the same headers and no body.
 *
 * If the response head was already sent, a problem can no longer be expressed: an unfinished
 * response is destroyed, so the client sees a truncated response rather than a complete-looking
 * wrong one; a finished response is left alone.
 */
export function sendProblem(
  res: ServerResponse,
  problem: Problem,
  extraHeaders?: Readonly<Record<string, string | number>>,
): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  const body = JSON.stringify(problem);
  if (extraHeaders) {
    for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  }
  res.setHeader('content-type', 'application/problem+json');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.statusCode = problem.status;
  if (res.req.method === 'HEAD') res.end();
  else res.end(body);
}
