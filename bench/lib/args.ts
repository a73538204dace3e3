/**
 * Command-line flags of `npm run bench` (`tsx bench/run.ts`). Defaults are the full run; `--quick` is
 * the development run (≈ 1 minute); an explicit flag always wins over `--quick`.
 */
import { PEER_ORDER, type PeerName } from './peers.js';

export type Scenario = 'a' | 'b' | 'c' | 'd' | 'e';
export const SCENARIOS: readonly Scenario[] = ['a', 'b', 'c', 'd', 'e'];

export const DEFAULT_WAKEGATE_ENTRY = 'dist/cli.js';

export interface RunOptions {
  readonly quick: boolean;
  readonly only: readonly Scenario[];
  readonly peers: readonly PeerName[];
  /** (a) rounds, seconds per measured run, seconds of warm-up per run (also used by (b)). */
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** (b) rounds and seconds per measured run. */
  readonly latencyRounds: number;
  readonly latencyDurationSeconds: number;
  /** (c) table sizes, lookups per timed loop, timed loops per kind. */
  readonly routeSizes: readonly number[];
  readonly lookupIterations: number;
  readonly lookupRepeats: number;
  /** (d) alternated cold-start rounds (also the rounds of held sizes up to 1 000), and the held sizes. */
  readonly coldRounds: number;
  readonly heldSizes: readonly number[];
  /** (d) `forward.maxConnectionsPerUpstream` of the cold-start wakegate. */
  readonly coldConnections: number;
  /** (e) cold-start rounds on the fake Kubernetes API, seconds of idle API load, namespaces of the scale run. */
  readonly kubeRounds: number;
  readonly kubeIdleSeconds: number;
  readonly kubeNamespaces: number;
  /** Write bench/results/*.json and the README table. */
  readonly save: boolean;
  /** wakegate's CLI, relative to the repository root; a `.ts` entry runs under tsx (development only). */
  readonly wakegateEntry: string;
}

export const USAGE = `usage: npm run bench -- [flags]      (or: npx tsx bench/run.ts [flags])

  --quick                 short development run: 1 round, 2 s runs, 1 s warm-ups, 5 cold-start rounds
  --only a,b,c,d,e        scenarios to run (a throughput, b latency at 1 000 req/s, c route lookup,
                          d cold start, e Kubernetes provider on the fake API server)
  --peers LIST            paths for (a)/(b), comma-separated, from: ${PEER_ORDER.join(', ')}
  --rounds N              (a) alternation rounds (default 5)
  --duration S            (a) seconds per measured run (default 6)
  --warmup S              (a)/(b) warm-up seconds before each run (default 2)
  --latency-rounds N      (b) alternation rounds (default 3)
  --latency-duration S    (b) seconds per measured run (default 10)
  --route-sizes LIST      (c) table sizes (default 10,1000,10000)
  --cold-rounds N         (d) alternated rounds by hand / through wakegate, and rounds of each held
                          size up to 1 000 (default 15; 5 with --quick)
  --held-sizes LIST       (d) numbers of held requests released at once (default 1,100,10000)
  --cold-connections N    (d) forward.maxConnectionsPerUpstream of wakegate (default 128, its default)
  --kube-rounds N         (e) cold-start rounds (default 15; 5 with --quick)
  --kube-idle S           (e) seconds of idle API load measured (default 60; 10 with --quick)
  --kube-namespaces N     (e) enabled namespaces of the scale run, 3 workloads each (default 5000; 500 with --quick)
  --wakegate-entry FILE   wakegate CLI to run (default dist/cli.js); a .ts file runs under tsx,
                          for development only (the loader adds overhead)
  --no-save               print only; do not write bench/results/ or bench/README.md
  --help                  this text`;

export function parseArgs(argv: readonly string[]): RunOptions | { help: true } | { error: string } {
  const flags = new Map<string, string>();
  const booleans = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) return { error: `unexpected argument ${JSON.stringify(arg)}` };
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (['quick', 'no-save', 'help'].includes(name)) {
      booleans.add(name);
    } else {
      const value = inline ?? argv[++i];
      if (value === undefined) return { error: `--${name} needs a value` };
      flags.set(name, value);
    }
  }
  if (booleans.has('help')) return { help: true };
  const known = ['only', 'peers', 'rounds', 'duration', 'warmup', 'latency-rounds', 'latency-duration', 'route-sizes', 'cold-rounds', 'held-sizes', 'cold-connections', 'kube-rounds', 'kube-idle', 'kube-namespaces', 'wakegate-entry'];
  const unknown = [...flags.keys()].filter((name) => !known.includes(name));
  if (unknown.length > 0) return { error: `unknown flag --${unknown[0]}` };

  const quick = booleans.has('quick');
  const errors: string[] = [];
  const int = (name: string, fallback: number, min: number): number => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) errors.push(`--${name} must be an integer ≥ ${min}, got ${raw}`);
    return value;
  };
  const list = (name: string, fallback: readonly string[], allowed: readonly string[] | null): string[] => {
    const raw = flags.get(name);
    if (raw === undefined) return [...fallback];
    const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
    const bad = allowed === null ? [] : items.filter((item) => !allowed.includes(item));
    if (bad.length > 0 || items.length === 0) errors.push(`--${name}: expected some of ${allowed?.join(', ') ?? 'values'}, got ${raw}`);
    return items;
  };

  const only = list('only', SCENARIOS, SCENARIOS) as Scenario[];
  const peers = list('peers', PEER_ORDER, PEER_ORDER) as PeerName[];
  const routeSizes = list('route-sizes', ['10', '1000', '10000'], null).map(Number);
  if (routeSizes.some((size) => !Number.isInteger(size) || size < 2)) errors.push('--route-sizes: integers ≥ 2');
  const heldSizes = list('held-sizes', ['1', '100', '10000'], null).map(Number);
  if (heldSizes.some((size) => !Number.isInteger(size) || size < 1 || size > 50_000)) errors.push('--held-sizes: integers from 1 to 50 000');
  const options: RunOptions = {
    quick,
    only,
    peers,
    rounds: int('rounds', quick ? 1 : 5, 1),
    durationSeconds: int('duration', quick ? 2 : 6, 1),
    warmupSeconds: int('warmup', quick ? 1 : 2, 0),
    latencyRounds: int('latency-rounds', quick ? 1 : 3, 1),
    latencyDurationSeconds: int('latency-duration', quick ? 2 : 10, 1),
    routeSizes,
    lookupIterations: quick ? 100_000 : 300_000,
    lookupRepeats: quick ? 3 : 7,
    coldRounds: int('cold-rounds', quick ? 5 : 15, 1),
    heldSizes,
    coldConnections: int('cold-connections', 128, 1),
    kubeRounds: int('kube-rounds', quick ? 5 : 15, 1),
    kubeIdleSeconds: int('kube-idle', quick ? 10 : 60, 0),
    kubeNamespaces: int('kube-namespaces', quick ? 500 : 5_000, 1),
    save: !booleans.has('no-save'),
    wakegateEntry: flags.get('wakegate-entry') ?? DEFAULT_WAKEGATE_ENTRY,
  };
  return errors.length > 0 ? { error: errors.join('\n') } : options;
}
