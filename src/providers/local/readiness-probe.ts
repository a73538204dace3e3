import http from 'node:http';
import net from 'node:net';

/** One readiness check of an upstream; never rejects, never outlives its timeout or its signal. */
export interface ReadinessProbe {
  /** What the wake waits for, for the waiting page: "waiting for GET /healthz to answer". */
  readonly waitingFor: string;
  /**
   * `ready` when the upstream is ready; not on any failure, after `timeout`, or on abort.
   * `connected` as soon as its port accepted a connection (it is listening, ready or not).
   */
  check(timeout: number, signal: AbortSignal): Promise<ProbeResult>;
}

export interface ProbeResult {
  readonly ready: boolean;
  readonly connected: boolean;
}

/**
 * The probe of an environment: a TCP connect to its upstream when `httpGet` is null, else a GET of
 * that path that must answer 200–399 (3xx counts: an app that redirects `/` to a login page is up).
 * `upstream` is parsed once here, not per probe.
 */
export function readinessProbe(upstream: string, httpGet: string | null): ReadinessProbe {
  if (httpGet !== null && !httpGet.startsWith('/')) throw new Error(`the readiness path must start with "/": "${httpGet}"`);
  const url = new URL(upstream);
  const port = Number(url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : url.port);
  // URL keeps the brackets of an IPv6 host ("[::1]"); sockets want the bare address.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const address = `${url.hostname}:${port}`;
  if (httpGet === null) {
    return { waitingFor: `waiting for ${address} to accept connections`, check: (timeout, signal) => connects(host, port, timeout, signal) };
  }
  return { waitingFor: `waiting for GET ${httpGet} to answer`, check: (timeout, signal) => answers(host, port, httpGet, timeout, signal) };
}

function connects(host: string, port: number, timeout: number, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = bounded(timeout, signal, (ready) => {
      socket.destroy();
      resolve({ ready, connected: ready });
    });
    socket.once('connect', () => done(true));
    socket.on('error', () => done(false));
  });
}

function answers(host: string, port: number, path: string, timeout: number, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let connected = false;
    // No agent: a probe's connection is never reused, so none is left open between probes.
    const req = http.request({ host, port, path, method: 'GET', agent: false, headers: { 'user-agent': 'wakegate-readiness' } });
    req.once('socket', (socket) => socket.once('connect', () => (connected = true)));
    const done = bounded(timeout, signal, (ready) => {
      req.destroy();
      resolve({ ready, connected: connected || ready });
    });
    req.once('response', (res) => {
      res.on('error', () => undefined);
      res.resume();
      const status = res.statusCode ?? 0;
      done(status >= 200 && status < 400);
    });
    req.on('error', () => done(false));
    req.end();
  });
}

/**
 * Wraps a probe's completion: the first outcome wins, `timeout` and `signal` count as "not ready",
 * and the timer and abort listener are released whichever way it ends.
 */
function bounded(timeout: number, signal: AbortSignal, finish: (ready: boolean) => void): (ready: boolean) => void {
  let settled = false;
  const done = (ready: boolean): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    finish(ready);
  };
  const onAbort = (): void => done(false);
  const timer = setTimeout(onAbort, timeout);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  return done;
}
