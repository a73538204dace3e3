import { stringify } from 'yaml';
import { formatDuration } from './duration.js';
import { formatListen } from './network.js';
import { REDACTED } from './problems.js';
import type { Config, EnvironmentConfig } from './types.js';

/**
 * The effective config as YAML in the file's own vocabulary (`30s`, `off`, `never`, `host:port`), so it
 * can be read as a config file again. The one exception is `admin.token`, which is never printed: a set
 * token shows as `<redacted>`.
 */
export function formatConfig(config: Config): string {
  return stringify(toFileShape(config), { lineWidth: 0 });
}

/** The config as the file would write it, key for key in schema order. */
export function toFileShape(config: Config): Record<string, unknown> {
  const { wake, sleep, shutdown, forward, server } = config;
  return {
    listen: formatListen(config.listen),
    admin: { listen: formatListen(config.admin.listen), token: config.admin.token === '' ? '' : REDACTED },
    provider: config.provider,
    wake: { ...wake, timeout: formatDuration(wake.timeout), ignoreUserAgents: [...wake.ignoreUserAgents] },
    sleep: {
      idleAfter: formatDuration(sleep.idleAfter),
      minAwake: formatDuration(sleep.minAwake),
      maxAwake: sleep.maxAwake === null ? 'off' : formatDuration(sleep.maxAwake),
      checkEvery: formatDuration(sleep.checkEvery),
    },
    shutdown: { drainDelay: formatDuration(shutdown.drainDelay), grace: formatDuration(shutdown.grace) },
    metrics: { ...config.metrics },
    costs: { ...config.costs },
    forward: {
      ...forward,
      responseHeaderTimeout: formatDuration(forward.responseHeaderTimeout),
      trustForwardedFrom: [...forward.trustForwardedFrom],
      upstreamKeepAlive: formatDuration(forward.upstreamKeepAlive),
    },
    server: {
      ...server,
      keepAliveTimeout: formatDuration(server.keepAliveTimeout),
      headersTimeout: formatDuration(server.headersTimeout),
      requestTimeout: formatDuration(server.requestTimeout),
    },
    log: { ...config.log },
    environments: config.environments.map(environmentShape),
    kubernetes: { ...config.kubernetes, requestTimeout: formatDuration(config.kubernetes.requestTimeout) },
  };
}

/** Absent optional fields stay absent: `command: null` is not something the file can say. */
function environmentShape(environment: EnvironmentConfig): Record<string, unknown> {
  return {
    name: environment.name,
    hosts: [...environment.hosts],
    paths: [...environment.paths],
    upstream: environment.upstream,
    ...(environment.command === null ? {} : { command: [...environment.command] }),
    env: { ...environment.env },
    ...(environment.cwd === null ? {} : { cwd: environment.cwd }),
    ready: environment.ready.httpGet === null ? { tcp: true } : { httpGet: environment.ready.httpGet },
    ...(environment.idleAfter === null ? {} : { idleAfter: environment.idleAfter === Number.POSITIVE_INFINITY ? 'never' : formatDuration(environment.idleAfter) }),
  };
}
