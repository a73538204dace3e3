/** Runs the real `kubectl` against a fake API server, with a written kubeconfig and a fresh cache directory (CONTRACT §14). */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeApiServer } from './server.js';

export interface KubectlResult { readonly code: number; readonly stdout: string; readonly stderr: string }

export interface Kubectl {
  /** Runs kubectl to completion; killed after `timeoutMs`. */
  run(args: readonly string[], timeoutMs?: number): Promise<KubectlResult>;
  /** Starts a long-running kubectl (e.g. `get -w`); `waitFor` resolves once stdout matches; `stop` kills it. */
  spawn(args: readonly string[]): { output(): string; waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>; stop(): void };
  /** Writes a manifest into the temporary directory and returns its path. */
  manifest(name: string, yaml: string): string;
  cleanup(): void;
}

export function kubectlFor(server: FakeApiServer): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), 'fake-api-kubectl-'));
  const kubeconfig = server.writeKubeconfig(dir);
  const base = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache')];
  const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig };
  const children = new Set<ReturnType<typeof spawn>>();
  return {
    run(args, timeoutMs = 15_000) {
      return new Promise((resolve) => {
        execFile('kubectl', [...base, ...args], { env, timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr });
        });
      });
    },
    spawn(args) {
      const child = spawn('kubectl', [...base, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
      child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
      child.on('exit', () => children.delete(child));
      return {
        output: () => output,
        waitFor(pattern, timeoutMs = 15_000) {
          return new Promise((resolve, reject) => {
            const deadline = Date.now() + timeoutMs;
            const check = (): void => {
              if (pattern.test(output)) resolve(output);
              else if (Date.now() > deadline) reject(new Error(`kubectl output did not match ${String(pattern)}:\n${output}`));
              else setTimeout(check, 20);
            };
            check();
          });
        },
        stop() { child.kill('SIGKILL'); },
      };
    },
    manifest(name, yaml) {
      const path = join(dir, name);
      writeFileSync(path, yaml);
      return path;
    },
    cleanup() {
      for (const child of children) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const SHOP_MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    wakegate.dev/enabled: "true"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: example.com/web:1
        ports:
        - containerPort: 8080
          name: http
        env:
        - name: MODE
          value: one
`;
