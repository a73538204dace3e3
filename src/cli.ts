#!/usr/bin/env node
/**
 * `wakegate serve | check-config | status | wake | sleep` — the command line. Prints to stdout/stderr itself;
 * everything else logs through pino.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkConfigCommand } from './config/check-command.js';
import { ConfigError } from './config/problems.js';
import { serve } from './main.js';
import { controlCommand } from './control-command.js';
import { statusCommand } from './status-command.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** With no `--config` and no `WAKEGATE_CONFIG`, `serve` runs the bundled demo. */
const DEMO_CONFIG = path.join(root, 'examples', 'demo.yaml');

const USAGE = `Usage: wakegate <command> [options]

Commands:
  serve [--config FILE]         run the proxy and the admin server
                                (no config and no WAKEGATE_CONFIG: the bundled demo, examples/demo.yaml)
  check-config [FILE]           validate a config file and print the effective config;
                                exit 1 listing every problem
  status [--admin URL] [--json] list environments through the admin API (default http://127.0.0.1:9090)
  wake ENV [--admin URL] [--token TOKEN]
                                wake an environment and wait until it is awake
  sleep ENV [--admin URL] [--token TOKEN]
                                put an environment to sleep
                                (token: --token or WAKEGATE_ADMIN_TOKEN; admin URL: WAKEGATE_ADMIN_URL)

Options:
  -h, --help                    show this help
  -v, --version                 print the version
`;

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServe(rest, env);
    case 'check-config': {
      const { positionals, values } = parseArgs({ args: [...rest], allowPositionals: true, options: { config: { type: 'string', short: 'c' } } });
      const file = positionals[0] ?? values.config ?? env.WAKEGATE_CONFIG;
      return checkConfigCommand({ file, env, stdout: process.stdout, stderr: process.stderr });
    }
    case 'status': {
      const { values } = parseArgs({ args: [...rest], options: { admin: { type: 'string' }, json: { type: 'boolean' } } });
      return statusCommand({ admin: values.admin ?? env.WAKEGATE_ADMIN_URL ?? 'http://127.0.0.1:9090', json: values.json ?? false, stdout: process.stdout, stderr: process.stderr });
    }
    case 'wake':
    case 'sleep': {
      const { positionals, values } = parseArgs({ args: [...rest], allowPositionals: true, options: { admin: { type: 'string' }, token: { type: 'string' } } });
      return controlCommand({
        action: command,
        id: positionals[0],
        admin: values.admin ?? env.WAKEGATE_ADMIN_URL ?? 'http://127.0.0.1:9090',
        token: values.token ?? env.WAKEGATE_ADMIN_TOKEN,
        timeoutMs: 15 * 60_000,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    }
    case '-v':
    case '--version':
      process.stdout.write(`${version()}\n`);
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`wakegate: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

async function runServe(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  const { values } = parseArgs({ args: [...args], options: { config: { type: 'string', short: 'c' } } });
  const configFile = values.config ?? env.WAKEGATE_CONFIG ?? DEMO_CONFIG;
  try {
    await serve({ configFile, env, exit: (code) => process.exit(code), installSignalHandlers: true });
    return null; // keeps running until a signal
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`wakegate: ${err.message}\n`);
      return 1;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      process.stderr.write(`wakegate: cannot listen: ${e.message}\n`);
      return 1;
    }
    throw err;
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const code = await main(process.argv.slice(2), process.env);
if (code !== null) process.exitCode = code;
