/**
 * Pod objects as the controllers create them and the kubelet reports them (CONTRACT §13). Pure
 * functions: the controllers decide *what* state a pod is in; these say what that state looks like
 * on the wire.
 */
import type { KubeObject } from '../fake-api/store.js';
import { containerId, imageDigest } from './names.js';
import { keepTransitionTimes, type Condition, type Container, type PodTemplate } from './shapes.js';

/** A node of the simulated cluster. Its address is informational (`hostIP`); nothing listens on it. */
export interface SimulatedNode {
  readonly name: string;
  readonly ip: string;
}

export const NODES: readonly SimulatedNode[] = [
  { name: 'wakegate-worker-1', ip: '172.18.0.2' },
  { name: 'wakegate-worker-2', ip: '172.18.0.3' },
  { name: 'wakegate-worker-3', ip: '172.18.0.4' },
];

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller: true;
  readonly blockOwnerDeletion: true;
}

export interface NewPod {
  readonly namespace: string;
  readonly name: string;
  /** `<replicaset>-` for a Deployment's pods (their name is generated); absent for a StatefulSet's. */
  readonly generateName?: string;
  readonly template: PodTemplate;
  /** Added to the template's labels (`pod-template-hash`, `controller-revision-hash`, …). */
  readonly labels: Readonly<Record<string, string>>;
  readonly owner: OwnerReference;
  /** StatefulSet pods: `spec.hostname` is the pod name and `spec.subdomain` the governing Service. */
  readonly hostname?: { readonly hostname: string; readonly subdomain?: string };
}

/**
 * The Pod a controller POSTs, with the fields the API server defaults (restartPolicy, dnsPolicy,
 * schedulerName, terminationGracePeriodSeconds, container terminationMessage*, imagePullPolicy)
 * filled as it would. Status starts empty, as on a real create; the scheduler and kubelet fill it.
 */
export function newPodObject(pod: NewPod): KubeObject {
  const templateSpec = pod.template.spec ?? {};
  const containers = (templateSpec.containers ?? []).map(defaultContainer);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      ...(pod.generateName === undefined ? {} : { generateName: pod.generateName }),
      namespace: pod.namespace,
      labels: { ...(pod.template.metadata?.labels ?? {}), ...pod.labels },
      ...(pod.template.metadata?.annotations === undefined ? {} : { annotations: { ...pod.template.metadata.annotations } }),
      ownerReferences: [{ ...pod.owner }],
    },
    spec: {
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      securityContext: {},
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      ...templateSpec,
      ...(pod.hostname === undefined ? {} : pod.hostname),
      containers,
    },
    status: { phase: 'Pending', qosClass: qosClass(containers) },
  };
}

function defaultContainer(container: Container): Container {
  const image = container.image ?? '';
  return {
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: image.endsWith(':latest') || !image.includes(':') ? 'Always' : 'IfNotPresent',
    resources: {},
    ...container,
    ...(container.ports === undefined ? {} : { ports: container.ports.map((port) => ({ protocol: 'TCP', ...port })) }),
  };
}

/** BestEffort without any request or limit; Guaranteed is not modelled (Burstable otherwise). */
function qosClass(containers: readonly Container[]): string {
  const any = containers.some((c) => {
    const resources = c.resources as { requests?: object; limits?: object } | undefined;
    return Object.keys(resources?.requests ?? {}).length > 0 || Object.keys(resources?.limits ?? {}).length > 0;
  });
  return any ? 'Burstable' : 'BestEffort';
}

/** What the kubelet last did with the pod's containers (one state for all of them: one process per pod). */
export type ContainerState =
  | { readonly state: 'waiting'; readonly reason: string; readonly message?: string }
  | { readonly state: 'running'; readonly startedAt: string; readonly ready: boolean };

export interface LastTermination {
  readonly exitCode: number;
  readonly reason: string;
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** Everything the status of one pod is built from. */
export interface PodView {
  readonly uid: string;
  /** null while the scheduler finds no node. */
  readonly node: SimulatedNode | null;
  readonly unschedulable?: string;
  /** Known once the sandbox exists. */
  readonly ip?: string;
  readonly startTime?: string;
  readonly containers: ContainerState;
  /** The image was pulled (imageID is reported from then on). */
  readonly imagePulled: boolean;
  readonly restartCount: number;
  readonly lastTermination?: LastTermination;
}

/**
 * `status` of a pod in the state `view` (CONTRACT §13, PL): phase Pending until a container has
 * run, Running after; conditions in the kubelet's order; every container ready iff the pod is Ready.
 * Transition times are carried over from `previous` where a condition did not change.
 */
export function podStatus(view: PodView, spec: { readonly containers?: readonly Container[] }, previous: Record<string, unknown> | undefined, now: string): Record<string, unknown> {
  const containers = spec.containers ?? [];
  const qos = { qosClass: qosClass(containers) };
  if (view.node === null) {
    const conditions = keepTransitionTimes(
      [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: view.unschedulable ?? 'no nodes available', lastTransitionTime: now }] satisfies Condition[],
      previous?.conditions as Condition[] | undefined,
    );
    return { phase: 'Pending', conditions, ...qos };
  }
  const running = view.containers.state === 'running';
  const ready = view.containers.state === 'running' && view.containers.ready;
  const everRan = running || view.restartCount > 0 || view.lastTermination !== undefined;
  const names = containers.map((c) => c.name ?? '');
  const notReady = { reason: 'ContainersNotReady', message: `containers with unready status: [${names.join(' ')}]` };
  const next: Condition[] = [
    { type: 'PodReadyToStartContainers', status: view.ip === undefined ? 'False' : 'True', lastTransitionTime: now },
    { type: 'Initialized', status: 'True', lastTransitionTime: now },
    { type: 'Ready', status: ready ? 'True' : 'False', ...(ready ? {} : notReady), lastTransitionTime: now },
    { type: 'ContainersReady', status: ready ? 'True' : 'False', ...(ready ? {} : notReady), lastTransitionTime: now },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
  ];
  const conditions = keepTransitionTimes(next, previous?.conditions as Condition[] | undefined);
  return {
    phase: everRan ? 'Running' : 'Pending',
    conditions,
    hostIP: view.node.ip,
    hostIPs: [{ ip: view.node.ip }],
    ...(view.ip === undefined ? {} : { podIP: view.ip, podIPs: [{ ip: view.ip }] }),
    ...(view.startTime === undefined ? {} : { startTime: view.startTime }),
    containerStatuses: containers.map((container) => containerStatus(view, container)),
    ...qos,
  };
}

function containerStatus(view: PodView, container: Container): Record<string, unknown> {
  const name = container.name ?? '';
  const image = container.image ?? '';
  const attempt = `${view.uid}/${name}/${view.restartCount}`;
  const state = view.containers;
  const last = view.lastTermination;
  return {
    ...(state.state === 'running' ? { containerID: containerId(attempt) } : {}),
    image,
    imageID: view.imagePulled ? `${image.replace(/:[^/:]*$/, '')}@${imageDigest(image)}` : '',
    lastState:
      last === undefined
        ? {}
        : { terminated: { exitCode: last.exitCode, reason: last.reason, startedAt: last.startedAt, finishedAt: last.finishedAt, containerID: containerId(`${view.uid}/${name}/${view.restartCount - 1}`) } },
    name,
    ready: state.state === 'running' && state.ready,
    restartCount: view.restartCount,
    started: state.state === 'running',
    state:
      state.state === 'running'
        ? { running: { startedAt: state.startedAt } }
        : { waiting: { reason: state.reason, ...(state.message === undefined ? {} : { message: state.message }) } },
  };
}
