import path from 'node:path';
import { readEnvOverrides, type EnvOverride } from './env.js';
import { problemsFromIssues } from './issues.js';
import { isLoopbackHost } from './network.js';
import { ConfigError, type ConfigProblem } from './problems.js';
import { readConfigFile } from './read-file.js';
import { configSchema } from './schema.js';
import type { Config } from './types.js';

export interface LoadOptions {
  /** The YAML file; absent: defaults and `WAKEGATE_*` variables only. */
  readonly file?: string | undefined;
  /** Usually `process.env`; only `WAKEGATE_*` names are read. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface LoadedConfig {
  readonly config: Config;
  /** Non-fatal remarks worth showing at start (`check-config` prints them as `note: …`). */
  readonly notes: readonly string[];
  /** The file the config came from, or `null` when none was read. */
  readonly source: string | null;
}

/**
 * Builds the effective config: defaults, then the file, then `WAKEGATE_*` variables (which win).
 * Throws one `ConfigError` listing every problem found. When the file cannot be read or parsed, the
 * variables are still checked on their own, so their problems are not held back for a second run.
 * The result is deep-frozen.
 */
export function loadConfig(options: LoadOptions): LoadedConfig {
  const env = readEnvOverrides(options.env);
  const file = options.file === undefined ? { input: {}, problems: [], notes: [] } : readConfigFile(options.file);
  const fileUsable = file.input !== undefined;
  const input = withOverrides(fileUsable ? file.input : {}, env.overrides);
  const parsed = configSchema.safeParse(input, { reportInput: true });

  const problems: ConfigProblem[] = [...file.problems, ...env.problems];
  if (!parsed.success) {
    const found = problemsFromIssues(parsed.error.issues, input, env.overrides);
    problems.push(...(fileUsable ? found : found.filter((problem) => problem.source === 'env')));
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  const config: Config = resolveWorkingDirectories(parsed.data, options.file);
  return deepFreeze({ config, notes: [...file.notes, ...notesAbout(config)], source: options.file ?? null });
}

/**
 * A relative `cwd` of a local environment is relative to the config file's directory (as a compose
 * file's paths are), or to wakegate's working directory when no file is read, so a config works from
 * wherever wakegate is started; the effective config shows it absolute.
 */
function resolveWorkingDirectories(config: Config, file: string | undefined): Config {
  if (!config.environments.some((e) => e.cwd !== null && !path.isAbsolute(e.cwd))) return config;
  const base = file === undefined ? process.cwd() : path.dirname(path.resolve(file));
  return { ...config, environments: config.environments.map((e) => (e.cwd === null || path.isAbsolute(e.cwd) ? e : { ...e, cwd: path.resolve(base, e.cwd) })) };
}

/** Every default, no environments: a valid starting point for tests of other modules. */
export function defaultConfig(): Config {
  return deepFreeze(configSchema.parse({}));
}

function notesAbout(config: Config): string[] {
  const notes: string[] = [];
  if (config.admin.token === '' && !isLoopbackHost(config.admin.listen.host)) {
    notes.push('admin writes are refused: no admin.token is set and admin.listen is not loopback');
  }
  if (config.wake.maxHeldPerEnvironment > config.wake.maxHeldTotal) {
    notes.push('wake.maxHeldPerEnvironment is above wake.maxHeldTotal, so only the total limit applies');
  }
  return notes;
}

/** A copy of `base` with each override set at its path; sections missing from the file are created. */
function withOverrides(base: unknown, overrides: readonly EnvOverride[]): unknown {
  if (overrides.length === 0) return base;
  const root: unknown = structuredClone(base);
  for (const { path, value } of overrides) {
    let target = root;
    for (const segment of path.slice(0, -1)) {
      if (!isRecord(target)) break;
      target[segment] ??= {};
      target = target[segment];
    }
    // A section that is not a mapping is already a problem of the file; the override has nowhere to go.
    const leaf = path.at(-1);
    if (isRecord(target) && leaf !== undefined) target[leaf] = value;
  }
  return root;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
