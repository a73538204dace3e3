/**
 * Configuration texts of the upstream and of every proxy under test, each a pure function of ports
 * and the temp dir. The settings follow the method of `performance-anchors.md` (appendix): one worker
 * or thread each, connection reuse to the upstream, nothing logged per request. Every file any of them
 * writes (pid, error log, temp bodies, caddy storage) goes under the temp dir.
 */
import path from 'node:path';

export const HOST = '127.0.0.1';
export const BENCH_HOST_HEADER = 'hello.bench';

export const PORTS = {
  /** The upstream proxies forward to (pinned with the load generator, CPU 0). */
  upstream: 19_000,
  /** A second, identical upstream on the proxy CPU (1): the "direct" path. */
  directUpstream: 19_001,
  wakegate: 18_080,
  wakegateAdmin: 19_090,
  nginx: 18_081,
  haproxy: 18_082,
  caddy: 18_083,
  httpProxy: 18_084,
  /** Scenario (d): wakegate with one local environment, its admin port, and that environment's app. */
  coldWakegate: 18_090,
  coldWakegateAdmin: 19_091,
  coldApp: 19_010,
} as const;

/** The Host of scenario (d)'s environment. */
export const COLD_HOST_HEADER = 'cold.bench';

/** Every request a client sends on one connection is answered on it: the tools reconnect never. */
const MANY = 1_000_000;

/** nginx answering `200 hello world\n` itself: the upstream, and the direct baseline. */
export function nginxUpstreamConfig(dir: string, name: string, port: number): string {
  return `${nginxCommon(dir, name)}
http {
  access_log off;
  keepalive_requests ${MANY};
  keepalive_timeout 75s;
${nginxTempPaths(dir, name)}
  server {
    listen ${HOST}:${port} backlog=4096;
    location / { return 200 "hello world\\n"; }
  }
}
`;
}

/** nginx as a reverse proxy: 1 worker, pooled upstream connections over HTTP/1.1. */
export function nginxProxyConfig(dir: string, upstreamPort: number, port: number): string {
  return `${nginxCommon(dir, 'nginx-proxy')}
http {
  access_log off;
  keepalive_requests ${MANY};
  keepalive_timeout 75s;
${nginxTempPaths(dir, 'nginx-proxy')}
  upstream hello {
    server ${HOST}:${upstreamPort};
    keepalive 128;
    keepalive_requests ${MANY};
  }
  server {
    listen ${HOST}:${port} backlog=4096;
    location / {
      proxy_pass http://hello;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

function nginxCommon(dir: string, name: string): string {
  return `worker_processes 1;
daemon off;
pid ${path.join(dir, `${name}.pid`)};
error_log ${path.join(dir, `${name}-error.log`)} warn;
events { worker_connections 4096; }`;
}

function nginxTempPaths(dir: string, name: string): string {
  const base = path.join(dir, `${name}-tmp`);
  return ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `  ${kind}_temp_path ${path.join(base, kind)};`)
    .join('\n');
}

/** haproxy: one thread, HTTP mode, idle upstream connections shared between clients. */
export function haproxyConfig(upstreamPort: number, port: number): string {
  return `global
  nbthread 1
  maxconn 4000

defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always

frontend bench
  bind ${HOST}:${port}
  default_backend hello

backend hello
  server up ${HOST}:${upstreamPort}
`;
}

/**
 * Caddy: `reverse_proxy`, no admin endpoint, no HTTPS. The site address `http://:PORT` matches every
 * Host (an address naming a host would add a host matcher, and unmatched requests get an empty 200).
 * Idle upstream connections per host are raised from Caddy's default 32 to 128, the same pool size the
 * other proxies get, so 50 client connections do not churn upstream sockets.
 */
export function caddyConfig(dir: string, upstreamPort: number, port: number): string {
  return `{
  admin off
  auto_https off
  storage file_system ${path.join(dir, 'caddy-storage')}
}

http://:${port} {
  bind ${HOST}
  reverse_proxy ${HOST}:${upstreamPort} {
    transport http {
      keepalive 60s
      keepalive_idle_conns_per_host 128
    }
  }
}
`;
}

/** The minimal static-upstream config of the wakegate contract, at warn level (no per-request logs). */
export function wakegateConfig(upstreamPort: number): string {
  return `listen: "${HOST}:${PORTS.wakegate}"
admin: { listen: "${HOST}:${PORTS.wakegateAdmin}" }
log: { level: warn }
environments:
  - name: hello
    hosts: ["${BENCH_HOST_HEADER}"]
    upstream: "http://${HOST}:${upstreamPort}"
`;
}

export interface ColdConfigOptions {
  /** argv of the environment's app (the program first). */
  readonly command: readonly string[];
  /** Extra environment of the app. */
  readonly appEnv: Readonly<Record<string, string>>;
  /** `wake.maxHeldPerEnvironment` and `wake.maxHeldTotal`. */
  readonly maxHeld: number;
  /** `forward.maxConnectionsPerUpstream`. */
  readonly maxConnectionsPerUpstream: number;
}

/**
 * Scenario (d): one local environment (`cold`, TCP readiness) that starts asleep; wakes are asked for
 * by requests and sleeps through the admin API only (the sleeper checks hourly, nothing is idle for an
 * hour). The wake budget is raised far above the rounds of a run; the waiting page is off (the clients
 * are not browsers anyway); a short shutdown grace so a stop is quick and stops the app too.
 */
export function coldWakegateConfig(options: ColdConfigOptions): string {
  const env = Object.entries(options.appEnv)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join(', ');
  return `listen: "${HOST}:${PORTS.coldWakegate}"
admin: { listen: "${HOST}:${PORTS.coldWakegateAdmin}" }
log: { level: warn }
shutdown: { grace: 1s }
wake:
  timeout: 60s
  maxHeldPerEnvironment: ${options.maxHeld}
  maxHeldTotal: ${options.maxHeld}
  maxWakesPerHour: 1000
  waitingPage: never
sleep: { idleAfter: 1h, minAwake: 0s, checkEvery: 1h }
forward: { maxConnectionsPerUpstream: ${options.maxConnectionsPerUpstream} }
environments:
  - name: cold
    hosts: ["${COLD_HOST_HEADER}"]
    upstream: "http://${HOST}:${PORTS.coldApp}"
    command: [${options.command.map((arg) => JSON.stringify(arg)).join(', ')}]
    env: { ${env} }
    ready: { tcp: true }
`;
}
