import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OutputLines } from '../../../../src/providers/local/output-lines.js';
import { appEnvironment, freePort, useProviders, waitFor } from './local-apps.js';

const provider = useProviders();
const never = (): AbortSignal => new AbortController().signal;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the output of a local environment', () => {
  it('keeps the last N lines, oldest first', async () => {
    const port = await freePort();
    const local = provider({ outputLines: 5, environments: [appEnvironment('web', port, { LINES: '20' })] });

    await local.wake('web', never(), () => undefined);
    await waitFor(() => local.output('web').some((line) => line.includes('listening')), 'the listening line');

    const lines = local.output('web');
    expect(lines.slice(0, 4)).toEqual(['line 17', 'line 18', 'line 19', 'line 20']);
    expect(lines[4]).toMatch(/^app \d+ listening on 127\.0\.0\.1:\d+ after \d+ ms$/);
  });

  it('holds lines of stdout and stderr, without a trailing \\r', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port, { STDERR: 'a line on stderr', CRLF: '1' })] });

    await local.wake('web', never(), () => undefined);
    await waitFor(() => local.output('web').includes('a line on stderr'), 'the stderr line');

    expect(local.output('web')).toContain('a line ending in crlf');
  });

  it('outlives the process, so the output of a crash can still be read', async () => {
    const port = await freePort();
    const local = provider({ environments: [appEnvironment('web', port, { EXIT_CODE: '1' })] });

    await expect(local.wake('web', never(), () => undefined)).rejects.toThrow('exited with code 1');

    expect(local.output('web')).toContain('app: failing at start');
  });

  it('is empty for an environment it does not know', () => {
    const local = provider({ environments: [] });

    expect(local.output('nope')).toEqual([]);
  });
});

describe('output lines', () => {
  it('splits chunks into lines per stream, so two streams never splice into one line', async () => {
    const output = new OutputLines(10);
    const [stdout, stderr] = [new PassThrough(), new PassThrough()];
    output.follow(stdout);
    output.follow(stderr);

    for (const [stream, text] of [[stdout, 'hel'], [stderr, 'oops\r\n'], [stdout, 'lo\nwor']] as const) {
      stream.write(text);
      await tick();
    }
    stdout.end('ld');
    await once(stdout, 'end');

    expect(output.lines()).toEqual(['oops', 'hello', 'world']);
  });

  it('keeps a character split across two chunks whole', async () => {
    const output = new OutputLines(10);
    const stream = new PassThrough();
    output.follow(stream);
    const bytes = Buffer.from('héllo\n');

    stream.write(bytes.subarray(0, 2));
    stream.end(bytes.subarray(2));
    await once(stream, 'end');

    expect(output.lines()).toEqual(['héllo']);
  });

  it('wraps around, keeping the newest lines', () => {
    const output = new OutputLines(3);
    for (let i = 1; i <= 8; i++) output.add(`line ${i}`);

    expect(output.lines()).toEqual(['line 6', 'line 7', 'line 8']);
    expect(output.last()).toBe('line 8');
    expect(output.written).toBe(8);
  });
});
