import type { IncomingMessage } from 'node:http';
import { parseDuration } from '../config/duration.js';
import { ENVIRONMENT_PHASES, type EnvironmentPhase } from '../observability/metric-labels.js';
import type { EnvironmentQuery } from './types.js';

/** A request parameter or body that cannot be used, in words for a 400 problem. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const MAX_PAGE = 1_000;
/** The longest keep-awake wish: a week, the longest savings window. */
export const MAX_KEEP_AWAKE_MS = 7 * 24 * 3_600_000;
const MAX_BY = 64;
const MAX_BODY_BYTES = 16_384;

/** `GET /api/v1/environments?q=&phase=&offset=&limit=` (docs/admin-api.md, "The environment list"). */
export function listQuery(params: URLSearchParams): Parsed<EnvironmentQuery> {
  const problems: string[] = [];
  const phase = params.get('phase');
  if (phase !== null && !(ENVIRONMENT_PHASES as readonly string[]).includes(phase)) problems.push(`phase: "${phase}" is not one of ${ENVIRONMENT_PHASES.join(', ')}`);
  const offset = count(params.get('offset'), 'offset', 0, Number.MAX_SAFE_INTEGER, problems);
  const limit = count(params.get('limit'), 'limit', 1, MAX_PAGE, problems);
  if (problems.length > 0) return { ok: false, problem: problems.join('; ') };
  const q = params.get('q')?.trim().toLowerCase();
  return { ok: true, value: { ...(q ? { q } : {}), ...(phase !== null ? { phase: phase as EnvironmentPhase } : {}), offset: offset ?? 0, ...(limit !== undefined ? { limit } : {}) } };
}

function count(text: string | null, name: string, min: number, max: number, problems: string[]): number | undefined {
  if (text === null || text === '') return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    problems.push(`${name}: "${text}" is not a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'any' : max}`);
    return undefined;
  }
  return n;
}

/** `?lines=N` of the logs endpoint: 1–1000, or undefined for all that are kept. */
export function linesParam(params: URLSearchParams): Parsed<number | undefined> {
  const problems: string[] = [];
  const lines = count(params.get('lines'), 'lines', 1, 1_000, problems);
  return problems.length > 0 ? { ok: false, problem: problems[0]! } : { ok: true, value: lines };
}

/** The body of `POST …/keep-awake`: `{ "for": "4h" }` or `{ "until": RFC 3339 }`, and optionally `"by"`. */
export function keepAwakeBody(body: unknown, now: number, defaultBy: string): Parsed<{ until: number; by: string }> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, problem: 'the body must be a JSON object such as {"for": "4h", "by": "alice"}' };
  const b = body as Record<string, unknown>;
  const unknownKeys = Object.keys(b).filter((k) => k !== 'for' && k !== 'until' && k !== 'by');
  if (unknownKeys.length > 0) return { ok: false, problem: `unknown keys: ${unknownKeys.join(', ')} (expected "for" or "until", and "by")` };
  if ((b.for === undefined) === (b.until === undefined)) return { ok: false, problem: 'give exactly one of "for" (a duration such as 4h) and "until" (an RFC 3339 time)' };
  let until: number;
  if (b.for !== undefined) {
    if (typeof b.for !== 'string') return { ok: false, problem: '"for" must be a duration string such as 30m or 4h' };
    const parsed = parseDuration(b.for);
    if (!parsed.ok) return { ok: false, problem: `"for": "${b.for}" is not a duration (${parsed.reason})` };
    if (parsed.ms <= 0) return { ok: false, problem: '"for" must be longer than 0s' };
    until = now + parsed.ms;
  } else {
    const text = b.until;
    const parsed = typeof text === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
    if (Number.isNaN(parsed)) return { ok: false, problem: '"until" must be an RFC 3339 time such as 2026-11-27T18:00:00Z' };
    if (parsed <= now) return { ok: false, problem: `"until" (${String(text)}) is not in the future` };
    until = parsed;
  }
  if (until - now > MAX_KEEP_AWAKE_MS) return { ok: false, problem: 'at most 168h (7 days) ahead' };
  if (b.by !== undefined && (typeof b.by !== 'string' || b.by.trim() === '' || b.by.length > MAX_BY || hasControlCharacter(b.by))) {
    return { ok: false, problem: `"by" must be a name of 1 to ${MAX_BY} printable characters` };
  }
  return { ok: true, value: { until, by: typeof b.by === 'string' ? b.by.trim() : defaultBy } };
}

/** Reads a small JSON body (at most 16 KiB). An empty body is `{}`. */
export async function readJson(req: IncomingMessage): Promise<Parsed<unknown>> {
  const type = req.headers['content-type'];
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { ok: false, problem: `the body is larger than ${MAX_BODY_BYTES} bytes` };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, value: {} };
  if (type !== undefined && !/^application\/json\b/i.test(type)) return { ok: false, problem: `the body must be application/json, not ${type}` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, problem: 'the body is not valid JSON' };
  }
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
