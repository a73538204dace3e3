/**
 * One measurement of scenario (c), in its own process so its memory is the table's and nothing else's
 * (plus Node's and the TypeScript loader's baseline, reported separately). Run by route-lookup.ts as
 *   node --expose-gc --import tsx route-lookup-child.ts ROUTES ITERATIONS REPEATS
 * and prints one JSON document (LookupChildResult) on stdout.
 *
 * Table shape for N routes: N/2 exact routes (`app-J.exact.bench`) and N/2 wildcard routes
 * (`*.env-J.preview.bench`); every 4th host has a second route with path prefix `/api`.
 * Lookup sets (fixed seed, so every size and run looks up the same kind of names):
 * - exact: existing exact hosts, path `/` or `/api/items?id=7`;
 * - wildcard: 1 024 hosts under existing wildcards — after warm-up they are served from the wildcard cache;
 * - wildcard-uncached: 20 000 hosts under existing wildcards cycled in order, twice the cache's 10 000
 *   entries, so every lookup walks the labels and evicts (LRU worst case);
 * - miss: hosts no route covers (half under an unknown parent, half looking like a wildcard that does
 *   not exist); repeated, so negative answers come from the cache like they would for a scanner.
 * Each figure includes the loop's own cost (a few ns). Every lookup's result is checked: a hit set must
 * hit and the miss set must miss, or the child exits non-zero — a fast wrong answer is not a figure.
 */
import { RouteTable, type RouteSpec } from '../../src/routing/route-table.js';
import { LOOKUP_KINDS, type LookupChildResult, type LookupKind, type MemoryPoint } from './route-lookup-types.js';

interface Target {
  readonly environment: string;
  readonly upstream: string;
}

const [routesArg, iterationsArg, repeatsArg] = process.argv.slice(2);
const ROUTES = Number(routesArg ?? 1_000);
const ITERATIONS = Number(iterationsArg ?? 300_000);
const REPEATS = Number(repeatsArg ?? 5);
const POOL = 1_024; // power of two: the index is `i & (POOL - 1)`
const UNCACHED_POOL = 20_000;
const RANDOM_LOOKUPS = 100_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  process.stderr.write('route-lookup-child: run with --expose-gc\n');
  process.exit(2);
}

/** Deterministic PRNG (mulberry32): the same lookups for every size and run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function memory(table: RouteTable<Target> | null): MemoryPoint {
  gc?.();
  const usage = process.memoryUsage();
  const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
  return { rssMb: mb(usage.rss), heapUsedMb: mb(usage.heapUsed), wildcardCacheEntries: table?.cacheSize ?? 0 };
}

/** Routes for N: half exact, half wildcard; every 4th host also has `/api`. Returns the host counts too. */
function buildSpecs(total: number): { specs: RouteSpec<Target>[]; exactHosts: number; wildcardHosts: number } {
  const specs: RouteSpec<Target>[] = [];
  const fill = (half: number, host: (j: number) => string): number => {
    let j = 0;
    for (let added = 0; added < half; j++) {
      const target = { environment: `env-${j}`, upstream: `http://10.0.${(j >> 8) & 255}.${j & 255}:8080` };
      specs.push({ host: host(j), pathPrefix: '/', target });
      added++;
      if (j % 4 === 0 && added < half) {
        specs.push({ host: host(j), pathPrefix: '/api', target: { ...target, upstream: `${target.upstream}/api` } });
        added++;
      }
    }
    return j;
  };
  const exactHosts = fill(Math.ceil(total / 2), (j) => `app-${j}.exact.bench`);
  const wildcardHosts = fill(Math.floor(total / 2), (j) => `*.env-${j}.preview.bench`);
  return { specs, exactHosts, wildcardHosts };
}

function pathFor(j: number, random: () => number): string {
  return j % 4 === 0 && random() < 0.5 ? '/api/items?id=7' : '/';
}

interface LookupSet {
  readonly hosts: string[];
  readonly paths: string[];
  readonly expectHit: boolean;
}

function lookupSets(exactHosts: number, wildcardHosts: number): Record<LookupKind, LookupSet> {
  const random = prng(42);
  const pick = (n: number): number => Math.floor(random() * n);
  const make = (size: number, expectHit: boolean, entry: (k: number) => [string, string]): LookupSet => {
    const hosts: string[] = [];
    const paths: string[] = [];
    for (let k = 0; k < size; k++) {
      const [host, path] = entry(k);
      hosts.push(host);
      paths.push(path);
    }
    return { hosts, paths, expectHit };
  };
  const underWildcard = (k: number): [string, string] => {
    const j = pick(wildcardHosts);
    return [`pr-${k}.env-${j}.preview.bench`, pathFor(j, random)];
  };
  return {
    exact: make(POOL, true, () => {
      const j = pick(exactHosts);
      return [`app-${j}.exact.bench`, pathFor(j, random)];
    }),
    wildcard: make(POOL, true, underWildcard),
    'wildcard-uncached': make(UNCACHED_POOL, true, underWildcard),
    miss: make(POOL, false, (k) =>
      k % 2 === 0 ? [`nope-${k}.unknown.bench`, '/'] : [`pr-${k}.env-${wildcardHosts + k}.preview.bench`, '/'],
    ),
  };
}

/** ns per lookup over `iterations` lookups cycling through the set; exits if any result is wrong. */
function timeLookups(table: RouteTable<Target>, set: LookupSet, iterations: number, kind: string): number {
  const { hosts, paths } = set;
  const size = hosts.length;
  let hits = 0;
  let k = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    if (table.lookup(hosts[k], paths[k] as string) !== undefined) hits++;
    if (++k === size) k = 0;
  }
  const elapsed = process.hrtime.bigint() - started;
  const expected = set.expectHit ? iterations : 0;
  if (hits !== expected) {
    process.stderr.write(`route-lookup-child: ${kind} lookups hit ${hits} of ${iterations}, expected ${expected}\n`);
    process.exit(1);
  }
  return Number(elapsed) / iterations;
}

function randomLookups(table: RouteTable<Target>, count: number, random: () => number, wildcardHosts: number): void {
  for (let i = 0; i < count; i++) {
    const label = `r${Math.floor(random() * 1e12).toString(36)}`;
    const host =
      i % 2 === 0
        ? `${label}.env-${Math.floor(random() * wildcardHosts)}.preview.bench`
        : `${label}.nowhere-${Math.floor(random() * 1e6)}.bench`;
    const found = table.lookup(host, '/');
    if ((found !== undefined) !== (i % 2 === 0)) {
      process.stderr.write(`route-lookup-child: random lookup of ${host} answered wrongly\n`);
      process.exit(1);
    }
  }
}

const baseline = memory(null);
let built: ReturnType<typeof buildSpecs> | null = buildSpecs(ROUTES);
const { exactHosts, wildcardHosts } = built;
const buildStarted = process.hrtime.bigint();
const table = RouteTable.build(built.specs);
const buildMs = Number(process.hrtime.bigint() - buildStarted) / 1e6;
built = null; // the table keeps what it needs; the input array goes
const afterBuild = memory(table);

const sets = lookupSets(exactHosts, wildcardHosts);
// Warm-up (JIT, caches); the cache-thrashing set first so the hot sets start cached.
for (const kind of ['wildcard-uncached', 'exact', 'wildcard', 'miss'] as const) timeLookups(table, sets[kind], 100_000, kind);
const samples = Object.fromEntries(LOOKUP_KINDS.map((kind) => [kind, [] as number[]])) as Record<LookupKind, number[]>;
// The cache-thrashing set runs last, on its own: run between the others it would evict their hosts.
const hotKinds = LOOKUP_KINDS.filter((kind) => kind !== 'wildcard-uncached');
for (let r = 0; r < REPEATS; r++) {
  for (const kind of hotKinds) samples[kind].push(timeLookups(table, sets[kind], ITERATIONS, kind));
}
for (let r = 0; r < REPEATS; r++) {
  samples['wildcard-uncached'].push(timeLookups(table, sets['wildcard-uncached'], ITERATIONS, 'wildcard-uncached'));
}
// Best of the repeats: interference from other processes only ever adds time, so the fastest repeat is
// the closest to the lookup's own cost (all samples go into the results).
const best = (values: number[]): number => Math.round(Math.min(...values) * 10) / 10;
const nsPerLookup = Object.fromEntries(LOOKUP_KINDS.map((kind) => [kind, best(samples[kind])])) as Record<LookupKind, number>;

const random = prng(7);
randomLookups(table, RANDOM_LOOKUPS / 2, random, wildcardHosts);
const afterRandom50k = memory(table);
randomLookups(table, RANDOM_LOOKUPS / 2, random, wildcardHosts);
const afterRandom100k = memory(table);

const result: LookupChildResult = {
  routes: table.size,
  iterations: ITERATIONS,
  repeats: REPEATS,
  nsPerLookup,
  samples: Object.fromEntries(
    LOOKUP_KINDS.map((kind) => [kind, samples[kind].map((ns) => Math.round(ns * 10) / 10)]),
  ) as Record<LookupKind, number[]>,
  buildMs: Math.round(buildMs * 10) / 10,
  memory: { baseline, afterBuild, afterRandom50k, afterRandom100k },
};
process.stdout.write(JSON.stringify(result));
