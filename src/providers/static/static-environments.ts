import type { ControlOutcome, EnvironmentView, EnvironmentsSource } from '../../admin/types.js';
import type { EnvironmentConfig } from '../../config/types.js';
import type { ForwardTarget } from '../../proxy/forwarder.js';
import type { RouteSpec } from '../../routing/route-table.js';

/**
 * Environments whose upstream is always up (an `upstream` with no `command`): always `awake`,
 * never woken, never put to sleep. Their routes come from the config file.
 */
export class StaticEnvironments implements EnvironmentsSource {
  readonly #environments: readonly EnvironmentConfig[];
  readonly #byName: ReadonlyMap<string, EnvironmentConfig>;

  constructor(environments: readonly EnvironmentConfig[]) {
    this.#environments = environments;
    this.#byName = new Map(environments.map((e) => [e.name, e]));
  }

  /** One route per host × path prefix; the target is shared by all routes of an environment. */
  routes(): RouteSpec<ForwardTarget>[] {
    const specs: RouteSpec<ForwardTarget>[] = [];
    for (const env of this.#environments) {
      const target: ForwardTarget = Object.freeze({ environment: env.name, origin: env.upstream });
      for (const host of env.hosts) {
        for (const pathPrefix of env.paths) specs.push({ host, pathPrefix, target });
      }
    }
    return specs;
  }

  list(): EnvironmentView[] {
    return this.#environments.map(view);
  }

  get(id: string): EnvironmentView | undefined {
    const env = this.#byName.get(id);
    return env === undefined ? undefined : view(env);
  }

  /** A static environment is always awake: waking it is done at once (wake is idempotent). */
  wake(id: string): Promise<ControlOutcome> {
    const current = this.get(id);
    if (current === undefined) return Promise.resolve({ done: false, status: 409, reason: `no environment "${id}"` });
    return Promise.resolve({ done: true, view: current });
  }

  /** Its upstream is not ours to stop: there is nothing to put to sleep. */
  sleep(id: string): Promise<ControlOutcome> {
    return Promise.resolve({ done: false, status: 409, reason: `"${id}" is a static environment: its upstream is always up and never put to sleep` });
  }
}

function view(env: EnvironmentConfig): EnvironmentView {
  return {
    id: env.name,
    phase: 'awake',
    kind: 'static',
    hosts: [...env.hosts],
    paths: [...env.paths],
    upstream: env.upstream,
    lastActivity: null,
    sleepsAt: null,
    awakeBecause: 'static environment: always awake',
  };
}
