/**
 * The composition root: config → logger → metrics → environments → servers → shutdown. Nothing
 * else in the program builds its own dependencies.
 */
import { BlockList } from 'node:net';
import { createAdminServer } from './admin/server.js';
import { loadConfig } from './config/load.js';
import type { Config } from './config/types.js';
import { GracefulShutdown } from './lifecycle/shutdown.js';
import { createLogger, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { StaticEnvironments } from './providers/static/static-environments.js';
import type { ForwardTarget } from './proxy/forwarder.js';
import { ProxyServer } from './proxy/proxy-server.js';
import { forwardingPolicy } from './proxy/request-headers.js';
import { RequestObserver } from './proxy/request-observer.js';
import { UpstreamPools } from './proxy/upstream-pools.js';
import { RouteTable } from './routing/route-table.js';

export interface Running {
  readonly config: Config;
  readonly logger: Logger;
  readonly proxyAddress: { host: string; port: number };
  readonly adminAddress: { host: string; port: number };
  readonly shutdown: GracefulShutdown;
}

export interface ServeOptions {
  readonly configFile: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly exit: (code: number) => void;
  readonly installSignalHandlers: boolean;
  readonly logDestination?: NodeJS.WritableStream;
}

export async function serve(options: ServeOptions): Promise<Running> {
  const { config, notes, source } = loadConfig({ file: options.configFile, env: options.env });
  const logger = createLogger({ level: config.log.level, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  for (const note of notes) logger.warn(note);
  for (const env of config.environments) {
    if (env.command !== null) {
      logger.warn({ environment: env.name }, 'environment has a command, but this version has no local provider to start it: it is forwarded as a static environment');
    }
  }

  const metrics = new Metrics({ perEnvironment: config.metrics.perEnvironment, heldRequestsLimit: config.wake.maxHeldTotal });
  const environments = new StaticEnvironments(config.environments);
  const routes = { current: RouteTable.build<ForwardTarget>(environments.routes()) };
  const pools = new UpstreamPools({
    maxPools: config.forward.maxUpstreamPools,
    connectionsPerPool: config.forward.maxConnectionsPerUpstream,
    keepAliveTimeout: config.forward.upstreamKeepAlive,
    headersTimeout: config.forward.responseHeaderTimeout,
    connectTimeout: Math.min(10_000, config.forward.responseHeaderTimeout),
    transport: config.forward.transport,
  });
  const policy = forwardingPolicy(config.forward.viaName, trustList(config.forward.trustForwardedFrom), config.server.maxHeadersCount);
  const observer = new RequestObserver({ metrics, logger: logger.child({ component: 'proxy' }), accessLog: config.log.accessLog });
  const proxy = new ProxyServer({ routes, policy, pools, observer, options: config.server });

  let draining = false;
  const admin = createAdminServer({
    logger: logger.child({ component: 'admin' }),
    metrics,
    health: { isSynced: () => true, isDraining: () => draining },
    environments,
    token: config.admin.token,
  });

  const proxyAddress = await proxy.listen(config.listen.host, config.listen.port);
  let adminAddress: { host: string; port: number };
  try {
    adminAddress = await admin.listen(config.admin.listen.host, config.admin.listen.port);
  } catch (err) {
    proxy.listener.close();
    throw err;
  }

  const shutdown = new GracefulShutdown({
    logger,
    drainDelay: config.shutdown.drainDelay,
    grace: config.shutdown.grace,
    proxy,
    onDraining: () => {
      draining = true;
    },
    closers: [() => pools.close(), () => admin.close()],
    exit: options.exit,
  });
  if (options.installSignalHandlers) shutdown.install(process);

  logger.info(
    { config: source ?? 'built-in defaults', proxy: address(proxyAddress), admin: address(adminAddress), environments: config.environments.length, routes: routes.current.size, transport: pools.transport, engine: proxy.engine },
    'wakegate is serving',
  );
  return { config, logger, proxyAddress, adminAddress, shutdown };
}

function trustList(cidrs: readonly string[]): BlockList | null {
  if (cidrs.length === 0) return null;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [ip = '', bits] = cidr.split('/');
    const type = ip.includes(':') ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(bits), type);
  }
  return list;
}

function address(a: { host: string; port: number }): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
