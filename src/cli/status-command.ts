import { apiUrl, failureLine } from './admin-client.js';
import { painter, wantsColour } from './colour.js';
import { fetchEnvironmentList, type ListQuery } from './environment-list.js';
import type { Output } from './output.js';
import { formatStatusTable } from './status-table.js';
import { watchStatus } from './status-watch.js';

export interface StatusArgs extends Output, ListQuery {
  readonly admin: string;
  readonly json: boolean;
  readonly watch: boolean;
  /** Decides colour (`FORCE_COLOR`, `NO_COLOR`, `TERM`). */
  readonly env: NodeJS.ProcessEnv;
  /** Ends `--watch` (SIGINT); the command then resolves 0. */
  readonly signal: AbortSignal;
}

/**
 * `wakegate status`: the environments as the admin API reports them — an aligned table, or with
 * `--json` the API document itself — filtered by `--phase` and `--search` (the API's `phase` and
 * `q`). With `--watch` it keeps following them (see `watchStatus`). Exit 1 when the API cannot be
 * reached or refuses the query.
 */
export async function statusCommand(args: StatusArgs): Promise<number> {
  if (args.watch) return watchStatus(args);
  const target = { admin: args.admin };
  try {
    const list = await fetchEnvironmentList(target, args);
    if (args.json) args.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    else args.stdout.write(formatStatusTable(list.environments, { now: Date.now(), paint: painter(wantsColour(args.stdout, args.env)) }));
    return 0;
  } catch (err) {
    args.stderr.write(failureLine(apiUrl(target, '/api/v1/environments'), err));
    return 1;
  }
}
