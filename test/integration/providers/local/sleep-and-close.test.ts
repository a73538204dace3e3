import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WakeFailure } from '../../../../src/providers/provider.js';
import { ROOT, appEnvironment, capturingLogger, freePort, get, grandchildPid, isRunning, startedPid, useProviders, waitFor } from './local-apps.js';

const provider = useProviders();
const never = (): AbortSignal => new AbortController().signal;

describe('putting a local environment to sleep', () => {
  it('stops the whole process group, grandchild included, and reports no down', async () => {
    const port = await freePort();
    const { logger, lines } = capturingLogger();
    const local = provider({ logger, environments: [appEnvironment('web', port, { SPAWN_CHILD: '1' })] });
    const downs: string[] = [];
    local.onDown((_id, cause) => downs.push(cause));
    const steps: string[] = [];
    await local.wake('web', never(), (step) => steps.push(step));
    const pid = startedPid(steps);
    const grandchild = await grandchildPid(local, 'web');
    expect(isRunning(grandchild)).toBe(true);

    await local.sleep('web', 'idle for 15 minutes');

    expect(isRunning(pid)).toBe(false);
    expect(isRunning(grandchild)).toBe(false);
    expect(downs).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, component: 'local-provider', environment: 'web', reason: 'idle for 15 minutes' }));
  });

  it('resolves at once when nothing runs', async () => {
    const local = provider({ environments: [appEnvironment('web', await freePort())] });

    await local.sleep('web', 'asked by the API');

    expect(local.output('web')).toEqual([]);
  });

  it('kills a group that ignores SIGTERM once the stop grace has passed', async () => {
    const port = await freePort();
    const local = provider({ stopGrace: 600, environments: [appEnvironment('web', port, { IGNORE_SIGTERM: '1', SPAWN_CHILD: '1' })] });
    const steps: string[] = [];
    await local.wake('web', never(), (step) => steps.push(step));
    const grandchild = await grandchildPid(local, 'web');
    const began = performance.now();

    await local.sleep('web', 'idle');

    expect(performance.now() - began).toBeGreaterThanOrEqual(550);
    expect(isRunning(startedPid(steps))).toBe(false);
    expect(isRunning(grandchild)).toBe(false);
    expect(local.output('web')).toContain('app: ignoring SIGTERM');
  });

  it('rejects a wake in progress with a WakeFailure and stops its process', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port, { DELAY_MS: '60000' })] });
    const steps: string[] = [];
    const wake = local.wake('web', never(), (step) => steps.push(step));
    await waitFor(() => steps.some((step) => step.startsWith('started')), 'the process to start');

    const failure = wake.catch((err: unknown) => err);

    await local.sleep('web', 'asked by the API');

    expect(await failure).toBeInstanceOf(WakeFailure);
    expect(isRunning(startedPid(steps))).toBe(false);
  });

  it('can be followed by a wake that starts the process again', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port)] });
    const first: string[] = [];
    await local.wake('web', never(), (step) => first.push(step));
    await local.sleep('web', 'idle');
    const second: string[] = [];

    await local.wake('web', never(), (step) => second.push(step));

    expect(startedPid(second)).not.toBe(startedPid(first));
    expect(await get(port, '/')).toEqual({ status: 200, body: `pid ${startedPid(second)}\n` });
  });
});

describe('a process that exits by itself', () => {
  it('after it was ready, calls every onDown listener with the cause, and the next wake starts it again', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port)] });
    const downs: [string, string][] = [];
    local.onDown(() => {
      throw new Error('a broken listener');
    });
    local.onDown((id, cause) => downs.push([id, cause]));
    const first: string[] = [];
    await local.wake('web', never(), (step) => first.push(step));

    await get(port, '/exit?code=3');

    await waitFor(() => downs.length > 0, 'onDown');
    expect(downs).toEqual([['web', 'the process exited with code 3']]);
    const second: string[] = [];
    await local.wake('web', never(), (step) => second.push(step));
    expect(startedPid(second)).not.toBe(startedPid(first));
    expect((await get(port, '/')).body).toBe(`pid ${startedPid(second)}\n`);
  });

  it('takes down what is left of its group, so no orphan keeps the port', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port, { SPAWN_CHILD: '1' })] });
    const downs: string[] = [];
    local.onDown((_id, cause) => downs.push(cause));
    await local.wake('web', never(), () => undefined);
    const grandchild = await grandchildPid(local, 'web');

    await get(port, '/exit?code=0');

    await waitFor(() => downs.length > 0, 'onDown');
    await waitFor(() => !isRunning(grandchild), 'the grandchild to be stopped');
  });
});

describe('closing the provider', () => {
  it('stops every process it started, grandchildren included, and removes its exit handler', async () => {
    const [webPort, apiPort] = [await freePort(), await freePort()];
    const exitListeners = process.listenerCount('exit');
    const local = provider({ environments: [appEnvironment('web', webPort, { SPAWN_CHILD: '1' }), appEnvironment('api', apiPort, { IGNORE_SIGTERM: '1' })], stopGrace: 500 });
    const web: string[] = [];
    const api: string[] = [];
    await Promise.all([local.wake('web', never(), (step) => web.push(step)), local.wake('api', never(), (step) => api.push(step))]);
    const pids = [startedPid(web), startedPid(api), await grandchildPid(local, 'web')];
    expect(pids.map(isRunning)).toEqual([true, true, true]);
    expect(process.listenerCount('exit')).toBe(exitListeners + 1);

    await local.close();

    expect(pids.map(isRunning)).toEqual([false, false, false]);
    expect(process.listenerCount('exit')).toBe(exitListeners);
    await expect(local.wake('web', never(), () => undefined)).rejects.toBeInstanceOf(WakeFailure);
  });

  it('rejects a wake in progress with a WakeFailure', async () => {
    const local = provider({ environments: [appEnvironment('web', await freePort(), { DELAY_MS: '60000' })] });
    const steps: string[] = [];
    const wake = local.wake('web', never(), (step) => steps.push(step));
    await waitFor(() => steps.some((step) => step.startsWith('started')), 'the process to start');

    const failure = wake.catch((err: unknown) => err);

    await local.close();

    expect(await failure).toBeInstanceOf(WakeFailure);
    expect(isRunning(startedPid(steps))).toBe(false);
  });
});

describe('wakegate exiting without closing the provider', () => {
  it('kills every process group it started on the way out', async () => {
    const port = await freePort();
    const providerUrl = pathToFileURL(path.join(ROOT, 'src/providers/local/local-provider.ts')).href;
    // A wakegate stand-in: wakes an environment, prints the pids, and exits without close().
    const script = `
      import { pino } from 'pino';
      import { LocalProvider } from ${JSON.stringify(providerUrl)};
      const local = new LocalProvider({ logger: pino({ level: 'silent' }), environments: [${JSON.stringify(appEnvironment('web', port, { SPAWN_CHILD: '1' }))}] });
      const steps = [];
      await local.wake('web', new AbortController().signal, (step) => steps.push(step));
      while (!local.output('web').some((line) => line.startsWith('grandchild pid'))) await new Promise((r) => setTimeout(r, 20));
      const pid = Number(/pid (\\d+)/.exec(steps.find((s) => s.startsWith('started')))[1]);
      const grandchild = Number(/pid (\\d+)/.exec(local.output('web').find((l) => l.startsWith('grandchild pid')))[1]);
      console.log(JSON.stringify({ pid, grandchild }));
      process.exit(0);
    `;
    const stand = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    stand.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    stand.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => stand.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((resolve) => stand.once('close', resolve));
    clearTimeout(killer);

    expect(code, stderr).toBe(0);
    const { pid, grandchild } = JSON.parse(stdout) as { pid: number; grandchild: number };
    await waitFor(() => !isRunning(pid) && !isRunning(grandchild), 'the app and its grandchild to be killed', 5_000);
  });
});
