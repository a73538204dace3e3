/** A GET to a pod's own loopback address, for the kubelet's tests. */
import http from 'node:http';

export interface PodReply {
  readonly status: number;
  readonly body: string;
}

export function getFrom(ip: string, port: number, path = '/', host = 'app.test', timeoutMs = 3_000): Promise<PodReply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ip, port, path, headers: { host }, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${ip}:${port}${path} timed out`)));
    req.on('error', reject);
  });
}

/** Polls `check` every 20 ms until it is true, or fails naming `what`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Is `pid` alive (and not a zombie we could still reap)? */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
