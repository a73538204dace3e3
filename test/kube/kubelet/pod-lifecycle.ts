/**
 * One pod as the scheduler and kubelet drive it, from creation to removal (CONTRACT §13):
 *
 *   normal     Pending/ContainerCreating → process listening: Running, podIP, not ready
 *              → start delay later: Ready (every container ready)
 *   failing    ImagePullBackOff: Pending, sandbox IP, ErrImagePull, one back-off later ImagePullBackOff
 *              CreateContainerConfigError: Pending, image pulled, container never created
 *              CrashLoopBackOff: the process starts and exits 1; restartCount grows, lastState.terminated,
 *                waiting CrashLoopBackOff between restarts (back-off doubles, capped)
 *              Unschedulable: Pending, no node, PodScheduled=False
 *   terminate  deletionTimestamp set (endpoints turn terminating), SIGTERM; removed from the store once
 *              the process is gone and the stop delay has passed.
 *
 * A pod is *settled* when it has reached the steady state of its behaviour (Ready, or the failure's
 * waiting state); `whenIdle` waits for every pod to settle. Status is written only when it changed.
 */
import type { KubeObject } from '../fake-api/store.js';
import type { Context, WorkloadKey } from './context.js';
import { createContainerConfigErrorMessage, crashLoopMessage, errImagePullMessage, imagePullBackOffMessage, unschedulableMessage, type Failure } from './failures.js';
import { podAddresses } from './pod-addresses.js';
import { podStatus, NODES, type ContainerState, type LastTermination, type SimulatedNode } from './pod-factory.js';
import { PodProcess, type Started } from './pod-processes.js';
import { timestamp } from './names.js';
import type { Container } from './shapes.js';

/** The failures that happen to a pod that exists (FailedCreate happens before one does). */
export type PodFailure = Exclude<Failure, 'FailedCreate'>;

export interface PodInit {
  readonly namespace: string;
  readonly name: string;
  readonly owner: WorkloadKey;
  readonly revision: string;
  readonly ordinal: number | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly containers: readonly Container[];
  readonly ports: readonly number[];
  readonly node: SimulatedNode;
  readonly startDelayMs: number;
  readonly failure: PodFailure | null;
}

/** The kubelet's real back-off is 10 s doubling to 300 s; the simulation scales it to `backoffMs`. */
const MAX_BACKOFF_STEPS = 5;
/** A crashing container in a pod without processes "runs" this long before it exits. */
const SIMULATED_CRASH_MS = 20;
const MAX_ADDRESS_TRIES = 20;

export class PodRecord {
  readonly init: PodInit;
  #ctx: Context;
  /** Known once the store has created the pod. */
  #uid = '';
  #ip: string | undefined;
  #allocated: string | undefined;
  #containers: ContainerState = { state: 'waiting', reason: 'ContainerCreating' };
  #imagePulled = false;
  #restartCount = 0;
  #lastTermination: LastTermination | undefined;
  #startTime: string;
  #terminating = false;
  #settled = false;
  #process: PodProcess | null = null;
  #timers = new Set<NodeJS.Timeout>();
  #gone: Promise<void> | null = null;

  constructor(ctx: Context, init: PodInit) {
    this.#ctx = ctx;
    this.init = init;
    this.#startTime = timestamp();
  }

  get name(): string {
    return this.init.name;
  }
  get namespace(): string {
    return this.init.namespace;
  }
  get ready(): boolean {
    return this.#containers.state === 'running' && this.#containers.ready;
  }
  get terminating(): boolean {
    return this.#terminating;
  }
  get settled(): boolean {
    return this.#settled;
  }
  get ip(): string | undefined {
    return this.#ip;
  }
  get pid(): number | null {
    return this.#process?.pid ?? null;
  }
  get failure(): PodFailure | null {
    return this.init.failure;
  }

  /** The status the pod has right after the controller created it and the scheduler looked at it. */
  initialStatus(): Record<string, unknown> {
    return podStatus(this.#view(), { containers: this.init.containers }, undefined, this.#startTime);
  }

  /** The store created the pod with this uid. */
  bind(uid: string): void {
    this.#uid = uid;
  }

  /** Drives the pod after its object exists in the store. */
  begin(): void {
    switch (this.init.failure) {
      case 'Unschedulable':
        return this.#settle();
      case 'ImagePullBackOff':
        this.#assignAddress();
        this.#containers = { state: 'waiting', reason: 'ErrImagePull', message: errImagePullMessage(this.#image()) };
        this.#write();
        this.#after(this.#ctx.options.backoffMs, () => {
          this.#containers = { state: 'waiting', reason: 'ImagePullBackOff', message: imagePullBackOffMessage(this.#image()) };
          this.#write();
          this.#settle();
        });
        return;
      case 'CreateContainerConfigError':
        this.#assignAddress();
        this.#imagePulled = true;
        this.#containers = { state: 'waiting', reason: 'CreateContainerConfigError', message: createContainerConfigErrorMessage(this.#workloadName()) };
        this.#write();
        return this.#settle();
      default:
        return this.#run();
    }
  }

  /** Marks the pod terminating, stops its process and removes it; resolves once it is gone from the store. */
  terminate(): Promise<void> {
    if (this.#gone !== null) return this.#gone;
    this.#terminating = true;
    this.#settled = false;
    this.#clearTimers();
    const { store } = this.#ctx;
    try {
      store.modify('pods', this.namespace, this.name, (draft) => {
        draft.metadata.deletionTimestamp = timestamp();
        draft.metadata.deletionGracePeriodSeconds = 30;
      });
    } catch {
      // Already deleted by someone else.
    }
    this.#changed();
    const stopped = this.#process?.stop() ?? Promise.resolve();
    const delayed = new Promise<void>((resolve) => setTimeout(resolve, this.#ctx.options.stopDelayMs));
    this.#gone = Promise.all([stopped, delayed]).then(() => {
      this.#release();
      try {
        if (!this.#ctx.closed) store.delete('pods', this.namespace, this.name);
      } catch {
        // Already deleted by someone else.
      }
      this.#changed();
    });
    return this.#gone;
  }

  /** The kubelet is closing: stop the process, write nothing more. */
  async shutdown(): Promise<void> {
    this.#clearTimers();
    this.#terminating = true;
    await this.#process?.stop(1_000);
    this.#release();
  }

  /** The pod object was deleted by someone else (`kubectl delete pod --force`): stop the process at once. */
  async vanished(): Promise<void> {
    this.#gone ??= this.shutdown();
    await this.#gone;
  }

  #run(): void {
    if (!this.#ctx.options.processes) {
      this.#assignAddress();
      if (this.init.failure === 'CrashLoopBackOff') {
        this.#imagePulled = true;
        const startedAt = timestamp();
        this.#after(SIMULATED_CRASH_MS, () => this.#crashed(1, startedAt));
        return;
      }
      return this.#listening();
    }
    this.#spawn(0);
  }

  #spawn(addressTries: number): void {
    this.#allocated ??= podAddresses.allocate();
    const startedAt = timestamp();
    const process = new PodProcess({ name: this.name, namespace: this.namespace, ip: this.#allocated, ports: this.init.ports, crash: this.init.failure === 'CrashLoopBackOff' });
    this.#process = process;
    void process.started.then((started: Started) => {
      if (this.#terminating || this.#process !== process) return;
      if (started.kind === 'address-in-use' && addressTries < MAX_ADDRESS_TRIES) {
        // Another process holds this address and port: the pod has not reported an IP yet, so it moves.
        this.#ctx.log.debug({ pod: this.name, ip: this.#allocated }, 'pod address in use; trying the next one');
        if (this.#allocated !== undefined) podAddresses.release(this.#allocated);
        this.#allocated = undefined;
        return this.#spawn(addressTries + 1);
      }
      if (started.kind === 'address-in-use') {
        this.#ctx.log.warn({ pod: this.name, ports: this.init.ports, tries: addressTries + 1 }, 'the pod port is taken on every address tried (a process listening on 0.0.0.0?)');
      }
      if (started.kind !== 'listening') {
        this.#ip ??= this.#allocated;
        this.#imagePulled = true;
        const code = started.kind === 'exited' ? (started.exit.code ?? 137) : 98;
        return this.#crashed(code, startedAt);
      }
      this.#ip = this.#allocated;
      this.#listening();
      void process.exited.then((exit) => {
        if (this.#terminating || this.#process !== process) return;
        this.#ctx.log.warn({ pod: this.name, exit }, 'pod process exited unexpectedly');
        this.#crashed(exit.code ?? 137, startedAt);
      });
    });
  }

  /** The container runs: Running, not ready; Ready after the start delay. */
  #listening(): void {
    this.#imagePulled = true;
    this.#containers = { state: 'running', startedAt: timestamp(), ready: false };
    this.#write();
    this.#after(this.init.startDelayMs, () => {
      if (this.#containers.state !== 'running') return;
      this.#containers = { ...this.#containers, ready: true };
      this.#write();
      this.#settle();
    });
  }

  /** The container exited: count the restart, wait the back-off, start it again. */
  #crashed(exitCode: number, startedAt: string): void {
    this.#restartCount += 1;
    this.#lastTermination = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: timestamp() };
    const step = Math.min(this.#restartCount - 1, MAX_BACKOFF_STEPS);
    const container = this.init.containers[0]?.name ?? '';
    this.#containers = {
      state: 'waiting',
      reason: 'CrashLoopBackOff',
      message: crashLoopMessage(Math.min(10 * 2 ** step, 300), container, this.name, this.namespace, this.#uid),
    };
    this.#write();
    this.#settle();
    this.#after(this.#ctx.options.backoffMs * 2 ** step, () => this.#run());
  }

  #view() {
    const unschedulable = this.init.failure === 'Unschedulable';
    return {
      uid: this.#uid,
      node: unschedulable ? null : this.init.node,
      ...(unschedulable ? { unschedulable: unschedulableMessage(NODES.length) } : {}),
      ...(this.#ip === undefined ? {} : { ip: this.#ip }),
      ...(unschedulable ? {} : { startTime: this.#startTime }),
      containers: this.#containers,
      imagePulled: this.#imagePulled,
      restartCount: this.#restartCount,
      ...(this.#lastTermination === undefined ? {} : { lastTermination: this.#lastTermination }),
    };
  }

  /** Writes the pod's status if it differs from the stored one. */
  #write(): void {
    if (this.#ctx.closed || this.#terminating) return;
    const { store } = this.#ctx;
    const stored = this.#ctx.cache.get('pods', this.namespace, this.name);
    if (stored === undefined) return;
    const previous = stored.status as Record<string, unknown> | undefined;
    const status = podStatus(this.#view(), stored.spec as { containers?: Container[] }, previous, timestamp());
    if (JSON.stringify(status) === JSON.stringify(previous)) return;
    try {
      store.modify('pods', this.namespace, this.name, (draft: KubeObject) => {
        draft.status = status;
      });
    } catch {
      return;
    }
    this.#changed();
  }

  #assignAddress(): void {
    this.#allocated ??= podAddresses.allocate();
    this.#ip = this.#allocated;
  }

  #release(): void {
    this.#clearTimers();
    if (this.#allocated !== undefined) podAddresses.release(this.#allocated);
    this.#allocated = undefined;
  }

  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#ctx.settledMaybe();
  }

  #changed(): void {
    this.#ctx.podChanged(this.init.owner);
  }

  #after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#terminating && !this.#ctx.closed) fn();
    }, ms);
    this.#timers.add(timer);
  }

  #clearTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #image(): string {
    return this.init.containers[0]?.image ?? '';
  }

  #workloadName(): string {
    return this.init.owner.split('/')[2] ?? '';
  }
}
