/**
 * Type-strips a TypeScript entry file and every file it imports by relative path into `outDir`,
 * mirroring their paths under the repository root, so the result runs on plain `node`.
 *
 * Why: a process started with the tsx loader carries the loader's own worker thread (≈ 40 MB RSS on
 * Node 20), which would drown the memory figures of scenario (c). Stripping types with the TypeScript
 * compiler (transpileModule: no type check, like tsx) runs the same source with nothing added.
 * `outDir` must lie inside the repository so bare imports (lru-cache) resolve from its node_modules.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TypeScriptModule from 'typescript';

type TypeScript = typeof TypeScriptModule;

/** Returns the path of the compiled entry, or throws when TypeScript is not installed. */
export function transpileTree(entry: string, repoRoot: string, outDir: string): string {
  const ts = createRequire(path.join(repoRoot, 'package.json'))('typescript') as TypeScript;
  const pending = [path.resolve(entry)];
  const done = new Set<string>();
  while (pending.length > 0) {
    const source = pending.pop() as string;
    if (done.has(source)) continue;
    done.add(source);
    const text = readFileSync(source, 'utf8');
    const output = ts.transpileModule(text, {
      fileName: source,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        verbatimModuleSyntax: true,
        sourceMap: false,
      },
    }).outputText;
    const target = path.join(outDir, path.relative(repoRoot, source)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, output);
    for (const specifier of relativeImports(output)) {
      const resolved = path.resolve(path.dirname(source), specifier).replace(/\.js$/, '.ts');
      if (existsSync(resolved)) pending.push(resolved);
    }
  }
  return path.join(outDir, path.relative(repoRoot, entry)).replace(/\.ts$/, '.js');
}

/** Relative specifiers of static and dynamic imports and re-exports in emitted JavaScript. */
function relativeImports(code: string): string[] {
  const found: string[] = [];
  for (const match of code.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    if (match[1] !== undefined) found.push(match[1]);
  }
  return found;
}
