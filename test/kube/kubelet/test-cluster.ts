/** A store with a simulated kubelet, for the kubelet's own tests; `close` checks that no pod process is left. */
import { Store, type Change, type KubeObject } from '../fake-api/store.js';
import { startSimulatedKubelet, livePodProcesses, type SimulatedKubelet, type SimulatedKubeletOptions } from './index.js';

export interface TestCluster {
  readonly store: Store;
  readonly kubelet: SimulatedKubelet;
  /** Every change the store has published since the start, in order. */
  readonly changes: Change[];
  close(): Promise<void>;
}

export function startTestCluster(options: SimulatedKubeletOptions = {}): TestCluster {
  const store = new Store();
  const changes: Change[] = [];
  store.subscribe((change) => changes.push(change));
  const kubelet = startSimulatedKubelet(store, { startDelayMs: 100, stopDelayMs: 50, backoffMs: 100, ...options });
  return {
    store,
    kubelet,
    changes,
    async close() {
      await kubelet.close();
      if (livePodProcesses() !== 0) throw new Error(`${livePodProcesses()} pod processes are still alive after close`);
    },
  };
}

export function scale(store: Store, resource: 'deployments' | 'statefulsets', namespace: string, name: string, replicas: number): void {
  store.modify(resource, namespace, name, (draft) => {
    (draft.spec as { replicas?: number }).replicas = replicas;
  });
}

/** The slices of a Service, joined: endpoints of all of them (null when every one is empty). */
export interface EndpointView {
  readonly addresses: string[];
  readonly conditions: { readonly ready: boolean; readonly serving: boolean; readonly terminating: boolean };
}

export function endpointsOf(store: Store, namespace: string, service: string): EndpointView[] | null {
  const slices = store.list('endpointslices', namespace).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === service);
  const endpoints = slices.flatMap((s) => (s.endpoints as EndpointView[] | null) ?? []);
  return slices.length > 0 && slices.every((s) => s.endpoints === null) ? null : endpoints;
}

export function readyEndpoints(store: Store, namespace: string, service: string): number {
  return (endpointsOf(store, namespace, service) ?? []).filter((e) => e.conditions.ready).length;
}

export function podsOf(store: Store, namespace: string, prefix: string): KubeObject[] {
  return store.list('pods', namespace).filter((pod) => pod.metadata.name?.startsWith(prefix) === true);
}

export { statusOf, conditionOf } from './test-views.js';
