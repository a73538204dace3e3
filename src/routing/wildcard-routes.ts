import { LRUCache } from 'lru-cache';

import type { PathRoutes } from './path-routes.js';

/** Cached answer "no wildcard covers this host", so repeated unknown hosts skip the walk too. */
const NO_MATCH = Symbol('no wildcard match');

/**
 * Wildcard hosts (`*.suffix`, nginx's `*.` form) resolved by walking the host's label suffixes.
 *
 * - `*.preview.example.com` covers `a.preview.example.com` and deeper names such as
 *   `a.b.preview.example.com`, never `preview.example.com` itself.
 * - The most specific (longest) suffix wins: the walk goes from the longest proper suffix down.
 * - Cost ∝ number of labels in the host, not number of routes: one `Map.get` per suffix whose length
 *   some wildcard has (other lengths are skipped without slicing).
 * - Results, positive and negative, go into an LRU cache of at most `cacheSize` hosts. Hosts are
 *   ≤ 253 characters (see normalizeHost), so a flood of random hosts is bounded in entries and bytes.
 */
export class WildcardRoutes<T> {
  readonly #bySuffix: ReadonlyMap<string, PathRoutes<T>>;
  /** `1` at index n when some wildcard suffix is n characters long. */
  readonly #suffixLengths: Uint8Array;
  readonly #cache: LRUCache<string, PathRoutes<T> | typeof NO_MATCH>;

  constructor(bySuffix: ReadonlyMap<string, PathRoutes<T>>, cacheSize: number) {
    this.#bySuffix = bySuffix;
    let longest = 0;
    for (const suffix of bySuffix.keys()) longest = Math.max(longest, suffix.length);
    this.#suffixLengths = new Uint8Array(longest + 1);
    for (const suffix of bySuffix.keys()) this.#suffixLengths[suffix.length] = 1;
    this.#cache = new LRUCache({ max: cacheSize });
  }

  /** `host` is normalized (lower-case, no port, no trailing dot). */
  resolve(host: string): PathRoutes<T> | undefined {
    const cached = this.#cache.get(host);
    if (cached !== undefined) return cached === NO_MATCH ? undefined : cached;
    const found = this.#walk(host);
    this.#cache.set(host, found ?? NO_MATCH);
    return found;
  }

  /** Number of hosts currently cached; never above the configured cache size. */
  get cacheSize(): number {
    return this.#cache.size;
  }

  #walk(host: string): PathRoutes<T> | undefined {
    const lengths = this.#suffixLengths;
    // Starting after the first dot keeps the apex out: a host is never a suffix of itself.
    for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
      const length = host.length - dot - 1;
      if (length < lengths.length && lengths[length] === 1) {
        const routes = this.#bySuffix.get(host.slice(dot + 1));
        if (routes !== undefined) return routes;
      }
    }
    return undefined;
  }
}
