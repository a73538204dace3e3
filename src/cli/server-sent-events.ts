import { AdminAnswerError, problemDetail } from './admin-client.js';

/** One dispatched server-sent event: its type (`message` when the frame names none) and its data. */
export interface ServerSentEvent {
  readonly event: string;
  readonly data: string;
}

export interface EventStream {
  /** The events in the order they came; ends when the server ends the stream, throws when it drops. */
  readonly events: AsyncIterable<ServerSentEvent>;
  /** Ends the stream (the request is aborted); the iteration then ends quietly. */
  close(): void;
}

/** The admin API sends a comment every 15 s: a stream silent for longer than this is dead. */
const DEFAULT_IDLE_MS = 45_000;

/**
 * Opens a `text/event-stream` GET and resolves once the answer's head is in (on the admin API, the
 * subscription is in place from then on: no change after that moment is missed). Rejects with an
 * `AdminAnswerError` for an error answer, or with the network error. `signal` ends it all; a stream
 * with no byte for `idleMs` (no event nor keep-alive comment) is dropped as dead.
 */
export async function openEventStream(url: URL, options: { signal?: AbortSignal; headers?: Record<string, string>; idleMs?: number; connectMs?: number } = {}): Promise<EventStream> {
  const own = new AbortController();
  const signal = options.signal === undefined ? own.signal : AbortSignal.any([own.signal, options.signal]);
  const connectTimer = setTimeout(() => own.abort(new DOMException('no answer in time', 'TimeoutError')), options.connectMs ?? 10_000);
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'text/event-stream', ...options.headers }, signal });
  } finally {
    clearTimeout(connectTimer);
  }
  if (!res.ok) throw new AdminAnswerError(res.status, await problemDetail(res));
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('text/event-stream') || res.body === null) {
    own.abort();
    throw new AdminAnswerError(res.status, `expected an event stream, got ${type || 'no content type'}`);
  }
  const body = res.body;
  let closed = false;
  return {
    events: parse(body, own, options.idleMs ?? DEFAULT_IDLE_MS, () => closed || options.signal?.aborted === true),
    close: () => {
      closed = true;
      own.abort();
    },
  };
}

async function* parse(body: ReadableStream<Uint8Array>, own: AbortController, idleMs: number, ended: () => boolean): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let idle = setTimeout(() => own.abort(new Error(`nothing received for ${idleMs / 1000} s`)), idleMs);
  let buffer = '';
  let event = '';
  let data: string[] = [];
  try {
    for await (const chunk of body) {
      clearTimeout(idle);
      idle = setTimeout(() => own.abort(new Error(`nothing received for ${idleMs / 1000} s`)), idleMs);
      let text = buffer + decoder.decode(chunk, { stream: true });
      // CR, LF and CRLF all end a line; a CR at the end of a chunk may be the first half of a CRLF,
      // so it waits for the next chunk with the partial line.
      const held = text.endsWith('\r') ? '\r' : '';
      if (held !== '') text = text.slice(0, -1);
      const lines = text.split(/\r\n|\r|\n/);
      buffer = (lines.pop() ?? '') + held;
      for (const line of lines) {
        if (line === '') {
          if (data.length > 0) yield { event: event || 'message', data: data.join('\n') };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        // `id` and `retry` are not used: the commands reconnect on their own schedule.
      }
    }
  } catch (err) {
    if (ended()) return;
    const reason: unknown = own.signal.aborted ? own.signal.reason : err;
    throw reason instanceof Error ? reason : new Error(String(reason));
  } finally {
    clearTimeout(idle);
    own.abort();
  }
}
