import { configFileFromEnv } from './env.js';
import { formatConfig } from './format.js';
import { loadConfig } from './load.js';
import { ConfigError, describeProblems } from './problems.js';

export interface CheckConfigArgs {
  /** The file to check; absent: `WAKEGATE_CONFIG`, else defaults and variables only (what `serve` would see). */
  readonly file: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/**
 * `wakegate check-config FILE`: prints the effective config (token redacted) to stdout and each note to
 * stderr as `note: …`, and returns 0; or lists every problem on stderr and returns 1. Never a stack trace.
 */
export function checkConfigCommand(args: CheckConfigArgs): number {
  try {
    const loaded = loadConfig({ file: args.file ?? configFileFromEnv(args.env), env: args.env });
    args.stdout.write(formatConfig(loaded.config));
    for (const note of loaded.notes) args.stderr.write(`note: ${note}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) args.stderr.write(`wakegate: ${describeProblems(error.problems)}\n`);
    else args.stderr.write(`wakegate: could not check the config: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
