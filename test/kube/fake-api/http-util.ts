/** Response helpers shared by every handler: JSON as Go's `json.Encoder` writes it (CONTRACT §3), Status errors (§8). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, statusObject, StoreError } from './errors.js';
import type { KubeObject } from './store.js';

/** Request bodies above this are refused (the real limit is 3 MiB). */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A Status error response; `Retry-After` accompanies `details.retryAfterSeconds` (CONTRACT §8). */
export function sendError(res: ServerResponse, error: StoreError): void {
  const retryAfter = error.details?.retryAfterSeconds;
  sendJson(res, error.code, statusObject(error), retryAfter !== undefined && retryAfter > 0 ? { 'Retry-After': String(retryAfter) } : {});
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new StoreError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw badRequest(`${what}: ${(error as Error).message}`);
  }
}

/** The media type without parameters, lower-cased. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go struct order for a single object: kind, apiVersion, metadata, then the rest (CONTRACT §4). */
export function wireObject(object: KubeObject): KubeObject {
  const { kind, apiVersion, metadata, ...rest } = object;
  return { kind, apiVersion, metadata, ...rest };
}

/** A list item: no kind/apiVersion (CONTRACT §4). */
export function wireItem(object: KubeObject): Record<string, unknown> {
  const { kind: _kind, apiVersion: _apiVersion, metadata, ...rest } = object;
  return { metadata, ...rest };
}
