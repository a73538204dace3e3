/**
 * Leader election on a `coordination.k8s.io/v1` Lease, so that of several wakegate replicas only one
 * runs the sleeper (ARCHITECTURE §5). client-node has no helper for it; this is client-go's
 * algorithm (`tryAcquireOrRenew`, CONTRACT §7):
 *
 * 1. The leader renews with a PUT carrying the last resourceVersion it saw.
 * 2. Otherwise GET the Lease: 404 → create it naming ourselves.
 * 3. Another holder whose record changed less than `leaseDuration` ago (by *our* clock, when we saw
 *    it change — never by comparing its `renewTime` with our clock) → follow.
 * 4. Else take over with a PUT carrying the GET's resourceVersion, `leaseTransitions + 1`.
 * Concurrent candidates lose with 409 (Conflict on PUT, AlreadyExists on POST).
 *
 * A leader that cannot renew for `renewDeadline` (the API is away) stops leading at once, before
 * another replica can take the Lease over (`renewDeadline` < `leaseDuration`), so two sleepers never run.
 * Times are MicroTime with six fractional digits (a 3-digit `toISOString` is refused with 400).
 */
import { V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { KubeApiError, type KubeApi } from './kube-api.js';

export interface LeaderLeaseOptions {
  readonly api: KubeApi;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly logger: Logger;
  /** ms a Lease is valid without renewal. Default 15 s (client-go's default). */
  readonly leaseDuration?: number;
  /** ms the leader keeps trying to renew before it stops leading. Default 10 s. */
  readonly renewDeadline?: number;
  /** ms between attempts. Default 2 s. */
  readonly retryPeriod?: number;
  readonly onChange?: (leading: boolean) => void;
}

/**
 * The Lease spec as written and read. On read, client-node leaves MicroTime fields as strings
 * (CONTRACT §9); written back they stay strings with their six digits, and new times are
 * `V1MicroTime`s, which serialise with six.
 */
interface LeaseRecord {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: V1MicroTime;
  renewTime?: V1MicroTime;
  leaseTransitions?: number;
}

export class LeaderLease {
  readonly #o: Required<Omit<LeaderLeaseOptions, 'onChange'>> & Pick<LeaderLeaseOptions, 'onChange'>;
  #leading = false;
  /** resourceVersion of our last successful write (renewals are conditional on it). */
  #resourceVersion: string | null = null;
  #record: LeaseRecord | null = null;
  /** Our clock when we last saw the observed record change, and what it was. */
  #observedAt = 0;
  #observedKey = '';
  #lastRenew = 0;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #attempt: Promise<void> | null = null;

  constructor(options: LeaderLeaseOptions) {
    this.#o = { leaseDuration: 15_000, renewDeadline: 10_000, retryPeriod: 2_000, onChange: undefined, ...options };
  }

  get leading(): boolean {
    return this.#leading;
  }

  start(): void {
    if (this.#timer !== null || this.#stopped) return;
    const tick = (): void => {
      this.#attempt = this.#tryAcquireOrRenew().finally(() => {
        this.#attempt = null;
        if (!this.#stopped) this.#timer = setTimeout(tick, this.#o.retryPeriod);
      });
    };
    tick();
  }

  /** Stops trying; a leader releases the Lease (holder cleared) so another replica takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    await this.#attempt;
    if (this.#leading && this.#resourceVersion !== null) {
      const now = new V1MicroTime();
      const spec = { ...this.#record, holderIdentity: '', renewTime: now, leaseDurationSeconds: 1 };
      await this.#replace(spec, this.#resourceVersion).catch(() => undefined);
    }
    this.#setLeading(false);
  }

  async #tryAcquireOrRenew(): Promise<void> {
    const now = Date.now();
    try {
      if (this.#leading && this.#resourceVersion !== null && this.#record !== null) {
        try {
          await this.#write({ ...this.#record, renewTime: new V1MicroTime(now) }, this.#resourceVersion);
          return;
        } catch {
          // fall through to the GET path (a conflict means someone else wrote it)
        }
      }
      const lease = await this.#get();
      if (lease === null) {
        await this.#create(now);
        return;
      }
      const record = (lease.spec ?? {}) as LeaseRecord;
      const key = `${record.holderIdentity ?? ''}|${String(record.renewTime)}|${record.leaseTransitions ?? 0}`;
      if (key !== this.#observedKey) {
        this.#observedKey = key;
        this.#observedAt = now;
      }
      const holder = record.holderIdentity ?? '';
      const valid = holder !== '' && now < this.#observedAt + (record.leaseDurationSeconds ?? 15) * 1000;
      if (holder !== this.#o.identity && valid) {
        this.#setLeading(false);
        return;
      }
      const takingOver = holder !== this.#o.identity;
      const spec: LeaseRecord = {
        holderIdentity: this.#o.identity,
        leaseDurationSeconds: Math.ceil(this.#o.leaseDuration / 1000),
        acquireTime: takingOver ? new V1MicroTime(now) : record.acquireTime,
        renewTime: new V1MicroTime(now),
        leaseTransitions: (record.leaseTransitions ?? 0) + (takingOver && holder !== '' ? 1 : 0),
      };
      await this.#write(spec, lease.metadata?.resourceVersion ?? '');
    } catch (err) {
      if (this.#leading && Date.now() - this.#lastRenew > this.#o.renewDeadline) {
        this.#o.logger.warn({ err: (err as Error).message, lease: `${this.#o.namespace}/${this.#o.name}` }, 'could not renew the sleeper lease in time; no longer leading');
        this.#setLeading(false);
      } else if (!(err instanceof KubeApiError && err.code === 409)) {
        this.#o.logger.debug({ err: (err as Error).message }, 'sleeper lease attempt failed');
      }
    }
  }

  async #get(): Promise<{ spec?: unknown; metadata?: { resourceVersion?: string } } | null> {
    try {
      return await this.#o.api.call('get', this.#what(), () => this.#o.api.coordination.readNamespacedLease({ namespace: this.#o.namespace, name: this.#o.name }));
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 404) return null;
      throw err;
    }
  }

  async #create(now: number): Promise<void> {
    const spec: LeaseRecord = {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: Math.ceil(this.#o.leaseDuration / 1000),
      acquireTime: new V1MicroTime(now),
      renewTime: new V1MicroTime(now),
      leaseTransitions: 0,
    };
    const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.#o.name, namespace: this.#o.namespace }, spec };
    const created = await this.#o.api.call('create', this.#what(), () => this.#o.api.coordination.createNamespacedLease({ namespace: this.#o.namespace, body }));
    this.#won(spec, created.metadata?.resourceVersion ?? null);
  }

  async #write(spec: LeaseRecord, resourceVersion: string): Promise<void> {
    const written = await this.#replace(spec, resourceVersion);
    this.#won(spec, written.metadata?.resourceVersion ?? null);
  }

  #replace(spec: LeaseRecord, resourceVersion: string): Promise<{ metadata?: { resourceVersion?: string } }> {
    const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.#o.name, namespace: this.#o.namespace, resourceVersion }, spec };
    return this.#o.api.call('update', this.#what(), () => this.#o.api.coordination.replaceNamespacedLease({ namespace: this.#o.namespace, name: this.#o.name, body }));
  }

  #won(spec: LeaseRecord, resourceVersion: string | null): void {
    this.#record = spec;
    this.#resourceVersion = resourceVersion;
    this.#lastRenew = Date.now();
    this.#setLeading(true);
  }

  #setLeading(leading: boolean): void {
    if (leading === this.#leading) return;
    this.#leading = leading;
    if (!leading) this.#resourceVersion = null;
    this.#o.logger.info({ lease: `${this.#o.namespace}/${this.#o.name}`, identity: this.#o.identity }, leading ? 'leading: this replica runs the sleeper' : 'not leading: another replica runs the sleeper');
    this.#o.onChange?.(leading);
  }

  #what(): string {
    return `leases.coordination.k8s.io "${this.#o.name}" in namespace "${this.#o.namespace}"`;
  }
}
