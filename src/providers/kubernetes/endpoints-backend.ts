import type { Backend } from '../../environments/backend.js';
import type { Environment } from '../../environments/environment.js';

/**
 * `kubernetes.mode: direct`: requests go straight to the ready endpoints of the Service an Ingress
 * names (pod address and port, from its EndpointSlices), round-robin — as Knative's activator does.
 * Using the endpoints wakegate already watches, rather than the Service's virtual IP, means a request
 * released after a wake goes to a pod that is ready, not to a kube-proxy rule that may lag behind.
 *
 * The origins are replaced whole when the EndpointSlices change. With none ready (between a pod's
 * exit and the next EndpointSlice update) it falls back to the Service's cluster DNS name, which the
 * cluster resolves and balances itself.
 */
export class EndpointsBackend implements Backend {
  readonly environment: string;
  #origins: readonly string[] = [];
  #next = 0;

  constructor(
    readonly env: Environment,
    /** `http://web.shop.svc:80`: used while no endpoint is ready. */
    readonly fallback: string,
  ) {
    this.environment = env.id;
  }

  get origin(): string {
    const origins = this.#origins;
    if (origins.length === 0) return this.fallback;
    if (this.#next >= origins.length) this.#next = 0;
    return origins[this.#next++] as string;
  }

  get origins(): readonly string[] {
    return this.#origins;
  }

  update(origins: readonly string[]): void {
    this.#origins = origins;
  }
}
