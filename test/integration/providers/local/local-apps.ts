import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { afterEach } from 'vitest';
import { LocalProvider, type LocalEnvironmentSpec, type LocalProviderOptions } from '../../../../src/providers/local/local-provider.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The steerable test app; see its header for the variables. */
export const APP = path.join(ROOT, 'test/fixtures/apps/app.mjs');

/** A loopback port that was free a moment ago: listen on 0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A local environment running the test app on `port`, steered by `env`. */
export function appEnvironment(name: string, port: number, env: Record<string, string> = {}, httpGet: string | null = null): LocalEnvironmentSpec {
  return {
    name,
    command: [process.execPath, APP],
    env: { PORT: String(port), ...env },
    cwd: null,
    upstream: `http://127.0.0.1:${port}`,
    ready: { httpGet },
  };
}

/** A pino logger whose JSON lines are kept in `lines`. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

/**
 * Providers built here are closed after each test, so no test leaves a process behind whatever it
 * asserted. The default logger keeps its lines (handy when a test fails) and prints nothing.
 */
export function useProviders(): (options: Partial<LocalProviderOptions> & Pick<LocalProviderOptions, 'environments'>) => LocalProvider {
  const made: LocalProvider[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((provider) => provider.close()));
  });
  return (options) => {
    const provider = new LocalProvider({ logger: capturingLogger().logger, stopGrace: 2_000, ...options });
    made.push(provider);
    return provider;
  };
}

/**
 * Whether `pid` is a running process. A zombie counts as gone: it runs nothing and holds no port,
 * and where no process reaps orphans (a container whose PID 1 does not), a killed grandchild stays a
 * zombie for good, so `kill(pid, 0)` alone would call it alive.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** Polls `condition` every 20 ms; rejects with `what` if it is still false after `timeout` ms. */
export async function waitFor(condition: () => boolean, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The pid a wake reported in its `started (pid N)` step. */
export function startedPid(steps: readonly string[]): number {
  for (const step of steps) {
    const match = /^started \(pid (\d+)\)$/.exec(step);
    if (match) return Number(match[1]);
  }
  throw new Error(`no "started" step in ${JSON.stringify(steps)}`);
}

/** The grandchild pid the test app printed (SPAWN_CHILD=1), once it is in the output. */
export async function grandchildPid(provider: LocalProvider, id: string): Promise<number> {
  const find = (): number | null => {
    for (const line of provider.output(id)) {
      const match = /^grandchild pid (\d+)$/.exec(line);
      if (match) return Number(match[1]);
    }
    return null;
  };
  await waitFor(() => find() !== null, 'the grandchild pid in the output');
  return find()!;
}

/** The body of GET `path` on loopback `port`, with its status. */
export async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.text() };
}

/** How many times the test app was started, from its "starting" lines in the output. */
export function starts(provider: LocalProvider, id: string): number {
  return provider.output(id).filter((line) => /^app \d+ starting$/.test(line)).length;
}
