import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.js';

/** A destination that keeps every JSON line written to it. */
function memory(): { stream: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = (): string => chunks.join('');
  const lines = (): Record<string, unknown>[] =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines, text };
}

const SECRET = 's3cr3t-admin-token';

describe('createLogger', () => {
  it('writes JSON lines named wakegate with an ISO time and the level', () => {
    const out = memory();
    const logger = createLogger({ level: 'info', destination: out.stream });
    logger.child({ component: 'proxy' }).info({ env: 'shop' }, 'cold start: ready');
    logger.debug('below the level');
    const [line, ...rest] = out.lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ name: 'wakegate', level: 30, component: 'proxy', env: 'shop', msg: 'cold start: ready' });
    expect(new Date(line!.time as string).toISOString()).toBe(line!.time);
  });

  it('adds base fields to every line', () => {
    const out = memory();
    createLogger({ level: 'info', destination: out.stream, base: { replica: 'a' } }).info('hello');
    expect(out.lines()[0]).toMatchObject({ replica: 'a', pid: process.pid });
  });

  it('redacts the admin token, any token field and authorization headers', () => {
    const out = memory();
    const logger = createLogger({ level: 'info', destination: out.stream });
    logger.info({ admin: { listen: '0.0.0.0:9090', token: SECRET } }, 'config');
    logger.info({ config: { admin: { token: SECRET } } }, 'effective config');
    logger.info({ token: SECRET, nested: { deeper: { token: SECRET } } }, 'tokens');
    logger.info({ req: { headers: { authorization: `Bearer ${SECRET}`, host: 'x' } } }, 'request');
    logger.info({ headers: { Authorization: `Bearer ${SECRET}` } }, 'capitalised');
    logger.child({ token: SECRET }).info('child bindings');

    expect(out.text()).not.toContain(SECRET);
    const [config, , , request] = out.lines();
    expect(config).toMatchObject({ admin: { listen: '0.0.0.0:9090', token: '[redacted]' } });
    expect(request).toMatchObject({ req: { headers: { authorization: '[redacted]', host: 'x' } } });
  });
});
