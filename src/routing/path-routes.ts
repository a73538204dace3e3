/**
 * Path-prefix matching for the routes of one host (Kubernetes Ingress `Prefix` / nginx `location /p`).
 *
 * - A prefix matches on a segment boundary: `/api` matches `/api`, `/api/`, `/api/x` and `/api?x=1`,
 *   not `/apix`. A trailing slash in the prefix is ignored (`/api/` is `/api`), as in Ingress.
 * - The longest matching prefix wins; `/` matches every request target, including `*`.
 * - Paths compare byte for byte and case-sensitively on the raw request target: no percent-decoding
 *   and no dot-segment removal, so the upstream receives exactly the path that was matched.
 */

const SLASH = 0x2f;
const QUESTION_MARK = 0x3f;
const HASH = 0x23;

/**
 * A route's path prefix → its canonical form (no trailing slash except for `/` itself), or null when
 * it is not a prefix: it must start with `/` and hold no `?`, `#`, spaces or control characters.
 */
export function normalizePathPrefix(prefix: string): string | null {
  if (prefix.charCodeAt(0) !== SLASH) return null;
  for (let i = 1; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === QUESTION_MARK || c === HASH) return null;
  }
  let end = prefix.length;
  while (end > 1 && prefix.charCodeAt(end - 1) === SLASH) end--;
  return end === prefix.length ? prefix : prefix.slice(0, end);
}

/** One route of a host: a canonical prefix (see normalizePathPrefix) and its target. */
export interface PrefixRoute<T> {
  readonly prefix: string;
  readonly target: T;
}

/** The routes of one host (exact or wildcard) by path prefix. Immutable. */
export class PathRoutes<T> {
  /** Prefixes other than `/`, longest first, so the first match is the most specific. */
  readonly #prefixed: readonly PrefixRoute<T>[];
  /** The `/` route, tried last. */
  readonly #root: T | undefined;

  /** `routes` holds canonical prefixes (see normalizePathPrefix), each at most once. */
  constructor(routes: readonly PrefixRoute<T>[]) {
    this.#root = routes.find((route) => route.prefix === '/')?.target;
    this.#prefixed = routes
      .filter((route) => route.prefix !== '/')
      .sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** Cost ∝ number of prefixes of this host; none at all when the host only has `/`. */
  match(path: string): T | undefined {
    if (this.#prefixed.length === 0) return this.#root;
    for (const route of this.#prefixed) {
      if (path.startsWith(route.prefix) && isSegmentEnd(path, route.prefix.length)) return route.target;
    }
    return this.#root;
  }
}

function isSegmentEnd(path: string, index: number): boolean {
  if (index === path.length) return true;
  const c = path.charCodeAt(index);
  return c === SLASH || c === QUESTION_MARK || c === HASH;
}
