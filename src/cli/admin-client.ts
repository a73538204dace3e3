/**
 * What every command needs to talk to the admin API (docs/admin-api.md): where it is, the token for
 * writes, and the words of a problem answer.
 */
export interface AdminTarget {
  /** The admin server's base URL, e.g. `http://127.0.0.1:9090`. */
  readonly admin: string;
  /** Sent as `Authorization: Bearer TOKEN` on writes; undefined sends none. */
  readonly token?: string | undefined;
}

/** `/api/v1/environments/{id}` and below, with `id` percent-encoded and `params` (undefined left out) as the query. */
export function environmentUrl(target: AdminTarget, id: string, action = '', params: Record<string, string | undefined> = {}): URL {
  return apiUrl(target, `/api/v1/environments/${encodeURIComponent(id)}${action === '' ? '' : `/${action}`}`, params);
}

export function apiUrl(target: AdminTarget, path: string, params: Record<string, string | undefined> = {}): URL {
  const url = new URL(path, target.admin);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url;
}

export function writeHeaders(target: AdminTarget, extra: Record<string, string> = {}): Record<string, string> {
  return target.token ? { ...extra, authorization: `Bearer ${target.token}` } : extra;
}

/**
 * The explanation in an error answer: a problem's `detail` (else its `title`), or the body as it
 * came when it is not a problem document. Reads the body.
 */
export async function problemDetail(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const problem = JSON.parse(text) as { detail?: unknown; title?: unknown };
    if (typeof problem.detail === 'string') return problem.detail;
    if (typeof problem.title === 'string') return problem.title;
  } catch {
    // not JSON: printed as it came
  }
  return text.trim() === '' ? res.statusText : text.trim();
}

/** An error answer of the admin API, with what it said. */
export class AdminAnswerError extends Error {
  override readonly name = 'AdminAnswerError';
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${status} ${detail}`);
  }
}

/**
 * The stderr line for a read that failed: what the admin API answered, or that it cannot be
 * reached and why (`connect ECONNREFUSED 127.0.0.1:9090`, not fetch's bare `fetch failed`).
 */
export function failureLine(url: URL, err: unknown): string {
  if (err instanceof AdminAnswerError) return `wakegate: ${url.href} answered ${err.status}: ${err.detail}\n`;
  return `wakegate: cannot reach the admin API at ${url.href}: ${networkReason(err)}\n`;
}

/** Why a request got no answer at all. */
export function networkReason(err: unknown): string {
  const e = err as Error & { cause?: { message?: string } };
  if (e.name === 'TimeoutError') return 'no answer in time';
  return e.cause?.message ?? e.message;
}
