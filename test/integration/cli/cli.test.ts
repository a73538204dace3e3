import net, { type AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../helpers/http-client.js';
import { ROOT, runCli, startWakegateProcess, writeConfig, type WakegateProcess } from '../../helpers/process.js';
import { TestUpstream } from '../../helpers/upstream.js';

let upstream: TestUpstream;
let wg: WakegateProcess;

beforeAll(async () => {
  upstream = await new TestUpstream().listen();
  wg = await startWakegateProcess({ environments: [{ name: 'app', hosts: ['app.test'], upstream: upstream.origin }, { name: 'docs', hosts: ['*.docs.test'], upstream: upstream.origin }] }, 180_000);
});

afterAll(async () => {
  wg.kill('SIGTERM');
  await wg.exited;
  await upstream.close();
});

describe('wakegate command line', () => {
  it('serves the proxy and the admin API from a config file', async () => {
    expect((await send({ port: wg.port, path: '/echo' })).status).toBe(200);
    expect((await send({ port: wg.adminPort, path: '/readyz' })).status).toBe(200);
  });

  it('runs as `npx wakegate serve --config FILE`', async () => {
    const file = writeConfig({ listen: '127.0.0.1:0', admin: { listen: '127.0.0.1:0' }, environments: [{ name: 'app', hosts: ['app.test'], upstream: upstream.origin }] });
    // Its own process group: npm exec does not pass SIGTERM on to the command it runs.
    const child = spawn('npx', ['--no-install', 'wakegate', 'serve', '--config', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const serving = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 40_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(out.includes('wakegate is serving'));
      });
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('wakegate is serving')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
    });
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
    expect(serving, `npx wakegate did not serve:\n${out}${err}`).toBe(true);
  }, 60_000);

  it('lists every problem of a bad config, one per line, and exits 1 without a stack trace', async () => {
    const file = writeConfig({ listen: 'nowhere', wake: { timeout: '2 minutes' }, sleeep: { idleAfter: '5m' } });
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/3 problems/);
    expect(result.stderr).toContain('listen');
    expect(result.stderr).toContain('wake.timeout');
    expect(result.stderr).toContain('sleeep');
    expect(result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });

  it('refuses to serve a bad config, naming the problem, with exit code 1', async () => {
    const file = writeConfig({ listen: '127.0.0.1:0', admin: { listen: '127.0.0.1:0' }, environments: [{ name: 'app', hosts: ['app.test'], upstream: 'ftp://x' }] });
    const result = await runCli(['serve', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('environments[0].upstream');
  });

  it('says clearly when the proxy port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const file = writeConfig({ listen: `127.0.0.1:${port}`, admin: { listen: '127.0.0.1:0' } });
      const result = await runCli(['serve', '--config', file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/cannot listen.*EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });

  it('prints the environments as a table with `status`', async () => {
    const result = await runCli(['status', '--admin', `http://127.0.0.1:${wg.adminPort}`]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ENVIRONMENT\s+PHASE\s+LAST ACTIVITY\s+SLEEPS IN\s+LAST WAKE\s+REPLICAS\s+KEPT AWAKE\s+HOSTS$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['app', 'docs']);
    // Static environments: always awake, never sleep, no replicas of wakegate's.
    expect(lines[1]!.split(/\s{2,}/)).toEqual(['app', 'awake', expect.stringMatching(/^(-|\d+s ago)$/), '-', '-', '-', '-', 'app.test']);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['docs', 'awake', '-', '-', '-', '-', '-', '*.docs.test']);
  });

  it('prints the admin API document with `status --json`', async () => {
    const result = await runCli(['status', '--json', '--admin', `http://127.0.0.1:${wg.adminPort}`]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { environments: { id: string; phase: string }[] };
    expect(doc.environments.map((e) => [e.id, e.phase])).toEqual([
      ['app', 'awake'],
      ['docs', 'awake'],
    ]);
  });

  it('fails `status` clearly when the admin API cannot be reached', async () => {
    const result = await runCli(['status', '--admin', 'http://127.0.0.1:9']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach the admin API');
  });

  it('rejects an unknown command with usage and exit code 2', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: wakegate');
  });
});
