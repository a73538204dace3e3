/**
 * The simulated kubelet for tests of the Kubernetes provider: turns replica changes in the fake API
 * server's store into Pods, real upstream processes on loopback and EndpointSlices, and back.
 */
export { startSimulatedKubelet, type SimulatedKubelet, type SimulatedKubeletOptions, type SimulatedPod } from './kubelet.js';
export { FAILURES, type Failure } from './failures.js';
export { START_DELAY_ANNOTATION } from './start-delay.js';
export { livePodProcesses } from './pod-processes.js';
export type { KubeletLogger } from './context.js';
