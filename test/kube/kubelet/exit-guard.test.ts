import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alive, eventually } from './test-http.js';

// Pod processes never outlive the process that runs the kubelet, however it ends.

const CHILD = fileURLToPath(new URL('./exit-guard-child.ts', import.meta.url));

async function runChild(mode: 'exit' | 'wait'): Promise<{ pids: number[]; kill: () => void; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const exited = new Promise((resolve) => child.once('exit', resolve)).finally(() => clearTimeout(killer));
  const pids = await new Promise<number[]>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"pids"'));
      if (line !== undefined) resolve((JSON.parse(line) as { pids: number[] }).pids);
    });
    void exited.then(() => reject(new Error(`the child exited before printing its pods: ${out}`)));
  });
  return { pids, kill: () => child.kill('SIGKILL'), exited };
}

describe('pod processes outlive nothing', { timeout: 20_000 }, () => {
  it('are killed when the process running the kubelet exits without closing it', async () => {
    const { pids, exited } = await runChild('exit');
    expect(pids).toHaveLength(2);
    await exited;
    await eventually(() => !pids.some(alive), 'the pod processes to be gone', 3_000);
  });

  it('exit by themselves when the process running the kubelet is killed', async () => {
    const { pids, kill, exited } = await runChild('wait');
    expect(pids.every(alive)).toBe(true);
    kill();
    await exited;
    await eventually(() => !pids.some(alive), 'the orphaned pod processes to exit', 5_000);
  });
});
