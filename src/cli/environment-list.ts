import type { EnvironmentView } from '../admin/types.js';
import { AdminAnswerError, apiUrl, problemDetail, type AdminTarget } from './admin-client.js';

/** What `wakegate status` asks for: the API's `phase` and `q` parameters. */
export interface ListQuery {
  readonly phase?: string | undefined;
  readonly search?: string | undefined;
}

/** `GET /api/v1/environments` as it answers; `environments` is sorted by id. */
export interface EnvironmentList {
  environments: EnvironmentView[];
  total?: number;
  [more: string]: unknown;
}

/**
 * Reads the environment list. Rejects with an `AdminAnswerError` for an error answer (a bad
 * `phase` is a 400 that names it), or with the network error.
 */
export async function fetchEnvironmentList(target: AdminTarget, query: ListQuery, signal?: AbortSignal): Promise<EnvironmentList> {
  const url = apiUrl(target, '/api/v1/environments', { phase: query.phase, q: query.search });
  const timeout = AbortSignal.timeout(10_000);
  const res = await fetch(url, { signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]) });
  if (!res.ok) throw new AdminAnswerError(res.status, await problemDetail(res));
  return (await res.json()) as EnvironmentList;
}

/**
 * Whether `view` belongs in a list asked with `query`, as the API decides it (docs/admin-api.md):
 * the phase is equal, and the search is a case-insensitive substring of the id or of a host. The
 * event stream is not filtered, so a watch applies this to each view it receives.
 */
export function matchesQuery(view: EnvironmentView, query: ListQuery): boolean {
  if (query.phase !== undefined && view.phase !== query.phase) return false;
  const q = query.search?.trim().toLowerCase();
  if (q === undefined || q === '') return true;
  return view.id.toLowerCase().includes(q) || view.hosts.some((h) => h.toLowerCase().includes(q));
}
