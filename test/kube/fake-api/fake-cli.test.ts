import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SHOP_MANIFEST } from './kubectl-support.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'test', 'kube', 'fake-cli.ts');

const dirs: string[] = [];
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): { output: () => string; exited: Promise<number | null>; child: ReturnType<typeof spawn> } {
  const child = spawn(TSX, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { output: () => output, exited, child };
}

async function waitFor(output: () => string, pattern: RegExp): Promise<RegExpMatchArray> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const match = pattern.exec(output());
    if (match !== null) return match;
    if (Date.now() > deadline) throw new Error(`no ${String(pattern)} in:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm run kube:fake', () => {
  it('serves seeded objects behind a token, prints the kubeconfig to export, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-cli-'));
    dirs.push(dir);
    const seed = join(dir, 'shop.yaml');
    writeFileSync(seed, SHOP_MANIFEST);
    const cli = run(['--port', '0', '--token', 'secret', '--seed', seed]);
    const [, url] = await waitFor(cli.output, /listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
    const [, kubeconfig] = await waitFor(cli.output, /export KUBECONFIG=(\S+)\n/);
    expect(cli.output()).toContain('seeded 2 objects');
    expect(readFileSync(kubeconfig!, 'utf8')).toContain('insecure-skip-tls-verify: true');
    expect((await fetch(`${url}/apis/apps/v1/namespaces/shop/deployments/web`)).status).toBe(401);
    const response = await fetch(`${url}/apis/apps/v1/namespaces/shop/deployments/web`, { headers: { authorization: 'Bearer secret' } });
    expect(await response.json()).toMatchObject({ kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(existsSync(kubeconfig!)).toBe(false);
  }, 30_000);

  it('rejects invalid arguments with a message and exit status 2', async () => {
    const badPort = run(['--port', 'eighty']);
    expect(await badPort.exited).toBe(2);
    expect(badPort.output()).toMatch(/--port must be an integer/);
    const unknown = run(['--verbose']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toMatch(/Unknown option '--verbose'/);
    const missingSeed = run(['--seed', '/nonexistent/seed.yaml']);
    expect(await missingSeed.exited).toBe(2);
    expect(missingSeed.output()).toMatch(/ENOENT/);
  }, 30_000);
});
