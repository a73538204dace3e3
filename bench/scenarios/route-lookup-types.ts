/** The document route-lookup-child.ts prints and route-lookup.ts reads (scenario (c)). */

export type LookupKind = 'exact' | 'wildcard' | 'wildcard-uncached' | 'miss';
export const LOOKUP_KINDS: readonly LookupKind[] = ['exact', 'wildcard', 'wildcard-uncached', 'miss'];

export interface MemoryPoint {
  readonly rssMb: number;
  readonly heapUsedMb: number;
  /** Hosts held by the wildcard cache at this point. */
  readonly wildcardCacheEntries: number;
}

export interface LookupChildResult {
  readonly routes: number;
  readonly iterations: number;
  readonly repeats: number;
  /** Best (lowest) of the repeats, ns per lookup. */
  readonly nsPerLookup: Record<LookupKind, number>;
  /** Every repeat, ns per lookup. */
  readonly samples: Record<LookupKind, number[]>;
  readonly buildMs: number;
  readonly memory: {
    /** After imports, before the specs exist. */
    readonly baseline: MemoryPoint;
    /** After build, the specs array dropped, after a full GC. */
    readonly afterBuild: MemoryPoint;
    readonly afterRandom50k: MemoryPoint;
    /** After 100 000 lookups of random hosts (half under wildcards, half unknown), after a full GC. */
    readonly afterRandom100k: MemoryPoint;
  };
}
