import type { EnvironmentView } from '../admin/types.js';
import { environmentUrl, networkReason, problemDetail, writeHeaders, type AdminTarget } from './admin-client.js';
import type { Output } from './output.js';
import { withProgress } from './wake-progress.js';

export interface ControlArgs extends Output {
  readonly action: 'wake' | 'sleep';
  readonly id: string | undefined;
  readonly admin: string;
  readonly token: string | undefined;
  /** A wake may take as long as `wake.timeout`; the command waits a little longer. */
  readonly timeoutMs: number;
}

/**
 * `wakegate wake ENV` / `wakegate sleep ENV`: asks the admin API and waits for the answer (a wake
 * returns once the environment is awake), printing the steps and phase changes on the way (see
 * `withProgress`), then `shop is awake (8.2 s)`. A token (`--token`, or `WAKEGATE_ADMIN_TOKEN`, the
 * same variable that sets `admin.token` for the server) is sent as a bearer token. Exit 1 with the
 * problem's detail when the API refuses or the wake fails.
 */
export async function controlCommand(args: ControlArgs): Promise<number> {
  if (args.id === undefined || args.id === '') {
    args.stderr.write(`wakegate: usage: wakegate ${args.action} ENVIRONMENT [--admin URL] [--token TOKEN]\n`);
    return 2;
  }
  const result = await control({ ...args, id: args.id, target: { admin: args.admin, token: args.token }, started: Date.now() });
  return result === null ? 1 : 0;
}

/**
 * One wake or sleep with its progress and its final line; resolves with the view it ended with, or
 * null once the failure is on stderr. `started` is when the command started (the lines count from it).
 */
export async function control(args: Output & { action: 'wake' | 'sleep'; id: string; target: AdminTarget; timeoutMs: number; started: number }): Promise<EnvironmentView | null> {
  const url = environmentUrl(args.target, args.id, args.action);
  const answer = await withProgress({ target: args.target, id: args.id, out: args.stdout, started: args.started }, async () => {
    try {
      const res = await fetch(url, { method: 'POST', headers: writeHeaders(args.target), signal: AbortSignal.timeout(args.timeoutMs) });
      return res.ok ? { view: (await res.json()) as EnvironmentView } : { status: res.status, detail: await problemDetail(res) };
    } catch (err) {
      return { unreachable: networkReason(err) };
    }
  });
  if ('unreachable' in answer) {
    args.stderr.write(`wakegate: cannot reach the admin API at ${url.href}: ${answer.unreachable}\n`);
    return null;
  }
  if ('status' in answer) {
    args.stderr.write(`wakegate: ${args.action} ${args.id}: ${answer.status} ${answer.detail}\n`);
    return null;
  }
  const seconds = ((Date.now() - args.started) / 1000).toFixed(1);
  args.stdout.write(`${answer.view.id} is ${answer.view.phase} (${seconds} s)\n`);
  return answer.view;
}
