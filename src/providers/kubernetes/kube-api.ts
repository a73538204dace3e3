/**
 * The Kubernetes API as the provider calls it: client-node's typed APIs behind one `call` that turns
 * every failure into a `KubeApiError` (HTTP code, `Status.reason`, and a sentence that says what to
 * do) and counts it in `wakegate_kube_api_errors_total{verb,code}`.
 *
 * client-node 1.4 throws `ApiException` with the raw response text as `body` (a JSON string, not
 * parsed; undefined for 401) and node-fetch `FetchError`s for the network (CONTRACT §9).
 *
 * Every request of these clients is bounded by `requestTimeout` (watches are not: they use their own
 * connection). client-node sets none, so an API server that accepts a connection and never answers
 * would hold a wake, a sleep pass or a Lease renewal forever; it now fails as a `timeout`.
 */
import { existsSync } from 'node:fs';
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  NetworkingV1Api,
  ServerConfiguration,
  createConfiguration,
  type Configuration,
  type Middleware,
} from '@kubernetes/client-node';
import type { KubeErrorCode, KubeVerb } from '../../observability/metric-labels.js';

export interface KubeErrorSink {
  kubeApiError(verb: KubeVerb, code: KubeErrorCode): void;
}

export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';

  constructor(
    message: string,
    readonly verb: KubeVerb,
    /** HTTP status, or `network` / `timeout` when no answer came. */
    readonly code: KubeErrorCode,
    /** `Status.reason` (`NotFound`, `Conflict`, `Forbidden`, …) or '' when there was none. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Builds the client configuration: a kubeconfig file, or the pod's ServiceAccount when `file` is
 * empty. Throws a sentence that says what to set when neither is there.
 */
export function loadKubeConfig(file: string, serviceAccountToken = SERVICE_ACCOUNT_TOKEN): KubeConfig {
  const kc = new KubeConfig();
  if (file === '') {
    if (!existsSync(serviceAccountToken)) {
      throw new Error(`provider kubernetes: kubernetes.kubeconfig is empty and there is no ServiceAccount token at ${serviceAccountToken} (not running in a pod); set kubernetes.kubeconfig (WAKEGATE_KUBERNETES_KUBECONFIG) to a kubeconfig file`);
    }
    kc.loadFromCluster();
  } else {
    if (!existsSync(file)) throw new Error(`provider kubernetes: kubernetes.kubeconfig names ${file}, which does not exist`);
    kc.loadFromFile(file);
  }
  if (kc.getCurrentCluster() === null) throw new Error(`provider kubernetes: the kubeconfig ${file} has no current cluster`);
  return kc;
}

export class KubeApi {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly networking: NetworkingV1Api;
  readonly coordination: CoordinationV1Api;
  readonly batch: BatchV1Api;
  readonly #errors: KubeErrorSink;

  /** `requestTimeout`: ms after which a request with no complete answer is aborted (default 30 s). */
  constructor(kc: KubeConfig, errors: KubeErrorSink, requestTimeout = 30_000) {
    this.kc = kc;
    this.#errors = errors;
    const configuration = boundedConfiguration(kc, requestTimeout);
    this.core = new CoreV1Api(configuration);
    this.apps = new AppsV1Api(configuration);
    this.discovery = new DiscoveryV1Api(configuration);
    this.networking = new NetworkingV1Api(configuration);
    this.coordination = new CoordinationV1Api(configuration);
    this.batch = new BatchV1Api(configuration);
  }

  /** The cluster's address, for logs. */
  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '(none)';
  }

  /**
   * Runs one API call. `what` names the object for messages, as Kubernetes does:
   * `deployments.apps "web" in namespace "shop"`.
   */
  async call<T>(verb: KubeVerb, what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const error = toKubeApiError(verb, what, err, this.server);
      this.#errors.kubeApiError(verb, error.code);
      throw error;
    }
  }

  /** Counts a failure seen outside `call` (a watch that ended with an error). */
  countError(verb: KubeVerb, code: KubeErrorCode): void {
    this.#errors.kubeApiError(verb, code);
  }
}

/**
 * What `kc.makeApiClient` builds (the current cluster's server, the kubeconfig as authentication),
 * plus a middleware that gives every request an abort signal firing after `timeoutMs`.
 */
function boundedConfiguration(kc: KubeConfig, timeoutMs: number): Configuration {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('provider kubernetes: the kubeconfig has no current cluster');
  const deadline: Middleware = {
    pre: (context) => {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return Promise.resolve(context);
    },
    post: (response) => Promise.resolve(response),
  };
  return createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: kc }, promiseMiddleware: [deadline] });
}

export function toKubeApiError(verb: KubeVerb, what: string, err: unknown, server: string): KubeApiError {
  if (err instanceof KubeApiError) return err;
  if (err instanceof ApiException) {
    const code = err.code;
    const status = parseStatus(err.body);
    const reason = status?.reason ?? (code === 401 ? 'Unauthorized' : '');
    const detail = status?.message ?? (code === 401 ? 'Unauthorized' : `HTTP ${code}`);
    const advice =
      code === 403
        ? " — wakegate's ServiceAccount lacks this permission: check the RBAC rules in manifests/base/rbac"
        : code === 401
          ? ' — the credentials in the kubeconfig or ServiceAccount token were refused'
          : '';
    return new KubeApiError(`the Kubernetes API refused to ${verb} ${what}: ${detail}${advice}`, verb, code, reason, { cause: err });
  }
  const errno = (err as { code?: unknown } | null)?.code;
  const name = (err as { name?: unknown } | null)?.name;
  const timeout = name === 'TimeoutError' || name === 'AbortError' || errno === 'ETIMEDOUT';
  const detail = typeof errno === 'string' ? errno : err instanceof Error ? err.message : String(err);
  return new KubeApiError(
    `the Kubernetes API at ${server} did not answer the ${verb} of ${what} (${detail})`,
    verb,
    timeout ? 'timeout' : 'network',
    '',
    { cause: err },
  );
}

function parseStatus(body: unknown): { reason?: string; message?: string } | null {
  if (typeof body !== 'string') return body !== null && typeof body === 'object' ? (body) : null;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' ? (parsed) : null;
  } catch {
    return null;
  }
}
