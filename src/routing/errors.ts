import type { RouteSpec } from './route-table.js';

/** A route as given to `RouteTable.build`: its position in the input, and the spec itself. */
export interface RouteRef {
  readonly index: number;
  readonly spec: RouteSpec<unknown>;
}

/**
 * Two routes claim the same host pattern and path prefix after normalization (case, trailing dot,
 * trailing slash). Carries both specs so the caller can name them in its own terms (environment,
 * Ingress object); the message names them by position and as written.
 */
export class RouteConflictError extends Error {
  readonly code = 'WAKEGATE_ROUTE_CONFLICT';
  override readonly name = 'RouteConflictError';
  readonly first: RouteRef;
  readonly second: RouteRef;

  constructor(first: RouteRef, second: RouteRef, host: string, pathPrefix: string) {
    super(
      `route conflict: host "${host}" path "${pathPrefix}" is declared twice, ` +
        `by route #${first.index} (${describe(first.spec)}) and route #${second.index} (${describe(second.spec)})`,
    );
    this.first = first;
    this.second = second;
  }
}

/** A route whose host pattern or path prefix is not valid; `field` says which. */
export class InvalidRouteError extends Error {
  readonly code = 'WAKEGATE_ROUTE_INVALID';
  override readonly name = 'InvalidRouteError';
  readonly route: RouteRef;
  readonly field: 'host' | 'pathPrefix';

  constructor(route: RouteRef, field: 'host' | 'pathPrefix') {
    const expected =
      field === 'host'
        ? 'an exact hostname or *.suffix, without port'
        : "a path starting with '/', without '?', '#', spaces or control characters";
    super(`route #${route.index} (${describe(route.spec)}): ${field} is not valid, expected ${expected}`);
    this.route = route;
    this.field = field;
  }
}

function describe(spec: RouteSpec<unknown>): string {
  return `host ${JSON.stringify(spec.host)} path ${JSON.stringify(spec.pathPrefix)}`;
}
