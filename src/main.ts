/**
 * The composition root: config → logger → metrics → environments → servers → shutdown. Nothing
 * else in the program builds its own dependencies.
 */
import { BlockList } from 'node:net';
import { hostname } from 'node:os';
import { authorizeWrite, isLoopbackHost } from './admin/auth.js';
import { createAdminServer } from './admin/server.js';
import { loadConfig } from './config/load.js';
import type { Config } from './config/types.js';
import { GracefulShutdown } from './lifecycle/shutdown.js';
import { createLogger, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { EnvironmentController } from './environments/controller.js';
import { EnvironmentRegistry } from './environments/registry.js';
import { FleetTimeline } from './history/fleet-timeline.js';
import { LocalProvider } from './providers/local/local-provider.js';
import type { EnvironmentProvider } from './providers/provider.js';
import { startKubernetes, type KubernetesParts } from './providers/kubernetes/compose.js';
import { ProxyServer } from './proxy/proxy-server.js';
import { forwardingPolicy } from './proxy/request-headers.js';
import { RequestObserver } from './proxy/request-observer.js';
import { UpstreamPools } from './proxy/upstream-pools.js';
import { RouteTable } from './routing/route-table.js';
import { Sleeper } from './sleep/sleeper.js';
import { ClientFilter } from './wake/client-filter.js';
import { Holds } from './wake/holds.js';

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

  const costs = { perReplicaHour: config.costs.perReplicaHour > 0 ? config.costs.perReplicaHour : null, currency: config.costs.currency };
  const metrics = new Metrics({ perEnvironment: config.metrics.perEnvironment, heldRequestsLimit: config.wake.maxHeldTotal, costConfigured: costs.perReplicaHour !== null });
  const timeline = new FleetTimeline();
  const environments = new EnvironmentRegistry(config.environments, config.sleep.idleAfter, Date.now());
  const localSpecs = config.environments.flatMap((e) => (e.command === null ? [] : [{ name: e.name, command: e.command, env: e.env, cwd: e.cwd, upstream: e.upstream, ready: e.ready }]));
  const local = localSpecs.length > 0 ? new LocalProvider({ environments: localSpecs, logger, baseEnv: options.env }) : null;
  const kube: KubernetesParts | null =
    config.provider === 'kubernetes'
      ? startKubernetes({ config: config.kubernetes, registry: environments, metrics, logger: logger.child({ component: 'kubernetes' }), defaultIdleAfter: config.sleep.idleAfter, identity: config.kubernetes.identity || hostname() })
      : null;
  const controller = new EnvironmentController({
    providerOf: (env) => (env.spec.kind === 'local' ? local : env.spec.kind === 'kubernetes' ? (kube?.provider ?? null) : null),
    metrics,
    timeline,
    logger: logger.child({ component: 'waker' }),
    wakeTimeout: config.wake.timeout,
    maxWakesPerHour: config.wake.maxWakesPerHour,
    perEnvironmentMetrics: config.metrics.perEnvironment,
  });
  const providers: (EnvironmentProvider | null | undefined)[] = [local, kube?.provider];
  for (const provider of providers) {
    provider?.onDown((id, cause) => {
      const env = environments.find(id);
      if (env !== undefined) controller.wentDown(env, cause);
    });
    provider?.onUp?.((id, cause) => {
      const env = environments.find(id);
      if (env !== undefined) controller.cameUp(env, cause);
    });
  }
  const sleeper = new Sleeper({
    environments: () => environments.all(),
    settings: { minAwake: config.sleep.minAwake, maxAwake: config.sleep.maxAwake },
    checkEvery: config.sleep.checkEvery,
    sleep: (env, reason, because) => controller.sleep(env, reason, because),
    logger: logger.child({ component: 'sleeper' }),
    ...(kube === null ? {} : { leading: () => kube.lease.leading }),
  });
  environments.attach({
    controller,
    metrics,
    explain: (env) => sleeper.explain(env),
    output: (env) => (env.spec.kind === 'local' && local !== null ? local.output(env.id) : null),
    followOutput: (env, listener) => (env.spec.kind === 'local' && local !== null ? local.followOutput(env.id, listener) : null),
    persistKeepAwake: async (env, wish) => {
      if (env.spec.kind === 'kubernetes' && kube !== null) await kube.provider.keepAwake(env.id, wish);
    },
    costs,
    timeline,
    heldLimit: config.wake.maxHeldTotal,
    perEnvironmentMetrics: config.metrics.perEnvironment,
    wakeTimeout: config.wake.timeout,
  });
  const routes = { current: RouteTable.build(environments.routes()) };
  // Rebuilt whole and swapped once per burst of changes (a Kubernetes sync puts thousands at once).
  let routesDue = false;
  environments.onRoutesChanged(() => {
    if (routesDue) return;
    routesDue = true;
    setImmediate(() => {
      routesDue = false;
      try {
        routes.current = RouteTable.build(environments.routes());
      } catch (err) {
        logger.error({ err }, 'the new routes conflict; the previous route table stays in use');
      }
    });
  });
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
  const holds = new Holds({
    controller,
    settings: {
      timeout: config.wake.timeout,
      maxHeldPerEnvironment: config.wake.maxHeldPerEnvironment,
      maxHeldTotal: config.wake.maxHeldTotal,
      waitingPage: config.wake.waitingPage,
      // Offered where it can work: with a token to ask for, or on a loopback proxy listener.
      keepAwakeBanner: config.admin.token !== '' || isLoopbackHost(config.listen.host),
    },
    metrics: {
      setHeld: (count) => {
        metrics.setHeld(count);
        timeline.held(count, Date.now());
      },
    },
    logger: logger.child({ component: 'holds' }),
  });
  const clients = new ClientFilter(config.wake.ignoreUserAgents);
  const keepAwake = {
    // The admin write rule, with the proxy listener's address: no token, then loopback only.
    authorize: (authorization: string | undefined) => authorizeWrite({ token: config.admin.token, listenHost: config.listen.host, authorization }),
    keepAwake: (id: string, wish: { until: number; by: string }) => environments.keepAwake(id, wish),
  };
  const proxy = new ProxyServer({ routes, policy, pools, observer, holds, clients, keepAwake, coldStartHeader: config.forward.coldStartHeader, options: config.server });

  let draining = false;
  const admin = createAdminServer({
    logger: logger.child({ component: 'admin' }),
    metrics,
    health: { isSynced: () => kube?.synced ?? true, isDraining: () => draining },
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
    closers: [() => sleeper.stop(), async () => kube?.close(), () => pools.close(), async () => local?.close(), () => admin.close()],
    exit: options.exit,
  });
  if (options.installSignalHandlers) shutdown.install(process);
  sleeper.start();

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
