import type { z } from 'zod';
import type { EnvOverride } from './env.js';
import { formatPath, redactedValue, type ConfigProblem } from './problems.js';
import { configSchema } from './schema.js';
import { keysAt } from './schema-walk.js';
import { closestMatch } from './suggest.js';

/**
 * Turns zod's issues into problems that name what the user wrote: the file key or the `WAKEGATE_*`
 * variable it came from, the value as given, and the "expected …" text the schema carries.
 */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], input: unknown, overrides: readonly EnvOverride[]): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => unknownKey(issue.path, key, input, overrides));
    const expected = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return [locate(issue.path, input, overrides, expected, issue.input)];
  });
}

function unknownKey(parent: readonly PropertyKey[], key: string, input: unknown, overrides: readonly EnvOverride[]): ConfigProblem {
  const known = keysAt(configSchema, parent);
  const guess = closestMatch(key, known);
  const expected = guess !== null ? `a known key: did you mean ${guess}?` : `a known key (one of ${known.join(', ')})`;
  const problem = locate([...parent, key], input, overrides, expected, undefined);
  return { ...problem, value: redactedValue(problem.value, [...parent, key], guess === null ? [] : [guess]) };
}

function locate(path: readonly PropertyKey[], input: unknown, overrides: readonly EnvOverride[], expected: string, reported: unknown): ConfigProblem {
  const override = overrides.find((candidate) => candidate.path.every((segment, index) => path[index] === segment));
  const given = valueAt(input, path);
  if (override === undefined) {
    return { key: formatPath(path), value: redactedValue(given ?? reported, path), expected, source: 'file' };
  }
  const rest = path.slice(override.path.length);
  const value = rest.length === 0 ? override.raw : (given ?? reported);
  const key = override.variable + (rest.length === 0 ? '' : formatPath(rest).replace(/^(?=[^[])/, '.'));
  return { key, value: redactedValue(value, path, [override.variable]), expected, source: 'env' };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
