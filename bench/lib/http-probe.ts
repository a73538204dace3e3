/**
 * One-off HTTP requests used around measurements (never during one): readiness polling and the
 * pre-run probe that proves a path answers `200 hello world` before its figures are trusted.
 * Each request uses a fresh connection (`agent: false`) and has its own timeout; nothing here rejects.
 */
import { request } from 'node:http';
import type { ManagedProcess } from './processes.js';

export const HELLO_BODY = 'hello world\n';

export interface ProbeResult {
  readonly status: number | null;
  readonly body: string;
  readonly error: string | null;
}

export function probe(url: string, hostHeader: string | null, timeoutMs = 2_000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = hostHeader === null ? {} : { host: hostHeader };
    const req = request(url, { agent: false, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString('utf8'), error: null }));
      res.on('error', (error) => resolve({ status: res.statusCode ?? null, body: '', error: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ status: null, body: '', error: error.message }));
    req.end();
  });
}

/** Null when the path answers 200 with the hello body; otherwise why not, in words. */
export async function checkHello(url: string, hostHeader: string | null): Promise<string | null> {
  const result = await probe(url, hostHeader);
  if (result.error !== null) return `probe failed: ${result.error}`;
  if (result.status !== 200) return `probe answered ${result.status ?? 'nothing'}`;
  if (result.body !== HELLO_BODY) return `probe answered 200 with an unexpected body ${JSON.stringify(result.body.slice(0, 60))}`;
  return null;
}

/**
 * Polls `url` until it answers `expectStatus`, the process exits, or `timeoutMs` passes.
 * Returns null when ready, else the reason.
 */
export async function waitForStatus(
  url: string,
  options: { hostHeader?: string | null; expectStatus?: number; timeoutMs: number; process?: ManagedProcess },
): Promise<string | null> {
  const expect = options.expectStatus ?? 200;
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (options.process !== undefined && !options.process.running) {
      const exit = options.process.exitInfo;
      const how = exit?.signal ? `signal ${exit.signal}` : `code ${exit?.code ?? '?'}`;
      const tail = options.process.outputTail();
      return `exited with ${how}${tail ? `: ${tail}` : ''}`;
    }
    const result = await probe(url, options.hostHeader ?? null, 1_000);
    if (result.status === expect) return null;
    last = result.error ?? `status ${result.status ?? '?'}`;
    await sleep(50);
  }
  return `${url} did not answer ${expect} within ${options.timeoutMs} ms (last: ${last})`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
