import { mkdtempSync, rmSync } from 'node:fs';
import { afterEach } from 'vitest';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Store, type Change, type KubeObject } from '../../kube/fake-api/store.js';
import { startFakeApiServer, type FakeApiServer } from '../../kube/fake-api/server.js';
import { startSimulatedKubelet, type SimulatedKubelet } from '../../kube/kubelet/index.js';
import { send } from '../../helpers/http-client.js';
import { startWakegate, type StartedWakegate } from '../../helpers/wakegate.js';

/**
 * A cluster for the Kubernetes provider's tests: the fake API server (real HTTP) with its store, the
 * simulated kubelet running real pod processes on loopback, and a kubeconfig pointing at it.
 */
export interface TestCluster {
  readonly store: Store;
  readonly api: FakeApiServer;
  readonly kubelet: SimulatedKubelet;
  readonly kubeconfig: string;
  /** Every change of a workload's spec.replicas, in order: `ns/Kind/name from→to`. */
  readonly scalings: string[];
  close(): Promise<void>;
}

/** What the current test started, stopped newest first after it: wakegates before their cluster. */
const started: { stop(): Promise<void> }[] = [];

/** Registers, in a test file, the stop of every cluster and wakegate its tests start. */
export function stopAfterEachTest(): void {
  afterEach(async () => {
    for (let next = started.pop(); next !== undefined; next = started.pop()) await next.stop();
  });
}

export async function startCluster(options: { startDelayMs?: number } = {}): Promise<TestCluster> {
  const store = new Store();
  const scalings: string[] = [];
  store.subscribe((change: Change) => {
    if (change.resource !== 'deployments' && change.resource !== 'statefulsets') return;
    const before = replicasOf(change.previous);
    const after = change.type === 'DELETED' ? null : replicasOf(change.object);
    if (change.type === 'MODIFIED' && before !== after) scalings.push(`${change.object.metadata.namespace}/${change.object.kind}/${change.object.metadata.name} ${before}→${after}`);
  });
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wakegate' } });
  const api = await startFakeApiServer({ store });
  const kubelet = startSimulatedKubelet(store, { startDelayMs: options.startDelayMs ?? 100, processes: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'wakegate-kube-'));
  const kubeconfig = api.writeKubeconfig(dir);
  const cluster: TestCluster = {
    store,
    api,
    kubelet,
    kubeconfig,
    scalings,
    async close() {
      await kubelet.close();
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  started.push({ stop: () => cluster.close() });
  return cluster;
}

function replicasOf(object: KubeObject | undefined): number | null {
  if (object === undefined) return null;
  const spec = object.spec as { replicas?: number } | undefined;
  return spec?.replicas ?? 1;
}

export interface WorkloadSeed {
  readonly name: string;
  readonly kind?: 'Deployment' | 'StatefulSet';
  readonly replicas: number;
  readonly annotations?: Record<string, string>;
  /** Serves the Ingress host at `/` (default: the first workload). */
  readonly routed?: boolean;
}

/**
 * An enabled namespace as `kubectl apply` of a real manifest would leave it: per workload a
 * Deployment (or StatefulSet) and a Service `http` 80 → 8080, and one Ingress for `host`.
 */
export function seedEnvironment(store: Store, name: string, host: string, workloads: readonly WorkloadSeed[], annotations: Record<string, string> = {}): void {
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'wakegate.io/enabled': 'true' }, annotations } });
  for (const w of workloads) {
    const kind = w.kind ?? 'Deployment';
    const labels = { app: w.name };
    const template = { metadata: { labels }, spec: { containers: [{ name: w.name, image: `registry.example.com/${w.name}:1`, ports: [{ name: 'http', containerPort: 8080 }] }] } };
    store.create(kind === 'Deployment' ? 'deployments' : 'statefulsets', {
      apiVersion: 'apps/v1',
      kind,
      metadata: { name: w.name, namespace: name, annotations: w.annotations ?? {} },
      spec: { replicas: w.replicas, selector: { matchLabels: labels }, template, ...(kind === 'StatefulSet' ? { serviceName: w.name } : {}) },
    });
    store.create('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: w.name, namespace: name },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    });
  }
  const routed = workloads.find((w) => w.routed === true) ?? workloads[0];
  if (routed === undefined) return;
  store.create('ingresses', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: name },
    spec: { rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: routed.name, port: { number: 80 } } } }] } }] },
  });
}

/** wakegate (the real composition root, in this process) on the Kubernetes provider, waited for until synced. */
export async function startKubeWakegate(cluster: TestCluster, config: Record<string, unknown> = {}): Promise<StartedWakegate> {
  const { kubernetes, ...rest } = config as { kubernetes?: Record<string, unknown> };
  const wakegate = await startWakegate({
    provider: 'kubernetes',
    kubernetes: { mode: 'direct', kubeconfig: cluster.kubeconfig, leaseNamespace: 'wakegate', identity: 'wakegate-a', ...kubernetes },
    ...rest,
  });
  // stop() is idempotent, so a test may stop a wakegate itself as well.
  started.push(wakegate);
  await until(async () => (await send({ port: wakegate.adminPort, path: '/readyz' })).status === 200, 10_000, 'wakegate to finish its first sync');
  return wakegate;
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function replicas(store: Store, namespace: string, kind: 'deployments' | 'statefulsets', name: string): number | null {
  return replicasOf(store.get(kind, namespace, name));
}
