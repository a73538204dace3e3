import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WakeFailure } from '../../../../src/providers/provider.js';
import { appEnvironment, freePort, get, isRunning, startedPid, starts, useProviders, waitFor } from './local-apps.js';

const provider = useProviders();
const never = (): AbortSignal => new AbortController().signal;

describe('waking a local environment', () => {
  it('starts the process and resolves once its port accepts connections', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port, { DELAY_MS: '300' })] });
    const steps: string[] = [];

    await local.wake('web', never(), (step) => steps.push(step));

    const pid = startedPid(steps);
    expect(await get(port, '/')).toEqual({ status: 200, body: `pid ${pid}\n` });
    expect(steps).toEqual([`starting: ${process.execPath} ${appEnvironment('web', port).command[1]}`, `started (pid ${pid})`, `waiting for 127.0.0.1:${port} to accept connections`, 'ready']);
  });

  it('resolves at once for an environment that is already up, starting nothing', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port)] });
    await local.wake('web', never(), () => undefined);
    const steps: string[] = [];

    await local.wake('web', never(), (step) => steps.push(step));

    expect(steps).toEqual([]);
    expect(starts(local, 'web')).toBe(1);
  });

  it('with an httpGet check, waits until the path answers 200, not just until the port accepts', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port, { HEALTH_AFTER_MS: '700' }, '/healthz')] });
    const steps: string[] = [];

    await local.wake('web', never(), (step) => steps.push(step));

    expect((await get(port, '/healthz')).status).toBe(200);
    expect(steps).toContain('waiting for GET /healthz to answer');
    expect(steps.at(-1)).toBe('ready');
  });

  it('starts exactly one process for 20 concurrent wakes, and resolves them all', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port, { DELAY_MS: '200' })] });
    const stepsOf = Array.from({ length: 20 }, () => [] as string[]);

    await Promise.all(stepsOf.map((steps) => local.wake('web', never(), (step) => steps.push(step))));

    expect(starts(local, 'web')).toBe(1);
    for (const steps of stepsOf) expect(steps.at(-1)).toBe('ready');
  });

  it('rejects as soon as the process exits before it is ready, with its exit code and last line', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port, { DELAY_MS: '200', EXIT_CODE: '3' })] });
    const began = performance.now();

    // The signal never aborts: only the exit itself can end this wake.
    const failure = await local.wake('web', never(), () => undefined).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(WakeFailure);
    expect(failure).toMatchObject({ stage: 'process', message: 'the process exited with code 3; last output: "app: failing at start"' });
    expect(performance.now() - began).toBeLessThan(8_000);
  });

  it('rejects with the signal that killed a process before it was ready', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port, { DELAY_MS: '60000' })] });
    const steps: string[] = [];
    const wake = local.wake('web', never(), (step) => steps.push(step));
    await waitFor(() => steps.some((step) => step.startsWith('started')), 'the process to start');

    process.kill(startedPid(steps), 'SIGKILL');

    await expect(wake).rejects.toThrow(/^the process was killed by SIGKILL/);
  });

  it('rejects with a WakeFailure naming a command that does not exist', async () => {
    const local = provider({ environments: [{ ...appEnvironment('web', 9), command: ['wakegate-test-no-such-command', '--flag'] }] });

    const failure = await local.wake('web', never(), () => undefined).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(WakeFailure);
    expect(failure).toMatchObject({ stage: 'process', message: expect.stringContaining('"wakegate-test-no-such-command"') });
  });

  it('rejects with a WakeFailure for an environment it does not know', async () => {
    const local = provider({ environments: [] });

    await expect(local.wake('nope', never(), () => undefined)).rejects.toBeInstanceOf(WakeFailure);
  });

  it('is not disturbed by a progress listener that throws', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port)] });

    await local.wake('web', never(), () => {
      throw new Error('a broken listener');
    });

    expect((await get(port, '/')).status).toBe(200);
  });
});

describe('an aborted wake', () => {
  /** Stands in for the app's upstream: counts readiness probes and answers them as told. */
  let health: http.Server | null = null;
  afterEach(async () => {
    health?.closeAllConnections();
    await new Promise((resolve) => health?.close(resolve) ?? resolve(undefined));
    health = null;
  });

  it('rejects promptly with the abort reason, stops probing, and leaves the process for the next wake to join', async () => {
    let probes = 0;
    let status = 503;
    health = http.createServer((_req, res) => {
      probes++;
      res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => health!.listen(0, '127.0.0.1', resolve));
    const healthPort = (health.address() as AddressInfo).port;
    // The app itself never listens within the test; the probes go to the counting server.
    const env = { ...appEnvironment('web', await freePort(), { DELAY_MS: '60000' }, '/healthz'), upstream: `http://127.0.0.1:${healthPort}` };
    const local = provider({ environments: [env] });
    const controller = new AbortController();
    const steps: string[] = [];
    const wake = local.wake('web', controller.signal, (step) => steps.push(step));
    await waitFor(() => probes >= 3, 'a few probes');

    const reason = new Error('the deadline passed');
    const began = performance.now();
    controller.abort(reason);
    await expect(wake).rejects.toBe(reason);
    expect(performance.now() - began).toBeLessThan(1_000);

    // A probe already on the wire may still arrive; after that, silence.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const afterAbort = probes;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(probes).toBe(afterAbort);
    const pid = startedPid(steps);
    expect(isRunning(pid)).toBe(true);

    status = 200;
    const again: string[] = [];
    await local.wake('web', never(), (step) => again.push(step));
    expect(again).toEqual(['waiting for GET /healthz to answer', 'ready']);
    expect(starts(local, 'web')).toBe(1);
  });

  it('rejects at once when its signal is already aborted, starting nothing', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port)] });
    const controller = new AbortController();
    controller.abort(new Error('gone'));

    await expect(local.wake('web', controller.signal, () => undefined)).rejects.toThrow('gone');
    expect(local.output('web')).toEqual([]);
  });

  it('leaves a starting process that is reported down when it exits with nobody waking it', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port, { DELAY_MS: '60000' })] });
    const downs: [string, string][] = [];
    local.onDown((id, cause) => downs.push([id, cause]));
    const controller = new AbortController();
    const steps: string[] = [];
    const wake = local.wake('web', controller.signal, (step) => steps.push(step));
    await waitFor(() => starts(local, 'web') === 1, 'the app to start');
    controller.abort(new Error('client left'));
    await expect(wake).rejects.toThrow('client left');

    process.kill(startedPid(steps), 'SIGTERM');

    await waitFor(() => downs.length > 0, 'onDown');
    expect(downs).toEqual([['web', 'the process exited with code 0']]);
  });
});
