import { AdminAnswerError, environmentUrl, networkReason, problemDetail } from './admin-client.js';
import type { Output } from './output.js';
import { openEventStream, type EventStream } from './server-sent-events.js';

export interface LogsArgs extends Output {
  readonly id: string | undefined;
  readonly admin: string;
  readonly follow: boolean;
  /** `--lines N`: the last N kept lines (the API takes 1–1000 and answers 400 otherwise). */
  readonly lines: string | undefined;
  /** Ends `--follow` (SIGINT); the command then resolves 0. */
  readonly signal: AbortSignal;
}

/**
 * `wakegate logs ENV`: the output lines wakegate keeps of a local environment's processes
 * (`GET /api/v1/environments/{id}/logs`), oldest first; with `--follow`, those and then each new
 * line as it comes (the `?follow=1` event stream) until SIGINT. Exit 1 with the problem's detail
 * when the API refuses (404: no such environment; 409: not a local one), and when a followed stream
 * ends or drops: reconnecting would print the kept lines a second time.
 */
export async function logsCommand(args: LogsArgs): Promise<number> {
  if (args.id === undefined || args.id === '') {
    args.stderr.write('wakegate: usage: wakegate logs ENVIRONMENT [--follow] [--lines N] [--admin URL]\n');
    return 2;
  }
  const id = args.id;
  const url = environmentUrl({ admin: args.admin }, id, 'logs', { lines: args.lines, follow: args.follow ? '1' : undefined });
  const refused = (status: number, detail: string): number => {
    args.stderr.write(`wakegate: logs ${id}: ${status} ${detail}\n`);
    return 1;
  };
  if (!args.follow) {
    try {
      const res = await fetch(url, { signal: AbortSignal.any([args.signal, AbortSignal.timeout(10_000)]) });
      if (!res.ok) return refused(res.status, await problemDetail(res));
      args.stdout.write(await res.text());
      return 0;
    } catch (err) {
      if (args.signal.aborted) return 0;
      args.stderr.write(`wakegate: cannot reach the admin API at ${url.href}: ${networkReason(err)}\n`);
      return 1;
    }
  }
  let stream: EventStream;
  try {
    stream = await openEventStream(url, { signal: args.signal });
  } catch (err) {
    if (args.signal.aborted) return 0;
    if (err instanceof AdminAnswerError) return refused(err.status, err.detail);
    args.stderr.write(`wakegate: cannot reach the admin API at ${url.href}: ${networkReason(err)}\n`);
    return 1;
  }
  let reason = 'the server ended it';
  try {
    for await (const event of stream.events) {
      if (event.event === 'line') args.stdout.write(`${(JSON.parse(event.data) as { line: string }).line}\n`);
    }
  } catch (err) {
    reason = networkReason(err);
  } finally {
    stream.close();
  }
  if (args.signal.aborted) return 0;
  args.stderr.write(`wakegate: the log stream of ${id} ended (${reason})\n`);
  return 1;
}
