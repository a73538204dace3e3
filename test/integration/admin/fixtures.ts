import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import { createAdminServer, type AdminServer, type ControlOutcome, type EnvironmentView } from '../../../src/admin/server.js';
import type { EnvironmentDetail, FleetChange, FleetSummary } from '../../../src/admin/types.js';
import { createLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request over a fresh connection (or `agent`'s), collecting the whole response. */
export function send(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; agent?: Agent } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export function view(id: string, overrides: Partial<EnvironmentView> = {}): EnvironmentView {
  return {
    id,
    phase: 'awake',
    kind: 'static',
    hosts: [`${id}.localhost`],
    upstream: 'http://127.0.0.1:3001',
    lastActivity: null,
    sleepsAt: null,
    awakeBecause: null,
    inFlight: 0,
    requests: 0,
    replicas: null,
    keepAwake: null,
    savings: { last24h: { asleepHours: 0, savedReplicaHours: 0, savedCost: null }, last7d: { asleepHours: 0, savedReplicaHours: 0, savedCost: null } },
    ...overrides,
  };
}

/** Hand-written fakes of the admin server's ports, with state the test can flip. */
export class FakeHealth {
  synced = false;
  draining = false;
  isSynced(): boolean {
    return this.synced;
  }
  isDraining(): boolean {
    return this.draining;
  }
}

export class FakeEnvironments {
  readonly views = new Map<string, EnvironmentView>();
  /** Every wake and sleep the API passed on, in order. */
  readonly calls: [action: 'wake' | 'sleep' | 'keep-awake', id: string][] = [];
  /** Ids whose sleep is refused, as a static environment's is. */
  readonly refuseSleep = new Set<string>();
  constructor(views: EnvironmentView[] = []) {
    for (const v of views) this.views.set(v.id, v);
  }
  list(): EnvironmentView[] {
    return [...this.views.values()];
  }
  get(id: string): EnvironmentView | undefined {
    return this.views.get(id);
  }
  wake(id: string): Promise<ControlOutcome> {
    this.calls.push(['wake', id]);
    return Promise.resolve({ done: true, view: this.views.get(id)! });
  }
  sleep(id: string): Promise<ControlOutcome> {
    this.calls.push(['sleep', id]);
    if (this.refuseSleep.has(id)) return Promise.resolve({ done: false, status: 409, reason: `${id} never sleeps` });
    return Promise.resolve({ done: true, view: this.views.get(id)! });
  }
  detail(id: string): EnvironmentDetail | undefined {
    const v = this.views.get(id);
    return v === undefined ? undefined : { ...v, events: [], wakes: [] };
  }
  keepAwake(id: string): Promise<ControlOutcome> {
    this.calls.push(['keep-awake', id]);
    return Promise.resolve({ done: true, view: this.views.get(id)! });
  }
  summary(): FleetSummary {
    const zero = { asleepHours: 0, savedReplicaHours: 0, savedCost: null };
    return { at: new Date(0).toISOString(), phases: { asleep: 0, waking: 0, awake: 0, sleeping: 0, failed: 0 }, held: 0, heldLimit: 100, savings: { last24h: zero, last7d: zero, currency: null, perReplicaHour: null }, wakeChart: [], heldChart: [] };
  }
  subscribe(_listener: (change: FleetChange) => void): () => void {
    return () => undefined;
  }
  output(): readonly string[] | null {
    return null;
  }
  followOutput(): (() => void) | null {
    return null;
  }
}

export interface Started {
  readonly admin: AdminServer;
  readonly port: number;
  readonly health: FakeHealth;
  readonly environments: FakeEnvironments;
  readonly metrics: Metrics;
  /** Everything the admin server logged, as text. */
  readonly logs: () => string;
}

export async function startAdmin(
  options: { token?: string; metrics?: Pick<Metrics, 'render'>; level?: string } = {},
): Promise<Started> {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const metrics = new Metrics({ perEnvironment: false, heldRequestsLimit: 100 });
  const health = new FakeHealth();
  const environments = new FakeEnvironments([view('shop'), view('blog', { phase: 'asleep' })]);
  const admin = createAdminServer({
    logger: createLogger({ level: options.level ?? 'debug', destination }),
    metrics: options.metrics ?? metrics,
    health,
    environments,
    token: options.token ?? '',
  });
  const { port } = await admin.listen('127.0.0.1', 0);
  return { admin, port, health, environments, metrics, logs: () => chunks.join('') };
}
