import type { ServerResponse } from 'node:http';

/**
 * Complete, uncached admin responses with an exact content-length. A HEAD request gets the
 * headers a GET would get and no body. Admin answers are state of the moment: never cached.
 */
export function sendBody(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  if (res.req.method === 'HEAD') res.end();
  else res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  sendBody(res, status, 'text/plain; charset=utf-8', text);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendBody(res, status, 'application/json', JSON.stringify(value));
}
