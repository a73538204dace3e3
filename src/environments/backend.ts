import type { ForwardTarget } from '../proxy/forwarder.js';
import type { Environment } from './environment.js';

/**
 * What a route leads to: the environment whose phase and activity the request follows, and the
 * origin its requests are sent to. One environment can have several backends — on Kubernetes in
 * `direct` mode each Service an Ingress names is its own — while phase, holds and activity stay the
 * environment's.
 */
export interface Backend extends ForwardTarget {
  readonly env: Environment;
}

/** A backend with one origin for its whole life: static and local environments, ingress mode. */
export class FixedBackend implements Backend {
  readonly environment: string;

  constructor(
    readonly env: Environment,
    readonly origin: string,
  ) {
    this.environment = env.id;
  }
}
