/**
 * The effective configuration: parsed once from YAML and `WAKEGATE_*` variables, validated, frozen.
 * Durations are milliseconds here (the file says `250ms`, `30s`, `5m`, `2h`).
 * The schema in `schema.ts` is the single source of truth for keys, defaults and documentation;
 * this interface is what the rest of the program sees.
 */
export interface Config {
  /** Proxy listen address, `host:port`. */
  readonly listen: ListenAddress;
  readonly admin: AdminConfig;
  readonly provider: 'local' | 'kubernetes';
  readonly wake: WakeConfig;
  readonly sleep: SleepConfig;
  readonly shutdown: ShutdownConfig;
  readonly metrics: MetricsConfig;
  readonly costs: CostsConfig;
  readonly forward: ForwardConfig;
  readonly server: ServerConfig;
  readonly log: LogConfig;
  readonly environments: readonly EnvironmentConfig[];
  readonly kubernetes: KubernetesConfig;
}

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface AdminConfig {
  readonly listen: ListenAddress;
  /** Bearer token for write endpoints; empty = none configured. Never printed. */
  readonly token: string;
}

export interface WakeConfig {
  readonly timeout: number;
  readonly maxHeldPerEnvironment: number;
  readonly maxHeldTotal: number;
  readonly maxWakesPerHour: number;
  readonly waitingPage: 'auto' | 'always' | 'never';
  readonly ignoreUserAgents: readonly string[];
}

export interface SleepConfig {
  readonly idleAfter: number;
  readonly minAwake: number;
  /** `null` when `off`. */
  readonly maxAwake: number | null;
  readonly checkEvery: number;
}

export interface ShutdownConfig {
  readonly drainDelay: number;
  readonly grace: number;
}

export interface MetricsConfig {
  readonly perEnvironment: boolean;
}

export interface CostsConfig {
  /** 0: no cost configured (savings are shown in hours only). */
  readonly perReplicaHour: number;
  readonly currency: string;
}

export interface ForwardConfig {
  readonly coldStartHeader: boolean;
  readonly responseHeaderTimeout: number;
  /** CIDRs (v4 or v6) whose incoming X-Forwarded-* headers are kept and appended to. */
  readonly trustForwardedFrom: readonly string[];
  /** Upper bound of open connections per upstream origin. */
  readonly maxConnectionsPerUpstream: number;
  /** Idle upstream connections are closed after this long (keep it below the upstream's own timeout). */
  readonly upstreamKeepAlive: number;
  /** At most this many upstream origins keep a pool; the least recently used one is closed gracefully. */
  readonly maxUpstreamPools: number;
  /** The token this proxy writes into `Via` and recognises as a loop. */
  readonly viaName: string;
  /** `native`: our keep-alive pool on Node's llhttp; `undici`: undici pools. Upgrades always use undici. */
  readonly transport: 'native' | 'undici';
}

export interface ServerConfig {
  /** `native`: wakegate's HTTP/1.1 server on Node's llhttp; `node`: node:http. */
  readonly engine: 'native' | 'node';
  /** Idle keep-alive client connections are closed after this long; 0 = never. */
  readonly keepAliveTimeout: number;
  /** Complete request head must arrive within this (must exceed keepAliveTimeout). */
  readonly headersTimeout: number;
  /** Complete request (head and body) must arrive within this; 0 = no bound. */
  readonly requestTimeout: number;
  /** Largest request head in bytes (431 above). */
  readonly maxHeaderSize: number;
  /** Most header fields in a request (431 above). */
  readonly maxHeadersCount: number;
}

export interface LogConfig {
  readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** One line per request at info level. Off by default: the hot path logs nothing. */
  readonly accessLog: boolean;
}

export interface ReadyProbe {
  /** `httpGet` path, or `null` for a TCP connect probe. */
  readonly httpGet: string | null;
}

export interface EnvironmentConfig {
  readonly name: string;
  /** Exact (`shop.localhost`) or wildcard (`*.preview.example.com`) hosts, lower-cased. */
  readonly hosts: readonly string[];
  /** Path prefixes served by this environment on those hosts; `["/"]` when absent. */
  readonly paths: readonly string[];
  /** Origin `http://host:port` of the upstream. */
  readonly upstream: string;
  /** Local provider: the command started on wake. Absent (`null`): a static environment, always awake. */
  readonly command: readonly string[] | null;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string | null;
  readonly ready: ReadyProbe;
  /** Per-environment idle timeout in ms; `null` = the global `sleep.idleAfter`; `Infinity` = `never`. */
  readonly idleAfter: number | null;
}

export interface KubernetesConfig {
  readonly mode: 'ingress' | 'direct';
  readonly ingressUpstream: string;
  readonly namespaceSelector: string;
  /** Kubeconfig file; '' = in-cluster ServiceAccount. */
  readonly kubeconfig: string;
  /** Namespace of the `wakegate-sleeper` Lease. */
  readonly leaseNamespace: string;
  /** Name of this replica in the Lease and Events; '' = the host name. */
  readonly identity: string;
  /** ms; bound on each API request other than watches. */
  readonly requestTimeout: number;
}
