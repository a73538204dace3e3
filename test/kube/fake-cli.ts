/**
 * Runs the fake Kubernetes API server by hand:
 *   npm run kube:fake -- [--port N] [--token T] [--seed FILE.yaml ...]
 * Serves plain HTTP on 127.0.0.1 (port 0 = any free port), anonymous unless --token, seeds the
 * objects of the given multi-document YAML files, writes a kubeconfig into a temporary directory
 * and prints how to use it. SIGINT/SIGTERM stop it cleanly. Invalid arguments exit with status 2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedFromFiles } from './fake-api/seed.js';
import { startFakeApiServer } from './fake-api/server.js';
import { Store } from './fake-api/store.js';

const USAGE = 'usage: npm run kube:fake -- [--port N] [--token T] [--seed FILE.yaml ...] [--watch-timeout SECONDS]';

function fail(message: string): never {
  process.stderr.write(`kube:fake: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArguments(): { port: number; token: string | undefined; seeds: string[]; watchTimeoutSeconds: number | undefined } {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        token: { type: 'string' },
        seed: { type: 'string', multiple: true, default: [] },
        'watch-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) fail(`--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}`);
  if (values.token === '') fail('--token must not be empty');
  const watchTimeout = values['watch-timeout'];
  if (watchTimeout !== undefined && !/^[1-9]\d*$/.test(watchTimeout)) fail(`--watch-timeout must be a positive integer, got ${JSON.stringify(watchTimeout)}`);
  return { port, token: values.token, seeds: values.seed, watchTimeoutSeconds: watchTimeout === undefined ? undefined : Number(watchTimeout) };
}

const args = parseArguments();
const store = new Store();
const server = await startFakeApiServer({ port: args.port, store, ...(args.token === undefined ? {} : { token: args.token }), ...(args.watchTimeoutSeconds === undefined ? {} : { watchTimeoutSeconds: args.watchTimeoutSeconds }) })
  .catch((error: unknown) => fail(`cannot listen on 127.0.0.1:${args.port}: ${(error as Error).message}`));
try {
  const created = seedFromFiles(store, args.seeds);
  if (created > 0) process.stdout.write(`seeded ${created} objects\n`);
} catch (error) {
  await server.close();
  fail((error as Error).message);
}
const dir = mkdtempSync(join(tmpdir(), 'wakegate-kube-fake-'));
const kubeconfig = server.writeKubeconfig(dir);
process.stdout.write(`fake Kubernetes API server listening on ${server.url}\nexport KUBECONFIG=${kubeconfig}\n`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: stopping\n`);
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
