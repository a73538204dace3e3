import net from 'node:net';

export interface RawExchange {
  /** Everything the server sent before closing (or before the idle timeout). */
  text: string;
  /** Status codes of every response head found in `text`, in order. */
  statuses: number[];
  /** Whether the server closed the connection (rather than the timeout ending the wait). */
  closed: boolean;
}

/**
 * Writes raw bytes to `port` and collects what comes back until the server closes the connection
 * or nothing arrives for `idleMs`. For requests no well-behaved client library would send.
 */
export function rawRequest(port: number, payload: string | Buffer | (string | Buffer)[], options: { idleMs?: number; host?: string } = {}): Promise<RawExchange> {
  const idleMs = options.idleMs ?? 300;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, options.host ?? '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ text, statuses: statusesOf(text), closed });
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(finish, idleMs);
    };
    socket.on('connect', () => {
      for (const part of Array.isArray(payload) ? payload : [payload]) socket.write(part);
      arm();
    });
    socket.on('data', (d) => {
      chunks.push(d);
      arm();
    });
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET') {
        closed = true;
        finish();
      } else reject(err);
    });
  });
}

export function statusesOf(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)) out.push(Number(m[1]));
  return out;
}
