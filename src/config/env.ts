import type { EnvKind } from './fields.js';
import type { ConfigProblem } from './problems.js';
import { redactedValue } from './problems.js';
import { configSchema } from './schema.js';
import { configFields } from './schema-walk.js';
import { closestMatch } from './suggest.js';

/**
 * `WAKEGATE_*` variables: every field of the schema is settable by `WAKEGATE_` + its path in upper snake
 * case (`wake.maxHeldPerEnvironment` → `WAKEGATE_WAKE_MAX_HELD_PER_ENVIRONMENT`). The names are derived
 * from the schema, so a new key gets its variable (and its line in the docs) without a second list.
 */

const PREFIX = 'WAKEGATE_';

/** Names the config file; read by the caller that decides which file to load, not an override. */
export const CONFIG_FILE_VARIABLE = 'WAKEGATE_CONFIG';

/**
 * Variables under the prefix that are not config keys, so they are not "unknown": the config file, and
 * the admin URL the CLI's client commands (`wakegate status`) use, which may well be set in the same shell.
 */
export const NON_CONFIG_VARIABLES: ReadonlySet<string> = new Set([CONFIG_FILE_VARIABLE, 'WAKEGATE_ADMIN_URL']);

/**
 * Kubernetes injects service-link variables for every Service in the pod's namespace: a Service
 * named `wakegate` yields `WAKEGATE_SERVICE_HOST`, `WAKEGATE_SERVICE_PORT[_NAME]`, `WAKEGATE_PORT` and
 * `WAKEGATE_PORT_<n>_<PROTO>[_PROTO|_PORT|_ADDR]`; one named `wakegate-public`, the same under
 * `WAKEGATE_PUBLIC_`. They are not config and must not stop the pod. A name counts as a service link
 * only when its Service's `<NAME>_SERVICE_HOST` is present too, so a typo such as `WAKEGATE_ADMIN_PORT`
 * alone is still reported.
 */
const SERVICE_LINK = /^(WAKEGATE(?:_[A-Z0-9]+)*?)_(?:SERVICE_HOST|SERVICE_PORT(?:_[A-Z0-9_]+)?|PORT(?:_\d+_(?:TCP|UDP|SCTP)(?:_(?:PROTO|PORT|ADDR))?)?)$/;

export function isServiceLinkVariable(name: string, env: Readonly<Record<string, string | undefined>>): boolean {
  const match = SERVICE_LINK.exec(name);
  if (match === null) return false;
  return env[`${match[1]!}_SERVICE_HOST`] !== undefined;
}

export interface EnvVariable {
  readonly name: string;
  readonly path: readonly string[];
  readonly kind: EnvKind;
}

export function envVariableName(path: readonly string[]): string {
  return PREFIX + path.map((segment) => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

function deriveVariables(): readonly EnvVariable[] {
  const variables = configFields(configSchema).map(({ path, doc }) => ({ name: envVariableName(path), path, kind: doc.envKind }));
  const names = new Set<string>(NON_CONFIG_VARIABLES);
  for (const variable of variables) {
    if (names.has(variable.name)) throw new Error(`two config keys map to the variable ${variable.name}`);
    names.add(variable.name);
  }
  return variables;
}

export const ENV_VARIABLES: readonly EnvVariable[] = deriveVariables();
const BY_NAME = new Map(ENV_VARIABLES.map((variable) => [variable.name, variable]));

/** The config file named by the environment, if any. */
export function configFileFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const file = env[CONFIG_FILE_VARIABLE];
  return file === undefined || file === '' ? undefined : file;
}

/** A variable's value, already turned into what the schema parses at `path`. */
export interface EnvOverride {
  readonly variable: string;
  readonly path: readonly string[];
  readonly raw: string;
  readonly value: unknown;
}

export interface EnvReading {
  readonly overrides: readonly EnvOverride[];
  readonly problems: readonly ConfigProblem[];
}

/**
 * Reads every `WAKEGATE_*` variable. Unknown names are problems (a typo must not be ignored). Values are
 * converted by the field's kind; a value that does not convert is passed on as the string, so the schema
 * reports it with the same "expected …" as the file would.
 */
export function readEnvOverrides(env: Readonly<Record<string, string | undefined>>): EnvReading {
  const overrides: EnvOverride[] = [];
  const problems: ConfigProblem[] = [];
  for (const name of Object.keys(env).sort()) {
    const raw = env[name];
    if (!name.startsWith(PREFIX) || NON_CONFIG_VARIABLES.has(name) || raw === undefined || isServiceLinkVariable(name, env)) continue;
    const variable = BY_NAME.get(name);
    if (variable === undefined) {
      const guess = closestMatch(name, [...BY_NAME.keys(), ...NON_CONFIG_VARIABLES]);
      const expected = guess === null ? 'a known WAKEGATE_* variable (see docs/configuration.md)' : `a known WAKEGATE_* variable: did you mean ${guess}?`;
      problems.push({ key: name, value: redactedValue(raw, [], [name, guess ?? '']), expected, source: 'env' });
      continue;
    }
    const converted = convert(variable.kind, raw);
    if (converted.ok) overrides.push({ variable: name, path: variable.path, raw, value: converted.value });
    else problems.push({ key: name, value: redactedValue(raw, variable.path, [name]), expected: converted.expected, source: 'env' });
  }
  return { overrides, problems };
}

type Converted = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly expected: string };

const NUMBER = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

function convert(kind: EnvKind, raw: string): Converted {
  switch (kind) {
    case 'string':
      return { ok: true, value: raw };
    case 'number':
      return { ok: true, value: NUMBER.test(raw) ? Number(raw) : raw };
    case 'boolean': {
      const lower = raw.trim().toLowerCase();
      return { ok: true, value: lower === 'true' ? true : lower === 'false' ? false : raw };
    }
    case 'list':
      if (raw.trim().startsWith('[')) return parseJson(raw, 'a JSON array of strings or a comma-separated list');
      return { ok: true, value: raw.split(',').map((item) => item.trim()).filter((item) => item !== '') };
    case 'json':
      return parseJson(raw, 'a JSON array');
  }
}

function parseJson(raw: string, expected: string): Converted {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (error) {
    return { ok: false, expected: `${expected} (${(error as Error).message})` };
  }
}
