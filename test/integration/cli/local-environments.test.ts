import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually, send } from '../../helpers/http-client.js';
import { freePort } from '../../helpers/ports.js';
import { ROOT, runCli, startWakegateProcess } from '../../helpers/process.js';

const APP = fileURLToPath(new URL('../../fixtures/apps/wake-app.mjs', import.meta.url));

/** Gone, or a zombie waiting for its parent to reap it: either way no longer running. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('local environments run by the wakegate process', () => {
  it('leaves no child process behind when wakegate gets SIGTERM', async () => {
    const port = await freePort();
    const wg = await startWakegateProcess({
      log: { level: 'info' },
      environments: [{ name: 'app', hosts: ['app.test'], upstream: `http://127.0.0.1:${port}`, command: [process.execPath, APP], env: { PORT: String(port) } }],
    });
    const reply = await send({ port: wg.port, path: '/' });
    expect(reply.status).toBe(200);
    const pid = reply.json<{ pid: number }>().pid;
    expect(isRunning(pid)).toBe(true);
    wg.kill('SIGTERM');
    expect(await wg.exited).toBe(0);
    await eventually(() => !isRunning(pid), 5_000, 'the environment process to be gone');
  });

  it('wakes and sleeps an environment from the command line', async () => {
    const port = await freePort();
    const wg = await startWakegateProcess({
      log: { level: 'info' },
      environments: [{ name: 'app', hosts: ['app.test'], upstream: `http://127.0.0.1:${port}`, command: [process.execPath, APP], env: { PORT: String(port) } }],
    });
    try {
      const admin = `http://127.0.0.1:${wg.adminPort}`;
      const woken = await runCli(['wake', 'app', '--admin', admin]);
      expect(woken.code).toBe(0);
      expect(woken.stdout).toMatch(/\napp is awake \(\d+\.\d s\)\n$/);
      const status = await runCli(['status', '--admin', admin]);
      expect(status.stdout).toMatch(/^app\s+awake\s+-\s+\d+m \d\ds\s+\d+\.\ds\s+1\/1\s+-\s+app\.test$/m);
      const slept = await runCli(['sleep', 'app', '--admin', admin]);
      expect(slept.code).toBe(0);
      expect(slept.stdout).toContain('app is asleep');
      const unknown = await runCli(['wake', 'nope', '--admin', admin]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('404');
    } finally {
      wg.kill('SIGTERM');
      await wg.exited;
    }
  });

  it('passes check-config with the bundled demo', async () => {
    const result = await runCli(['check-config', path.join(ROOT, 'examples', 'demo.yaml')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('name: slow');
    // The demo's relative cwd is resolved against examples/.
    expect(result.stdout).toContain(`cwd: ${path.join(ROOT, 'examples')}`);
  });
});
