/**
 * The route table: an immutable snapshot mapping (Host header, path) to a target, built once and
 * replaced whole (the caller swaps its reference). Nothing changes after build except the bounded
 * wildcard cache. Matching follows nginx and Kubernetes Ingress conventions:
 *
 * Host (see host.ts, wildcard-routes.ts)
 * - Case-insensitive; the port in the Host header is ignored; `shop.localhost.` is `shop.localhost`.
 *   An invalid Host header, or none, matches nothing.
 * - Exact hosts win over wildcards. `*.preview.example.com` matches `a.preview.example.com` and deeper
 *   names (`a.b.preview.example.com`, nginx's `*.` form; Ingress itself only promises one label, and
 *   ingress-nginx behaves like nginx), never the apex `preview.example.com`. Most specific suffix wins.
 * - The host is chosen first, then the path: a host whose prefixes do not cover the path is no match,
 *   even if a wildcard with `/` would cover it (nginx picks the server block before the location).
 *
 * Path (see path-routes.ts)
 * - Longest matching prefix wins, on a segment boundary (`/api` matches `/api`, `/api/x`, `/api?x=1`,
 *   not `/apix`); `/` matches everything; a trailing slash in a prefix is ignored.
 *
 * Cost: an exact host is one `Map.get` on the normalized host plus the path match (no path work when the
 * host only has `/`); a wildcard host walks its labels once, then hits an LRU cache. No regex, no URL.
 */
import { InvalidRouteError, RouteConflictError, type RouteRef } from './errors.js';
import { parseHostPattern, normalizeHost } from './host.js';
import { PathRoutes, normalizePathPrefix, type PrefixRoute } from './path-routes.js';
import { WildcardRoutes } from './wildcard-routes.js';

export interface RouteSpec<T> {
  /** Exact hostname or `*.suffix`, any case, without port. */
  readonly host: string;
  /** Starts with `/`; `/` matches everything. */
  readonly pathPrefix: string;
  readonly target: T;
}

export interface RouteTableOptions {
  /** Most hosts whose wildcard resolution (match or no match) is remembered. Default 10 000. */
  readonly wildcardCacheSize?: number;
}

const DEFAULT_WILDCARD_CACHE_SIZE = 10_000;

export class RouteTable<T> {
  /** Number of route specs in the snapshot. */
  readonly size: number;
  readonly #specs: readonly RouteSpec<T>[];
  readonly #exact: ReadonlyMap<string, PathRoutes<T>>;
  /** Absent when no route is a wildcard: unknown hosts then cost one `Map.get` and are not cached. */
  readonly #wildcards: WildcardRoutes<T> | undefined;

  private constructor(
    specs: readonly RouteSpec<T>[],
    exact: ReadonlyMap<string, PathRoutes<T>>,
    wildcards: WildcardRoutes<T> | undefined,
  ) {
    this.#specs = specs;
    this.size = specs.length;
    this.#exact = exact;
    this.#wildcards = wildcards;
  }

  /**
   * Validates and indexes `specs`. Throws InvalidRouteError for a bad host pattern or path prefix, and
   * RouteConflictError when two specs share host pattern and prefix after normalization.
   */
  static build<T>(specs: readonly RouteSpec<T>[], options: RouteTableOptions = {}): RouteTable<T> {
    const cacheSize = options.wildcardCacheSize ?? DEFAULT_WILDCARD_CACHE_SIZE;
    if (!Number.isSafeInteger(cacheSize) || cacheSize < 1) {
      throw new RangeError(`wildcardCacheSize must be a positive integer, got ${cacheSize}`);
    }
    const exact = new Map<string, PrefixRoute<T>[]>();
    const wildcard = new Map<string, PrefixRoute<T>[]>();
    const seen = new Map<string, RouteRef>();
    specs.forEach((spec, index) => {
      const ref: RouteRef = { index, spec };
      const pattern = parseHostPattern(spec.host);
      if (pattern === null) throw new InvalidRouteError(ref, 'host');
      const prefix = normalizePathPrefix(spec.pathPrefix);
      if (prefix === null) throw new InvalidRouteError(ref, 'pathPrefix');

      const host = pattern.kind === 'exact' ? pattern.host : `*.${pattern.suffix}`;
      const key = `${host} ${prefix}`;
      const first = seen.get(key);
      if (first !== undefined) throw new RouteConflictError(first, ref, host, prefix);
      seen.set(key, ref);

      const [byHost, name] = pattern.kind === 'exact' ? [exact, pattern.host] : [wildcard, pattern.suffix];
      const group = byHost.get(name);
      if (group === undefined) byHost.set(name, [{ prefix, target: spec.target }]);
      else group.push({ prefix, target: spec.target });
    });
    return new RouteTable(
      Object.freeze([...specs]),
      toPathRoutes(exact),
      wildcard.size === 0 ? undefined : new WildcardRoutes(toPathRoutes(wildcard), cacheSize),
    );
  }

  static empty<T>(): RouteTable<T> {
    return new RouteTable<T>(Object.freeze([]), new Map(), undefined);
  }

  /**
   * hostHeader: the raw Host header value (any case, may carry :port); path: the raw request-target
   * path (may carry ?query). Returns undefined when no route matches or the host is invalid.
   */
  lookup(hostHeader: string | undefined, path: string): T | undefined {
    if (hostHeader === undefined) return undefined;
    const host = normalizeHost(hostHeader);
    if (host === null) return undefined;
    const routes = this.#exact.get(host) ?? this.#wildcards?.resolve(host);
    return routes?.match(path);
  }

  /** The specs as given to build, in order. For the admin API and tests. */
  routes(): readonly RouteSpec<T>[] {
    return this.#specs;
  }

  /** Hosts held in the wildcard cache (bounded by `wildcardCacheSize`). For tests and metrics. */
  get cacheSize(): number {
    return this.#wildcards?.cacheSize ?? 0;
  }
}

function toPathRoutes<T>(groups: ReadonlyMap<string, readonly PrefixRoute<T>[]>): Map<string, PathRoutes<T>> {
  const routes = new Map<string, PathRoutes<T>>();
  for (const [name, group] of groups) routes.set(name, new PathRoutes(group));
  return routes;
}
