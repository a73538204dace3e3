#!/usr/bin/env node
/**
 * `wakegate serve | check-config | status | wake | sleep | logs | keep-awake` — the command line.
 * Prints to stdout/stderr itself; everything else logs through pino.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { controlCommand } from './cli/control-command.js';
import { keepAwakeCommand } from './cli/keep-awake-command.js';
import { logsCommand } from './cli/logs-command.js';
import { statusCommand } from './cli/status-command.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** With no `--config` and no `WAKEGATE_CONFIG`, `serve` runs the bundled demo. */
const DEMO_CONFIG = path.join(root, 'examples', 'demo.yaml');
/** A wake may take as long as `wake.timeout`; the commands that wait for one wait this long. */
const CONTROL_TIMEOUT_MS = 15 * 60_000;

const USAGE = `Usage: wakegate <command> [options]

Commands:
  serve [--config FILE]         run the proxy and the admin server
                                (no config and no WAKEGATE_CONFIG: the bundled demo, examples/demo.yaml)
  check-config [FILE]           validate a config file and print the effective config;
                                exit 1 listing every problem
  status [--json] [--watch] [--phase PHASE] [--search TEXT]
                                the environments: phase, last activity, when each sleeps, last wake,
                                replicas, who keeps it awake; --json: the API document;
                                --watch: keep the table current (with --json: one view a line per change);
                                --phase asleep|waking|awake|sleeping|failed, --search part of an id or host
  wake ENV [--token TOKEN]      wake an environment, showing each step, and wait until it is awake
  sleep ENV [--token TOKEN]     put an environment to sleep and wait until it is asleep
  logs ENV [--follow] [--lines N]
                                the output of a local environment's processes (the last 100 lines
                                kept, or N of them); --follow: then each new line until Ctrl-C
  keep-awake ENV DURATION [--by NAME] [--token TOKEN]
                                keep it awake for DURATION (30m, 4h, at most 168h) or until an
                                RFC 3339 time, then wake it if it is not awake (by: default user@host)
  keep-awake ENV --cancel [--token TOKEN]
                                withdraw the keep-awake wish

Every command but serve and check-config takes --admin URL (default WAKEGATE_ADMIN_URL, else
http://127.0.0.1:9090); writes take the token from --token or WAKEGATE_ADMIN_TOKEN.

Options:
  -h, --help                    show this help
  -v, --version                 print the version
`;

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  const [command, ...rest] = argv;
  try {
    return await run(command, rest, env);
  } catch (err) {
    // parseArgs' complaints (an unknown option, a missing value) are usage errors, not crashes.
    if (typeof (err as NodeJS.ErrnoException).code === 'string' && (err as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`wakegate: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}

async function run(command: string | undefined, rest: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  const admin = (values: { admin?: string | undefined }): string => values.admin ?? env.WAKEGATE_ADMIN_URL ?? 'http://127.0.0.1:9090';
  const out = { stdout: process.stdout, stderr: process.stderr };
  switch (command) {
    case 'serve':
      return runServe(rest, env);
    case 'check-config': {
      const { positionals, values } = parseArgs({ args: [...rest], allowPositionals: true, options: { config: { type: 'string', short: 'c' } } });
      const file = positionals[0] ?? values.config ?? env.WAKEGATE_CONFIG;
      const { checkConfigCommand } = await import('./config/check-command.js');
      return checkConfigCommand({ file, env, stdout: process.stdout, stderr: process.stderr });
    }
    case 'status': {
      const { values } = parseArgs({
        args: [...rest],
        options: { admin: { type: 'string' }, json: { type: 'boolean' }, watch: { type: 'boolean', short: 'w' }, phase: { type: 'string' }, search: { type: 'string', short: 'q' } },
      });
      const watch = values.watch ?? false;
      const status = (signal: AbortSignal): Promise<number> => statusCommand({ ...out, admin: admin(values), json: values.json ?? false, watch, phase: values.phase, search: values.search, env, signal });
      return watch ? untilInterrupted(status) : status(new AbortController().signal);
    }
    case 'wake':
    case 'sleep': {
      const { positionals, values } = parseArgs({ args: [...rest], allowPositionals: true, options: { admin: { type: 'string' }, token: { type: 'string' } } });
      return controlCommand({ ...out, action: command, id: positionals[0], admin: admin(values), token: values.token ?? env.WAKEGATE_ADMIN_TOKEN, timeoutMs: CONTROL_TIMEOUT_MS });
    }
    case 'logs': {
      const { positionals, values } = parseArgs({
        args: [...rest],
        allowPositionals: true,
        options: { admin: { type: 'string' }, follow: { type: 'boolean', short: 'f' }, lines: { type: 'string', short: 'n' } },
      });
      const follow = values.follow ?? false;
      const logs = (signal: AbortSignal): Promise<number> => logsCommand({ ...out, id: positionals[0], admin: admin(values), follow, lines: values.lines, signal });
      return follow ? untilInterrupted(logs) : logs(new AbortController().signal);
    }
    case 'keep-awake': {
      const { positionals, values } = parseArgs({
        args: [...rest],
        allowPositionals: true,
        options: { admin: { type: 'string' }, token: { type: 'string' }, by: { type: 'string' }, cancel: { type: 'boolean' } },
      });
      return keepAwakeCommand({
        ...out,
        id: positionals[0],
        duration: positionals[1],
        by: values.by,
        cancel: values.cancel ?? false,
        admin: admin(values),
        token: values.token ?? env.WAKEGATE_ADMIN_TOKEN,
        timeoutMs: CONTROL_TIMEOUT_MS,
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

/**
 * Runs a command that follows a stream until interrupted, with a signal that SIGINT and SIGTERM
 * abort, so it ends cleanly (its own exit code, timers cleared) instead of being killed mid-line.
 * Commands that end on their own keep Node's default: Ctrl-C stops them at once.
 */
async function untilInterrupted(command: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await command(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function runServe(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  const { values } = parseArgs({ args: [...args], options: { config: { type: 'string', short: 'c' } } });
  const configFile = values.config ?? env.WAKEGATE_CONFIG ?? DEMO_CONFIG;
  // Loaded here, not at the top: the commands that only talk to the admin API start in a fraction
  // of the time without the proxy, the providers and the Kubernetes client.
  const [{ serve }, { ConfigError }] = await Promise.all([import('./main.js'), import('./config/problems.js')]);
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

// A reader that goes away (`wakegate logs app | head`) is not an error: stop quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await main(process.argv.slice(2), process.env);
if (code !== null) process.exitCode = code;
