/**
 * One thing wrong with the configuration. `key` is the dotted path in the file (`wake.timeout`,
 * `environments[1].hosts`) or, for a value that came from the environment, the variable's name
 * (`WAKEGATE_WAKE_TIMEOUT`, `WAKEGATE_ENVIRONMENTS[0].upstream`). `source` is `env` for those and `file`
 * otherwise (defaults included). `value` never holds a secret: see `redactedValue`.
 */
export interface ConfigProblem {
  readonly key: string;
  readonly value: unknown;
  readonly expected: string;
  readonly source: 'file' | 'env';
}

/** Every problem found, all at once; `message` lists them one per line. */
export class ConfigError extends Error {
  readonly code = 'WAKEGATE_CONFIG_INVALID';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(describeProblems(problems));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function describeProblems(problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [`config is invalid (${count}):`, ...problems.map((problem) => `  ${formatProblem(problem)}`)].join('\n');
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.key}: ${showValue(problem.value)} — expected ${problem.expected}`;
}

const LONGEST_VALUE = 120;

/** JSON, except for what JSON cannot say; long values are cut so one problem stays one line. */
export function showValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const json = JSON.stringify(value) ?? typeof value;
  return json.length > LONGEST_VALUE ? `${json.slice(0, LONGEST_VALUE - 1)}…` : json;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text === '' ? '(top level)' : text;
}

export const REDACTED = '<redacted>';

const SECRET_NAME = /token|secret|password|passwd|api[-_]?key|credential/i;
const TOKEN_PATH = ['admin', 'token'] as const;

/**
 * The value to show for a problem at `path`: secrets are replaced, so a typo next to a token
 * (`admin.tokn: s3cret`) or a malformed `admin` section cannot print it. Secrets are `admin.token`, the
 * `admin` section that contains it, and anything whose path or one of `names` (the variable, or the key
 * a typo was probably meant to be) looks like a secret.
 */
export function redactedValue(value: unknown, path: readonly PropertyKey[], names: readonly string[] = []): unknown {
  if (value === undefined || value === '') return value;
  const containsToken = path.length >= 1 && path.length <= TOKEN_PATH.length && path.every((segment, index) => segment === TOKEN_PATH[index]);
  const secretName = [...path, ...names].some((segment) => typeof segment === 'string' && SECRET_NAME.test(segment));
  return containsToken || secretName ? REDACTED : value;
}
