import os from 'node:os';
import type { EnvironmentView } from '../admin/types.js';
import { environmentUrl, networkReason, problemDetail, writeHeaders, type AdminTarget } from './admin-client.js';
import { control } from './control-command.js';
import type { Output } from './output.js';
import { utcMinute } from './time-format.js';

export interface KeepAwakeArgs extends Output {
  readonly id: string | undefined;
  /** `4h`, `30m` (at most `168h`), or an RFC 3339 time to keep it awake until. */
  readonly duration: string | undefined;
  /** Who asks; default `defaultKeeper()`. */
  readonly by: string | undefined;
  readonly cancel: boolean;
  readonly admin: string;
  readonly token: string | undefined;
  /** How long the wake that follows may take. */
  readonly timeoutMs: number;
}

const USAGE = 'wakegate: usage: wakegate keep-awake ENVIRONMENT DURATION [--by NAME] | wakegate keep-awake ENVIRONMENT --cancel  [--admin URL] [--token TOKEN]\n';
/** The API's limit on `by`. */
const MAX_BY = 64;

/**
 * `wakegate keep-awake ENV DURATION [--by NAME]`: records the wish (`POST …/keep-awake` with
 * `{"for": DURATION, "by": NAME}`, or `{"until": …}` when DURATION is an RFC 3339 time), prints
 * `shop is kept awake until 2026-11-27 02:00 UTC (by alice)`, and, since the wish does not wake the
 * environment, wakes it when it is not awake — with progress, as `wakegate wake`. `--cancel`
 * withdraws the wish (`DELETE`). Exit 1 with the problem's detail when the API refuses (a static
 * environment: 409; a duration it does not take: 400) or the wake fails.
 */
export async function keepAwakeCommand(args: KeepAwakeArgs): Promise<number> {
  const id = args.id;
  if (id === undefined || id === '' || args.cancel === (args.duration !== undefined)) {
    args.stderr.write(USAGE);
    return 2;
  }
  const started = Date.now();
  const target: AdminTarget = { admin: args.admin, token: args.token };
  const url = environmentUrl(target, id, 'keep-awake');
  const by = args.by ?? defaultKeeper();
  const body = args.duration === undefined ? undefined : /^\d{4}-\d{2}-\d{2}T/.test(args.duration) ? { until: args.duration, by } : { for: args.duration, by };
  let view: EnvironmentView;
  try {
    const res = await fetch(url, {
      method: args.cancel ? 'DELETE' : 'POST',
      headers: writeHeaders(target, body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) {
      args.stderr.write(`wakegate: keep-awake ${id}: ${res.status} ${await problemDetail(res)}\n`);
      return 1;
    }
    view = (await res.json()) as EnvironmentView;
  } catch (err) {
    args.stderr.write(`wakegate: cannot reach the admin API at ${url.href}: ${networkReason(err)}\n`);
    return 1;
  }
  if (args.cancel) {
    args.stdout.write(`${view.id} is no longer kept awake\n`);
    return 0;
  }
  const keep = view.keepAwake ?? null;
  args.stdout.write(keep === null ? `${view.id}: the answer names no keep-awake time\n` : `${view.id} is kept awake until ${utcMinute(keep.until)} (by ${keep.by})\n`);
  if (view.phase === 'awake') return 0;
  const woken = await control({ ...args, action: 'wake', id, target, started });
  return woken === null ? 1 : 0;
}

/** `user@host` of whoever runs the command, cut to the API's 64 characters. */
export function defaultKeeper(): string {
  let user = '';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (a container's arbitrary uid): the host alone
  }
  return (user === '' ? os.hostname() : `${user}@${os.hostname()}`).slice(0, MAX_BY);
}
