/**
 * Scenario (c): route lookup cost and memory at 10, 1 000 and 10 000 routes.
 *
 * Each size runs in a fresh child process (route-lookup-child.ts) pinned to the proxy CPU, so its
 * memory is the table's plus Node's own baseline, which is reported too. The child and the routing
 * code are type-stripped to plain JavaScript first (lib/transpile.ts) so no TypeScript loader sits in
 * the measured process; when TypeScript cannot be loaded the child runs under tsx and the report says so.
 *
 * "Flat" means: for exact hits, wildcard hits and misses, ns per lookup at the largest size is at most
 * 2 × the figure at the smallest size. Constant-time lookups pass with room for cache effects; a
 * logarithmic structure (~4× from 10 to 10 000) or a scan (~1 000×) does not.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuFor, type BenchEnv } from '../lib/peers.js';
import { ratio } from '../lib/stats.js';
import { transpileTree } from '../lib/transpile.js';
import type { LookupChildResult, LookupKind } from './route-lookup-types.js';

export interface RouteLookupOptions {
  readonly sizes: readonly number[];
  readonly iterations: number;
  readonly repeats: number;
}

export interface RouteLookupReport {
  readonly options: RouteLookupOptions;
  /** "node" = plain node on type-stripped code; "tsx" = under the tsx loader (+≈40 MB RSS). */
  readonly runtime: 'node' | 'tsx';
  readonly sizes: readonly LookupChildResult[];
  /** ns at the largest size / ns at the smallest, per lookup kind. */
  readonly growth: Partial<Record<LookupKind, number | null>>;
  readonly failures: readonly { readonly routes: number; readonly reason: string }[];
}

export const FLAT_KINDS: readonly LookupKind[] = ['exact', 'wildcard', 'miss'];
export const FLAT_FACTOR = 2;

const CHILD = fileURLToPath(new URL('./route-lookup-child.ts', import.meta.url));

export async function runRouteLookup(
  env: BenchEnv,
  options: RouteLookupOptions,
  interrupted: () => boolean,
): Promise<RouteLookupReport> {
  // Inside the repository (bare imports must resolve); `*.tmp` under bench/results is git-ignored.
  const buildDir = path.join(env.repoRoot, 'bench', 'results', `route-lookup-${process.pid}.tmp`);
  let runtime: 'node' | 'tsx' = 'node';
  let command: string[];
  try {
    command = [transpileTree(CHILD, env.repoRoot, buildDir)];
  } catch (error) {
    env.log(`  (c) could not type-strip the child (${String(error)}); running it under tsx (+≈40 MB RSS)`);
    runtime = 'tsx';
    command = ['--import', 'tsx', CHILD];
  }
  const sizes: LookupChildResult[] = [];
  const failures: { routes: number; reason: string }[] = [];
  try {
    for (const routes of options.sizes) {
      if (interrupted()) break;
      const result = await env.registry.run(
        {
          name: `route lookup (${routes} routes)`,
          command: process.execPath,
          args: ['--expose-gc', ...command, String(routes), String(options.iterations), String(options.repeats)],
          cpu: cpuFor(env, 'proxy'),
          cwd: env.repoRoot,
        },
        180_000,
      );
      const parsed = result.code === 0 && !result.timedOut ? parseChild(result.stdout) : null;
      if (parsed === null) {
        const why = result.timedOut ? 'timed out' : `exited with ${result.signal ?? `code ${result.code ?? '?'}`}`;
        const reason = `${why}: ${result.stderr.trim().split('\n').slice(-3).join(' ') || 'no result printed'}`;
        failures.push({ routes, reason });
        env.log(`  (c) ${String(routes).padStart(6)} routes FAILED: ${reason}`);
        continue;
      }
      sizes.push(parsed);
      const ns = parsed.nsPerLookup;
      const mem = parsed.memory.afterRandom100k;
      env.log(
        `  (c) ${String(routes).padStart(6)} routes: exact ${ns.exact} ns  wildcard ${ns.wildcard} ns  ` +
          `uncached ${ns['wildcard-uncached']} ns  miss ${ns.miss} ns  RSS ${mem.rssMb} MB  heap ${mem.heapUsedMb} MB`,
      );
    }
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
  const smallest = sizes[0];
  const largest = sizes[sizes.length - 1];
  const growth: Partial<Record<LookupKind, number | null>> = {};
  if (smallest !== undefined && largest !== undefined && sizes.length > 1) {
    for (const kind of Object.keys(smallest.nsPerLookup) as LookupKind[]) {
      growth[kind] = ratio(largest.nsPerLookup[kind], smallest.nsPerLookup[kind]);
    }
  }
  return { options, runtime, sizes, growth, failures };
}

function parseChild(stdout: string): LookupChildResult | null {
  try {
    return JSON.parse(stdout) as LookupChildResult;
  } catch {
    return null;
  }
}
