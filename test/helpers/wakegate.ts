import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { stringify } from 'yaml';
import { serve, type Running } from '../../src/main.js';
import { withMatrix } from './matrix.js';

export interface StartedWakegate {
  readonly running: Running;
  readonly port: number;
  readonly adminPort: number;
  readonly url: string;
  readonly adminUrl: string;
  /** Log lines written so far, parsed. */
  logs(): Record<string, unknown>[];
  /** Exit codes the shutdown asked for. */
  readonly exits: number[];
  stop(): Promise<void>;
}

/**
 * Runs the real composition root in this process, from a YAML file written to a temp dir, on
 * loopback port 0 for both listeners.
 */
export async function startWakegate(config: Record<string, unknown>): Promise<StartedWakegate> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wakegate-test-'));
  const file = path.join(dir, 'wakegate.yaml');
  const full = {
    listen: '127.0.0.1:0',
    ...withMatrix(config),
    admin: { listen: '127.0.0.1:0', ...(config.admin as object | undefined) },
    log: { level: 'debug', ...(config.log as object | undefined) },
    shutdown: { grace: '2s', ...(config.shutdown as object | undefined) },
  };
  writeFileSync(file, stringify(full));
  const logStream = new PassThrough();
  const lines: string[] = [];
  let partial = '';
  logStream.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l.length > 0));
  });
  const exits: number[] = [];
  let resolveExit: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => (resolveExit = resolve));
  const running = await serve({
    configFile: file,
    env: {},
    exit: (code) => {
      exits.push(code);
      resolveExit();
    },
    installSignalHandlers: false,
    logDestination: logStream,
  });
  const port = running.proxyAddress.port;
  const adminPort = running.adminAddress.port;
  return {
    running,
    port,
    adminPort,
    url: `http://127.0.0.1:${port}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    exits,
    stop: async () => {
      if (!running.shutdown.started) running.shutdown.signal('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
