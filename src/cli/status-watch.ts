import { setTimeout as sleep } from 'node:timers/promises';
import type { EnvironmentView } from '../admin/types.js';
import { AdminAnswerError, apiUrl, failureLine, networkReason } from './admin-client.js';
import { painter, wantsColour } from './colour.js';
import { fetchEnvironmentList, matchesQuery, type ListQuery } from './environment-list.js';
import { openEventStream } from './server-sent-events.js';
import type { StatusArgs } from './status-command.js';
import { formatStatusTable } from './status-table.js';
import { WatchScreen } from './watch-screen.js';

/** A change of the watched list: a view to show, or an environment gone from it. */
type Change = { readonly view: EnvironmentView } | { readonly removed: string };

/** Waits before reconnecting: 1 s, doubling up to 30 s; back to 1 s once a stream is up. */
const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 30_000;

/**
 * `wakegate status --watch`: the list, then every change the admin API's event stream reports.
 *
 * The stream is opened before the list is read, so no change between the two is lost. Each
 * `environment` event replaces that environment's row (or removes it once it no longer matches
 * `--phase`/`--search`; the stream is not filtered), each `removed` event removes one. With `--json`
 * the views of the list, then each changed view, are printed one JSON object a line
 * (`{"id": …, "removed": true}` for one gone); otherwise a `WatchScreen` draws the table.
 *
 * A stream that drops — ended, broken, or silent past its keep-alives — is opened again after a
 * pause that doubles from 1 s to 30 s, saying so on stderr; the list is read again then, and only
 * what changed meanwhile is shown as changed. A first connection that fails is the command's
 * failure (exit 1). `args.signal` (SIGINT) ends the watch with 0.
 */
export async function watchStatus(args: StatusArgs): Promise<number> {
  const target = { admin: args.admin };
  const views = new WatchedViews(args);
  const paint = painter(wantsColour(args.stdout, args.env));
  const tty = args.stdout.isTTY === true && !args.json;
  let trouble: string | null = null;
  const screen = new WatchScreen(
    args.stdout,
    () => {
      const table = formatStatusTable(views.sorted(), { now: Date.now(), paint });
      if (!tty) return table;
      const footer = trouble ?? `${views.size} environment${views.size === 1 ? '' : 's'} at ${args.admin}, as of ${new Date().toLocaleTimeString('en-GB')}; Ctrl-C to stop`;
      return `${table}\n${paint('dim', footer)}\n`;
    },
    { tty },
  );
  const show = (changes: readonly Change[]): void => {
    if (changes.length === 0) return;
    if (!args.json) return screen.changed();
    for (const change of changes) args.stdout.write(`${JSON.stringify('view' in change ? change.view : { id: change.removed, removed: true })}\n`);
  };

  const eventsUrl = apiUrl(target, '/api/v1/events');
  /** What a failure is about: the stream, or the list read once it is open. */
  let asked = eventsUrl;
  let connected = false;
  let retryMs = FIRST_RETRY_MS;
  try {
    while (!args.signal.aborted) {
      let reason: string;
      try {
        asked = eventsUrl;
        const stream = await openEventStream(eventsUrl, { signal: args.signal });
        try {
          asked = apiUrl(target, '/api/v1/environments', { phase: args.phase, q: args.search });
          const list = await fetchEnvironmentList(target, args, args.signal);
          if (connected) args.stderr.write('wakegate: reconnected to the event stream\n');
          retryMs = FIRST_RETRY_MS;
          trouble = null;
          const changes = views.reset(list.environments);
          // The first table is drawn even when the list is empty: its header says the watch is on.
          if (!connected && !args.json) screen.changed();
          else show(changes);
          connected = true;
          for await (const event of stream.events) {
            if (event.event === 'environment') show(views.update(JSON.parse(event.data) as EnvironmentView));
            else if (event.event === 'removed') show(views.remove((JSON.parse(event.data) as { id: string }).id));
          }
          reason = 'the server ended it';
        } finally {
          stream.close();
        }
      } catch (err) {
        if (args.signal.aborted) break;
        if (!connected) {
          args.stderr.write(failureLine(asked, err));
          return 1;
        }
        reason = err instanceof AdminAnswerError ? `answered ${err.status}: ${err.detail}` : networkReason(err);
      }
      if (args.signal.aborted) break;
      trouble = `event stream lost (${reason}); reconnecting in ${retryMs / 1000} s`;
      args.stderr.write(`wakegate: ${trouble}\n`);
      screen.changed();
      await sleep(retryMs, undefined, { signal: args.signal }).catch(() => undefined);
      retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
    }
    return 0;
  } finally {
    screen.stop();
  }
}

/** The environments on show: those matching the query, by id. */
class WatchedViews {
  readonly #byId = new Map<string, EnvironmentView>();
  readonly #query: ListQuery;

  constructor(query: ListQuery) {
    this.#query = query;
  }

  get size(): number {
    return this.#byId.size;
  }

  sorted(): EnvironmentView[] {
    return [...this.#byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Replaces them all with a fresh list; the changes are what differs from before. */
  reset(list: readonly EnvironmentView[]): Change[] {
    const changes: Change[] = [];
    const seen = new Set<string>();
    for (const view of list) {
      seen.add(view.id);
      changes.push(...this.update(view));
    }
    for (const id of [...this.#byId.keys()]) if (!seen.has(id)) changes.push(...this.remove(id));
    return changes;
  }

  /** A view of one environment: a change when it matches the query or was on show, and differs. */
  update(view: EnvironmentView): Change[] {
    const before = this.#byId.get(view.id);
    const matches = matchesQuery(view, this.#query);
    if (matches) this.#byId.set(view.id, view);
    else this.#byId.delete(view.id);
    if (before === undefined) return matches ? [{ view }] : [];
    return JSON.stringify(before) === JSON.stringify(view) ? [] : [{ view }];
  }

  remove(id: string): Change[] {
    return this.#byId.delete(id) ? [{ removed: id }] : [];
  }
}
