import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { ConfigProblem } from './problems.js';

export interface FileReading {
  /** The document as plain data, or `undefined` when the file could not be read or parsed. */
  readonly input: unknown;
  readonly problems: readonly ConfigProblem[];
  readonly notes: readonly string[];
}

const READ_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

/**
 * Reads and parses the YAML file. Every syntax error is a problem keyed `file:line:column`; its text is
 * yaml's message without the quoted source excerpt, which could contain a secret from the broken line.
 * Duplicate keys are syntax errors: the later one would silently win otherwise.
 */
export function readConfigFile(file: string): FileReading {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = READ_FAILURES[code] ?? (error as Error).message;
    return { input: undefined, problems: [{ key: 'file', value: file, expected: `a readable YAML file (${reason})`, source: 'file' }], notes: [] };
  }

  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error): ConfigProblem => {
      const at = error.linePos?.[0];
      const where = at === undefined ? file : `${file}:${at.line}:${at.col}`;
      return { key: where, value: error.message.split(/ at line \d+/)[0]?.trim(), expected: 'valid YAML', source: 'file' };
    });
    return { input: undefined, problems, notes: [] };
  }
  const notes = document.warnings.map((warning) => `${file}: ${warning.message.split('\n')[0] ?? ''}`);
  let input: unknown;
  try {
    input = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { input: undefined, problems: [{ key: 'file', value: file, expected: `valid YAML (${(error as Error).message})`, source: 'file' }], notes };
  }
  if (input === null || input === undefined) return { input: {}, problems: [], notes: [...notes, `${file} is empty: every key has its default`] };
  return { input, problems: [], notes };
}
