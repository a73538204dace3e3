import type { Environment, EnvironmentEvent, EnvironmentPhase } from '../environments/environment.js';
import type { ProxyResponse } from '../proxy/exchange.js';

export interface EventStreamOptions {
  /** Interval of the `: keep-alive` comment that keeps idle proxies from closing the stream. Default 15 s. */
  readonly heartbeatMs?: number;
}

const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * No `content-length`: the server frames the body as chunked (or close-delimited for HTTP/1.0), so
 * each event leaves when written. `x-accel-buffering: no` asks an nginx in front not to hold it.
 */
const HEAD = ['content-type', 'text/event-stream; charset=utf-8', 'cache-control', 'no-store', 'x-accel-buffering', 'no'];

const HEARTBEAT = Buffer.from(': keep-alive\n\n');

/** How soon the browser reconnects after a dropped stream (the page counts failures itself). */
const RETRY_MS = 2_000;

/**
 * Frames held while the client does not drain. Events are few (a handful of steps per wake), so a
 * client this far behind is not reading at all: it is cut off rather than buffered for.
 */
const MAX_QUEUED = 64;

/**
 * Answers one events request: 200 `text/event-stream`, at once an `event: phase` with the current
 * phase (`{ phase, reason, at, waitingSince }`), then every event of `env` (`event: phase`, same
 * data; `event: progress`, `{ step, at }`), and a `: keep-alive` comment every `heartbeatMs`.
 *
 * The response ends right after an `awake` or `failed` phase — the page reloads on either — or
 * when the returned stop function is called, which the caller does when the client goes away. Every
 * exit unsubscribes from `env` and clears the heartbeat; stop is idempotent.
 *
 * Backpressure: while `write` reports the client behind, heartbeats are dropped and events are
 * queued (at most `MAX_QUEUED`, then the response is destroyed); the queue is written on drain.
 */
export function streamEnvironmentEvents(res: ProxyResponse, env: Environment, options: EventStreamOptions = {}): () => void {
  const queue: Buffer[] = [];
  let blocked = false;
  let done = false;
  let unsubscribe: (() => void) | null = null;
  let heartbeat: NodeJS.Timeout | null = null;

  const release = (): void => {
    done = true;
    queue.length = 0;
    unsubscribe?.();
    if (heartbeat !== null) clearInterval(heartbeat);
  };

  const flush = (): void => {
    if (done) return;
    blocked = false;
    while (queue.length > 0) {
      if (!write(queue.shift()!)) return;
    }
  };

  /** False when the client is behind (a drain is awaited) or the response is gone. */
  const write = (frame: Buffer): boolean => {
    if (res.write(frame)) return true;
    if (res.finished) {
      // Closed under us (client gone, connection abandoned) before anyone called stop.
      release();
      return false;
    }
    blocked = true;
    res.onceDrain(flush);
    return false;
  };

  const send = (frame: Buffer): void => {
    if (!blocked) {
      write(frame);
    } else if (queue.length < MAX_QUEUED) {
      queue.push(frame);
    } else {
      release();
      res.destroy();
    }
  };

  /** The last frame: whatever is queued goes with it in the final write (bounded by MAX_QUEUED). */
  const finish = (frame: Buffer): void => {
    const tail = queue.length === 0 ? frame : Buffer.concat([...queue, frame]);
    release();
    res.end(tail);
  };

  const onEvent = (event: EnvironmentEvent): void => {
    if (done) return;
    if (res.finished) return release();
    if (event.type === 'changed') return;
    if (event.type === 'progress') return send(frame('progress', { step: event.step, at: event.at }));
    const phase = frame('phase', phaseData(env, event.phase, event.reason, event.at));
    if (event.phase === 'awake' || event.phase === 'failed') finish(phase);
    else send(phase);
  };

  res.writeHead(200, undefined, HEAD);
  const first = frame('phase', phaseData(env, env.phase, env.reason, env.phaseSince), RETRY_MS);
  if (env.phase === 'awake' || env.phase === 'failed') {
    finish(first);
  } else {
    send(first);
    // A page loads after its wake began: the steps so far come first, so none is missed.
    if (env.phase === 'waking') for (const step of stepsOfCurrentWake(env)) send(frame('progress', step));
    if (!done) {
      unsubscribe = env.subscribe(onEvent);
      heartbeat = setInterval(() => {
        if (res.finished) release();
        else if (!blocked) send(HEARTBEAT);
      }, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
      // The open connection is what keeps the process busy, not this timer.
      heartbeat.unref();
    }
  }

  return () => {
    if (done) return;
    release();
    if (!res.finished) res.end();
  };
}

/**
 * `waitingSince`: when the wake the client waits on began — while waking, and for a failed wake
 * (which one it was); null otherwise, so a stale start from an earlier wake is never shown.
 */
function phaseData(env: Environment, phase: EnvironmentPhase, reason: string | null, at: number): object {
  const waking = phase === 'waking' || phase === 'failed';
  const waitingSince = waking ? (env.wakeStartedAt ?? (phase === 'waking' ? env.phaseSince : null)) : null;
  return { phase, reason, at, waitingSince };
}

/** The progress steps since the current wake began, from the environment's history, oldest first. */
function stepsOfCurrentWake(env: Environment): { step: string; at: number }[] {
  const steps: { step: string; at: number }[] = [];
  for (const event of env.history.events()) {
    if (event.type === 'phase' && event.phase === 'waking') steps.length = 0;
    else if (event.type === 'progress') steps.push({ step: event.step, at: event.at });
  }
  return steps;
}

/** One SSE frame. JSON never contains a raw CR or LF, so the data fits on one `data:` line. */
function frame(event: 'phase' | 'progress', data: object, retryMs?: number): Buffer {
  const retry = retryMs === undefined ? '' : `retry: ${retryMs}\n`;
  return Buffer.from(`${retry}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
