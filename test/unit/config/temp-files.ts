import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch directory for config files written by a test; `remove()` in afterEach. */
export function scratchDirectory(): { readonly write: (name: string, text: string) => string; readonly remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wakegate-config-'));
  return {
    write: (name, text) => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
