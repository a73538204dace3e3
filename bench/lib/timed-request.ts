/**
 * One `GET /` over a fresh TCP connection, timed on the clock the cold-start app writes its listening
 * moment with (`performance.timeOrigin + performance.now()`, sub-millisecond, comparable between
 * processes of this machine). Used by scenario (d) for the single cold request through wakegate and
 * for the same app started by hand, where a refused connection is retried every `retryEveryMs` until
 * the app listens. Never rejects; bounded by `timeoutMs`.
 */
import net from 'node:net';

export const nowMs = (): number => performance.timeOrigin + performance.now();

export interface TimedRequestOptions {
  readonly address: string;
  readonly port: number;
  readonly hostHeader: string;
  readonly timeoutMs: number;
  /** Retry a refused connection after this many ms (null: a refusal is an error). */
  readonly retryEveryMs: number | null;
}

export interface TimedResponse {
  /** When the first connection attempt began. */
  readonly startedAt: number;
  readonly firstByteAt: number | null;
  readonly doneAt: number | null;
  readonly status: number | null;
  readonly body: string;
  /** Connection attempts (more than 1 only with retries). */
  readonly attempts: number;
  readonly error: string | null;
}

export function timedGet(options: TimedRequestOptions): Promise<TimedResponse> {
  const request = `GET / HTTP/1.1\r\nHost: ${options.hostHeader}\r\nUser-Agent: wakegate-bench\r\nConnection: close\r\n\r\n`;
  return new Promise((resolve) => {
    const startedAt = nowMs();
    let attempts = 0;
    let socket: net.Socket | null = null;
    let retryTimer: NodeJS.Timeout | null = null;
    let settled = false;
    let firstByteAt: number | null = null;
    const finish = (result: Omit<TimedResponse, 'startedAt' | 'attempts' | 'firstByteAt'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (retryTimer !== null) clearTimeout(retryTimer);
      socket?.destroy();
      resolve({ ...result, startedAt, attempts, firstByteAt });
    };
    const deadline = setTimeout(
      () => finish({ doneAt: null, status: null, body: '', error: `no complete answer within ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    const attempt = (): void => {
      retryTimer = null;
      attempts++;
      let buffer = '';
      const current = net.connect({ host: options.address, port: options.port, noDelay: true });
      socket = current;
      current.setEncoding('latin1');
      current.once('connect', () => current.write(request));
      current.on('data', (chunk: string) => {
        firstByteAt ??= nowMs();
        buffer += chunk;
        const parsed = parseResponse(buffer);
        if (parsed === null) return;
        if ('error' in parsed) return finish({ doneAt: null, status: null, body: '', error: parsed.error });
        finish({ doneAt: nowMs(), status: parsed.status, body: parsed.body, error: null });
      });
      current.on('error', (error: NodeJS.ErrnoException) => {
        if (settled || socket !== current) return;
        if (error.code === 'ECONNREFUSED' && firstByteAt === null && options.retryEveryMs !== null) {
          current.destroy();
          retryTimer = setTimeout(attempt, options.retryEveryMs);
          return;
        }
        finish({ doneAt: null, status: null, body: '', error: error.code ?? error.message });
      });
      current.on('close', () => {
        if (socket === current && retryTimer === null) {
          finish({ doneAt: null, status: null, body: '', error: 'connection closed before the response was complete' });
        }
      });
    };
    attempt();
  });
}

/** A complete response (status and body), an error, or null while incomplete. */
function parseResponse(buffer: string): { status: number; body: string } | { error: string } | null {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = buffer.slice(0, end);
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
  if (status === undefined) return { error: `unparsable response head ${JSON.stringify(head.slice(0, 40))}` };
  const body = buffer.slice(end + 4);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
  if (length !== undefined) return body.length >= Number(length) ? { status: Number(status), body: body.slice(0, Number(length)) } : null;
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return body.endsWith('0\r\n\r\n') ? { status: Number(status), body: dechunk(body) } : null;
  return { error: 'response without a length' };
}

function dechunk(body: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) return out;
    const size = parseInt(body.slice(at, lineEnd), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += body.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}
