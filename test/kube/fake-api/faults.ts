/**
 * Fault switches for the fake API server. Each is observable on the wire the way the real failure
 * is: API down closes the listening socket and every connection (connections are refused) and
 * `up()` listens again on the same port; dropped watches have their sockets destroyed (not a clean
 * end); expired watches get the 200 + ERROR 410 event of CONTRACT §6; conflicts are the 409 of §7;
 * Forbidden is the 403 of §8; a hung request is read whole and never answered (an API server or a
 * proxy in front of it that stalls), until the client gives up. `reset()` turns every switch off.
 */
import type { ServerResponse } from 'node:http';
import type { Resource } from './resources.js';

export interface FailureFilter {
  /** Only requests with this method (e.g. 'PATCH'). */
  readonly method?: string;
  /** Only requests whose path matches (a substring, or a RegExp tested against the path). */
  readonly path?: string | RegExp;
}

interface Counted<T> { remaining: number; filter: T }

export interface ServerControl {
  stopListening(): Promise<void>;
  startListening(): Promise<void>;
  readonly openWatches: Set<ServerResponse>;
}

export class Faults {
  #delayMs = 0;
  #failures: Counted<FailureFilter>[] = [];
  #forbidden: { verb: string; resource: Resource; subresource: string | undefined }[] = [];
  #hung: FailureFilter[] = [];
  #expiredWatches = 0;
  #conflicts = 0;
  #down = false;
  readonly #control: ServerControl;

  constructor(control: ServerControl) {
    this.#control = control;
  }

  get isDown(): boolean { return this.#down; }
  get delayMs(): number { return this.#delayMs; }

  /** Stops accepting connections on the port (ECONNREFUSED) and cuts every open connection. */
  async down(): Promise<void> {
    if (this.#down) return;
    this.#down = true;
    await this.#control.stopListening();
  }

  /** Listens again on the same port. */
  async up(): Promise<void> {
    if (!this.#down) return;
    await this.#control.startListening();
    this.#down = false;
  }

  /** Delays every response by `ms` (0 turns it off). */
  slow(ms: number): void { this.#delayMs = Math.max(0, ms); }

  /** 500 InternalError for matching requests: the next `count`, or all until reset when `count` is omitted. */
  fail500(options: FailureFilter & { count?: number } = {}): void {
    const { count, ...filter } = options;
    this.#failures.push({ remaining: count ?? Number.POSITIVE_INFINITY, filter });
  }

  /** 403 Forbidden for one verb (get, list, watch, create, update, patch, delete; '*' for all) on a resource or subresource. */
  forbid(verb: string, resource: Resource, subresource?: string): void {
    this.#forbidden.push({ verb, resource, subresource });
  }

  /** Matching requests get no answer at all, until the client closes the connection; until reset. */
  hang(filter: FailureFilter = {}): void {
    this.#hung.push(filter);
  }

  /** Destroys the sockets of every open watch; returns how many were dropped. */
  dropWatches(): number {
    const open = [...this.#control.openWatches];
    for (const res of open) res.socket?.destroy();
    return open.length;
  }

  /** The next `count` watches answer with a single ERROR 410 Expired event. */
  expireNextWatches(count = 1): void { this.#expiredWatches += count; }

  /** The next `count` writes (POST, PUT, PATCH, DELETE) fail with 409 Conflict. */
  conflictNextWrites(count = 1): void { this.#conflicts += count; }

  async reset(): Promise<void> {
    this.#delayMs = 0;
    this.#failures = [];
    this.#forbidden = [];
    this.#hung = [];
    this.#expiredWatches = 0;
    this.#conflicts = 0;
    await this.up();
  }

  /** Consumes one 500 if a switch matches the request. */
  takeFailure(method: string, path: string): boolean {
    const match = this.#failures.find(({ filter, remaining }) => remaining > 0
      && (filter.method === undefined || filter.method.toUpperCase() === method)
      && (filter.path === undefined || (typeof filter.path === 'string' ? path.includes(filter.path) : filter.path.test(path))));
    if (match === undefined) return false;
    match.remaining -= 1;
    this.#failures = this.#failures.filter((f) => f.remaining > 0);
    return true;
  }

  /** Whether a `hang` switch matches the request. */
  hangs(method: string, path: string): boolean {
    return this.#hung.some((filter) => (filter.method === undefined || filter.method.toUpperCase() === method)
      && (filter.path === undefined || (typeof filter.path === 'string' ? path.includes(filter.path) : filter.path.test(path))));
  }

  isForbidden(verb: string, resource: Resource, subresource: string | undefined): boolean {
    return this.#forbidden.some((f) => (f.verb === '*' || f.verb === verb) && f.resource === resource && f.subresource === subresource);
  }

  takeExpiredWatch(): boolean {
    if (this.#expiredWatches === 0) return false;
    this.#expiredWatches -= 1;
    return true;
  }

  takeConflict(): boolean {
    if (this.#conflicts === 0) return false;
    this.#conflicts -= 1;
    return true;
  }
}
