/**
 * The cluster as last observed: one list+watch per kind for the whole cluster (ARCHITECTURE §5), so
 * the cost does not grow with the number of environments, filtered in memory to enabled namespaces
 * by the caller. Namespaces are watched through the configured label selector.
 *
 * client-node's informer (`ListWatch`) relists by itself on 410 Expired, but stops for good on any
 * other error — a refused connection, a 403, a dropped stream (CONTRACT §10, step 6). Each informer
 * here is restarted after an error with exponential backoff and jitter (1 s doubling to 30 s), keeps
 * its last objects meanwhile (a warm environment keeps working while the API is away), and is
 * restarted anyway when it has heard nothing for `quietRestart` (client-node 1.x has no watch
 * timeout: a half-open connection would otherwise go silent forever, kubernetes-client/javascript#596).
 */
import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { pause } from './pause.js';
import { slim } from './slim.js';
import type { Logger } from 'pino';
import type { KubeApi } from './kube-api.js';
import type { NamespaceObject } from './objects.js';
import type { NamespaceSnapshot } from './environment-model.js';

export type WatchedKind = 'Namespace' | 'Deployment' | 'StatefulSet' | 'Service' | 'EndpointSlice' | 'Ingress';

export interface ClusterCacheOptions {
  readonly api: KubeApi;
  readonly namespaceSelector: string;
  readonly logger: Logger;
  readonly watchRestarted: (kind: WatchedKind) => void;
  /** Restart a watch that has heard nothing for this long (ms). Default 5 minutes. */
  readonly quietRestart?: number;
  /** First restart delay after an error (ms); doubles up to 30 s. Default 1 s. */
  readonly backoff?: number;
}

/** Told of every change, with the namespace it happened in (for a Namespace: its own name). */
export type ChangeListener = (namespace: string, kind: WatchedKind) => void;

const MAX_BACKOFF = 30_000;

/** Objects per list page (kubectl and client-go's informers use 500 too). */
const LIST_PAGE = 500;

interface Page {
  readonly limit: number;
  readonly _continue?: string;
}

export class ClusterCache {
  readonly #informers: Map<WatchedKind, KindInformer>;
  readonly #listeners = new Set<ChangeListener>();

  constructor(options: ClusterCacheOptions) {
    const { api } = options;
    // Lists are read in pages (each page's client-node models are garbage before the next arrives,
    // rather than one list of every object of a kind held at once), and lists and watch events are
    // slimmed to the fields wakegate reads before the informer stores them.
    const list =
      (kind: WatchedKind, page: (p: Page) => Promise<{ metadata?: { _continue?: string; resourceVersion?: string }; items: unknown[] }>) =>
      async (): Promise<KubernetesListObject<KubernetesObject>> => {
        const items: KubernetesObject[] = [];
        let next: string | undefined;
        let resourceVersion: string | undefined;
        do {
          const result = await page({ limit: LIST_PAGE, ...(next === undefined ? {} : { _continue: next }) });
          for (const item of result.items) items.push(slim(kind, item));
          resourceVersion ??= result.metadata?.resourceVersion;
          next = result.metadata?._continue || undefined;
        } while (next !== undefined);
        return { metadata: { resourceVersion }, items };
      };
    const selector = options.namespaceSelector;
    const specs: [WatchedKind, string, () => Promise<KubernetesListObject<KubernetesObject>>, string | undefined][] = [
      ['Namespace', '/api/v1/namespaces', list('Namespace', (p) => api.core.listNamespace({ labelSelector: selector, ...p })), selector],
      ['Deployment', '/apis/apps/v1/deployments', list('Deployment', (p) => api.apps.listDeploymentForAllNamespaces(p)), undefined],
      ['StatefulSet', '/apis/apps/v1/statefulsets', list('StatefulSet', (p) => api.apps.listStatefulSetForAllNamespaces(p)), undefined],
      ['Service', '/api/v1/services', list('Service', (p) => api.core.listServiceForAllNamespaces(p)), undefined],
      ['EndpointSlice', '/apis/discovery.k8s.io/v1/endpointslices', list('EndpointSlice', (p) => api.discovery.listEndpointSliceForAllNamespaces(p)), undefined],
      ['Ingress', '/apis/networking.k8s.io/v1/ingresses', list('Ingress', (p) => api.networking.listIngressForAllNamespaces(p)), undefined],
    ];
    this.#informers = new Map(
      specs.map(([kind, path, listFn, selector]) => [
        kind,
        new KindInformer(kind, new ListWatch(path, new SlimWatch(api.kc, kind), listFn, false, selector), options, (namespace) => this.#emit(namespace, kind)),
      ]),
    );
  }

  /**
   * Starts every watch; resolves once each kind has been listed (retrying until it is, or `signal`
   * aborts). Kinds are listed one after another: listed together, six kinds' pages in flight at once
   * raised the peak heap, and with it the RSS left after the first sync — with 5,000 namespaces,
   * 251 MB one after another against 286 MB together (means of 6 and 11 runs; together, one run
   * reached 322 MB), for about 2 s more sync (8–9 s against 6–8 s on the fake API server). Nothing
   * reads the caches before every kind is listed.
   */
  async start(signal: AbortSignal): Promise<void> {
    for (const informer of this.#informers.values()) await informer.start(signal);
  }

  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Enabled namespaces (those matching the selector). */
  namespaces(): readonly NamespaceObject[] {
    return this.#informer('Namespace').list();
  }

  namespace(name: string): NamespaceObject | undefined {
    return this.#informer('Namespace').get(name);
  }

  snapshot(namespace: NamespaceObject, name: string): NamespaceSnapshot {
    return {
      namespace,
      deployments: this.#informer('Deployment').list(name),
      statefulSets: this.#informer('StatefulSet').list(name),
      services: this.#informer('Service').list(name),
      endpointSlices: this.#informer('EndpointSlice').list(name),
      ingresses: this.#informer('Ingress').list(name),
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((informer) => informer.stop()));
  }

  #informer(kind: WatchedKind): ListWatch<KubernetesObject> {
    return (this.#informers.get(kind) as KindInformer).cache;
  }

  #emit(namespace: string, kind: WatchedKind): void {
    for (const listener of [...this.#listeners]) listener(namespace, kind);
  }
}

/** One kind's informer with restart, backoff and the quiet-watch guard. */
class KindInformer {
  readonly cache: ListWatch<KubernetesObject>;
  readonly #kind: WatchedKind;
  readonly #options: ClusterCacheOptions;
  #stopped = false;
  #connected = false;
  #failures = 0;
  #lastHeard = Date.now();
  #retry: NodeJS.Timeout | null = null;
  #guard: NodeJS.Timeout | null = null;

  constructor(kind: WatchedKind, cache: ListWatch<KubernetesObject>, options: ClusterCacheOptions, changed: (namespace: string) => void) {
    this.#kind = kind;
    this.cache = cache;
    this.#options = options;
    const heard = (object: KubernetesObject): void => {
      this.#lastHeard = Date.now();
      this.#failures = 0;
      changed(kind === 'Namespace' ? (object.metadata?.name ?? '') : (object.metadata?.namespace ?? ''));
    };
    cache.on('change', heard);
    cache.on('error', (err?: unknown) => this.#failed(err));
  }

  /** Resolves once the first list succeeded (retrying with backoff), or when `signal` aborts. */
  async start(signal: AbortSignal): Promise<void> {
    const quiet = this.#options.quietRestart ?? 300_000;
    this.#guard = setInterval(() => {
      if (!this.#stopped && this.#connected && Date.now() - this.#lastHeard > quiet) this.#restart('no event for a while');
    }, Math.min(quiet, 60_000));
    this.#guard.unref();
    while (!this.#stopped && !signal.aborted) {
      await this.#startOnce();
      if (this.cache.latestResourceVersion() !== '') return;
      await pause(this.#backoff(), signal);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry !== null) clearTimeout(this.#retry);
    if (this.#guard !== null) clearInterval(this.#guard);
    await this.cache.stop();
  }

  async #startOnce(): Promise<void> {
    this.#lastHeard = Date.now();
    try {
      await this.cache.start();
      // start() also resolves after a failed list (the error went to the 'error' handler).
      this.#connected = this.cache.latestResourceVersion() !== '';
    } catch (err) {
      this.#failed(err);
    }
  }

  #failed(err: unknown): void {
    // stop() aborts the request, which arrives here as an AbortError (CONTRACT §10, step 7): only
    // our own stop or restart does that, and neither is a failure.
    if (this.#stopped || (err as { name?: unknown } | undefined)?.name === 'AbortError') return;
    this.#connected = false;
    this.#failures++;
    const code = (err as { statusCode?: unknown; code?: unknown } | undefined)?.statusCode ?? (err as { code?: unknown } | undefined)?.code;
    this.#options.api.countError('watch', typeof code === 'number' ? code : 'network');
    const wait = this.#backoff();
    this.#options.logger.warn(
      { kind: this.#kind, err: err instanceof Error ? err.message : String(err), retryInMs: wait },
      'Kubernetes watch failed; serving from the last objects seen until it is restarted',
    );
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.#options.watchRestarted(this.#kind);
      void this.#startOnce();
    }, wait);
    this.#retry.unref();
  }

  #restart(why: string): void {
    this.#options.logger.info({ kind: this.#kind, why }, 'restarting Kubernetes watch');
    this.#options.watchRestarted(this.#kind);
    // The stored resourceVersion survives stop(): the new watch resumes where the old one was.
    void this.cache.stop().finally(() => {
      if (!this.#stopped) void this.#startOnce();
    });
  }

  #backoff(): number {
    const base = this.#options.backoff ?? 1_000;
    const exp = Math.min(MAX_BACKOFF, base * 2 ** Math.max(0, this.#failures - 1));
    return Math.round(exp * (0.8 + Math.random() * 0.4));
  }
}

/** client-node's Watch, handing on each event's object slimmed (see slim.ts). */
class SlimWatch extends Watch {
  readonly #kind: WatchedKind;

  constructor(kc: KubeConfig, kind: WatchedKind) {
    super(kc);
    this.#kind = kind;
  }

  override watch(path: string, query: Record<string, string | number | boolean | undefined>, callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void, done: (err: unknown) => void): Promise<AbortController> {
    const kind = this.#kind;
    return super.watch(path, query, (phase, object, raw) => callback(phase, phase === 'ERROR' ? object : slim(kind, object), raw), done);
  }
}
