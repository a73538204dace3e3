import type { ServerResponse } from 'node:http';
import type { EnvironmentsSource, FleetChange } from './types.js';

export interface FleetStreamOptions {
  /** `?env=ID`: only this environment's changes, with its wake steps; no summary. */
  readonly only: string | null;
  readonly heartbeatMs?: number;
  readonly summaryMs?: number;
  /** Least time between two views of one environment. */
  readonly coalesceMs?: number;
}

/** Frames held for a client that does not read; beyond this it is cut off rather than buffered for. */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * `GET /api/v1/events`: server-sent events of every environment change (docs/admin-api.md, "Events").
 *
 * An environment's changes are coalesced: its view goes out at most every `coalesceMs` (250 ms),
 * the latest one winning, so a wake with many steps or a sync of thousands of namespaces sends one
 * view per environment rather than one per event. A client that stops reading is cut off once 1 MiB
 * is waiting for it. Returns the function that ends the stream (also called when the client goes).
 */
export function streamFleetEvents(res: ServerResponse, environments: EnvironmentsSource, options: FleetStreamOptions): () => void {
  const coalesceMs = options.coalesceMs ?? 250;
  const due = new Set<string>();
  const removed = new Set<string>();
  let flushTimer: NodeJS.Timeout | null = null;
  let ended = false;

  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  const write = (text: string): void => {
    if (ended) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) return stop(true);
    res.write(text);
  };

  const flush = (): void => {
    flushTimer = null;
    for (const id of removed) write(frame('removed', { id }));
    removed.clear();
    for (const id of due) {
      const view = environments.get(id);
      if (view !== undefined) write(frame('environment', view));
    }
    due.clear();
  };

  const onChange = (change: FleetChange): void => {
    if (options.only !== null && change.id !== options.only) return;
    if (change.type === 'progress') {
      if (options.only !== null) write(frame('progress', { id: change.id, step: change.step, at: new Date(change.at).toISOString() }));
      return;
    }
    if (change.type === 'removed') {
      due.delete(change.id);
      removed.add(change.id);
    } else {
      due.add(change.id);
    }
    flushTimer ??= setTimeout(flush, coalesceMs);
  };

  const sendSummary = (): void => write(frame('summary', environments.summary()));
  write('retry: 2000\n\n');
  if (options.only === null) sendSummary();
  else {
    const view = environments.get(options.only);
    if (view !== undefined) write(frame('environment', view));
  }
  const unsubscribe = environments.subscribe(onChange);
  const summaryTimer = options.only === null ? setInterval(sendSummary, options.summaryMs ?? 5_000) : null;
  const heartbeat = setInterval(() => write(': keep-alive\n\n'), options.heartbeatMs ?? 15_000);

  function stop(destroy = false): void {
    if (ended) return;
    ended = true;
    unsubscribe();
    if (flushTimer !== null) clearTimeout(flushTimer);
    if (summaryTimer !== null) clearInterval(summaryTimer);
    clearInterval(heartbeat);
    if (destroy) res.destroy();
    else if (!res.writableEnded) res.end();
  }
  res.once('close', () => stop());
  return () => stop();
}

/** `GET /api/v1/environments/{id}/logs?follow=1`: the kept lines, then each new one. */
export function streamLines(res: ServerResponse, kept: readonly string[], follow: (listener: (line: string) => void) => (() => void) | null): () => void {
  let ended = false;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
  const send = (line: string): void => {
    if (ended) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) return stop(true);
    res.write(frame('line', { line }));
  };
  res.write('retry: 2000\n\n');
  for (const line of kept) send(line);
  const unsubscribe = follow(send);
  const heartbeat = setInterval(() => !ended && res.write(': keep-alive\n\n'), 15_000);
  function stop(destroy = false): void {
    if (ended) return;
    ended = true;
    unsubscribe?.();
    clearInterval(heartbeat);
    if (destroy) res.destroy();
    else if (!res.writableEnded) res.end();
  }
  res.once('close', () => stop());
  return () => stop();
}

/** One SSE frame; JSON has no raw newline, so the data fits one `data:` line. */
function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
