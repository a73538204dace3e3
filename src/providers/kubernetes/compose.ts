/**
 * Builds the Kubernetes provider's parts for the composition root and starts them: the first sync
 * runs in the background (the proxy listens meanwhile; `/readyz` answers 503 until it is done, so a
 * Service sends no traffic to a replica that knows no routes yet), then the sleeper Lease is sought.
 */
import type { Logger } from 'pino';
import type { KubernetesConfig } from '../../config/types.js';
import type { EnvironmentRegistry } from '../../environments/registry.js';
import type { Metrics } from '../../observability/metrics.js';
import { ActivityPublisher } from './activity-publisher.js';
import { ClusterCache } from './cluster-cache.js';
import { CronJobs } from './cronjobs.js';
import { KubeApi, loadKubeConfig } from './kube-api.js';
import { KubeEvents } from './kube-events.js';
import { KubernetesProvider } from './kubernetes-provider.js';
import { LeaderLease } from './leader-lease.js';
import { Scaler } from './scaler.js';

export const SLEEPER_LEASE = 'wakegate-sleeper';

export interface KubernetesParts {
  readonly provider: KubernetesProvider;
  readonly lease: LeaderLease;
  /** True once every kind has been listed and every environment built. */
  readonly synced: boolean;
  close(): Promise<void>;
}

export interface KubernetesDeps {
  readonly config: KubernetesConfig;
  readonly registry: EnvironmentRegistry;
  readonly metrics: Pick<Metrics, 'kubeApiError' | 'kubeWatchRestart'>;
  readonly logger: Logger;
  readonly defaultIdleAfter: number;
  readonly identity: string;
}

export function startKubernetes(deps: KubernetesDeps): KubernetesParts {
  const { config, logger } = deps;
  const api = new KubeApi(loadKubeConfig(config.kubeconfig), deps.metrics, config.requestTimeout);
  const cache = new ClusterCache({ api, namespaceSelector: config.namespaceSelector, logger, watchRestarted: (kind) => deps.metrics.kubeWatchRestart(kind) });
  let provider: KubernetesProvider | null = null;
  const publisher = new ActivityPublisher({ api, logger, published: (namespace) => provider?.facts(namespace)?.lastActivity ?? null });
  provider = new KubernetesProvider({
    api,
    cache,
    registry: deps.registry,
    scaler: new Scaler(api),
    cronJobs: new CronJobs(api),
    events: new KubeEvents(api, deps.identity, logger),
    publisher,
    mode: config.mode,
    ingressUpstream: config.ingressUpstream,
    defaultIdleAfter: deps.defaultIdleAfter,
    logger,
  });
  const lease = new LeaderLease({ api, namespace: config.leaseNamespace, name: SLEEPER_LEASE, identity: deps.identity, logger });
  const stop = new AbortController();
  let synced = false;
  const started = provider.start(stop.signal).then(
    () => {
      synced = !stop.signal.aborted;
      if (synced) lease.start();
    },
    (err: unknown) => logger.error({ err }, 'the Kubernetes provider could not start'),
  );
  logger.info({ server: api.server, namespaceSelector: config.namespaceSelector, mode: config.mode }, 'syncing with the Kubernetes API');
  const self = provider;
  return {
    provider: self,
    lease,
    get synced() {
      return synced;
    },
    async close() {
      stop.abort();
      await started;
      await lease.stop();
      await self.close();
    },
  };
}
