/** Shared setup for the fake API server's own tests: a server on port 0, client-node wired to it, seed objects. */
import { AppsV1Api, CoordinationV1Api, CoreV1Api, DiscoveryV1Api, KubeConfig } from '@kubernetes/client-node';
import { startFakeApiServer, type FakeApiServer, type FakeApiServerOptions } from './server.js';
import type { KubeObject, Store } from './store.js';

export interface Clients {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly coordination: CoordinationV1Api;
  readonly discovery: DiscoveryV1Api;
}

export function clientsFor(server: FakeApiServer): Clients {
  const kc = new KubeConfig();
  kc.loadFromOptions(server.kubeConfigOptions());
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    coordination: kc.makeApiClient(CoordinationV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function deployment(namespaceName: string, name: string, replicas = 1, labels: Record<string, string> = { app: name }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: namespaceName, labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `example.com/${name}:1`, ports: [{ containerPort: 8080 }] }] } },
    },
  };
}

export function statefulSet(namespaceName: string, name: string, replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: namespaceName },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `example.com/${name}:1` }] } },
    },
    status: { replicas: 0 },
  };
}

/** An EndpointSlice of a Service with no backing pods, as real servers render it (CONTRACT §4). */
export function emptySlice(namespaceName: string, service: string): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-abcde`, namespace: namespaceName, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: null,
    ports: null,
  };
}

/** Namespace `shop` with Deployment `web` (2 replicas) and `api`, StatefulSet `db`; namespace `blog` with Deployment `web`. */
export function seed(store: Store): void {
  store.create('namespaces', namespace('shop', { 'wakegate.dev/enabled': 'true' }));
  store.create('namespaces', namespace('blog'));
  store.create('deployments', deployment('shop', 'web', 2));
  store.create('deployments', deployment('shop', 'api', 1, { app: 'api', tier: 'backend' }));
  store.create('statefulsets', statefulSet('shop', 'db'));
  store.create('deployments', deployment('blog', 'web', 1));
  store.create('endpointslices', emptySlice('shop', 'web'));
}

export async function startSeeded(options: FakeApiServerOptions = {}): Promise<{ server: FakeApiServer; clients: Clients }> {
  const server = await startFakeApiServer(options);
  seed(server.store);
  return { server, clients: clientsFor(server) };
}

/** The parsed Status body of a client-node ApiException (its `body` is the raw text, CONTRACT §9). */
export function statusOf(error: unknown): { code: number; status: Record<string, unknown> | undefined } {
  const e = error as { code?: number; body?: unknown };
  return { code: e.code ?? 0, status: typeof e.body === 'string' ? JSON.parse(e.body) as Record<string, unknown> : undefined };
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** Polls `condition` every 10 ms until it holds or `timeoutMs` passes. */
export async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
