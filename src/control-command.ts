import type { EnvironmentView } from './admin/types.js';

/**
 * `wakegate wake ENV` / `wakegate sleep ENV`: asks the admin API and waits for the answer (a wake
 * returns once the environment is awake). A token (`--token`, or `WAKEGATE_ADMIN_TOKEN`, the same
 * variable that sets `admin.token` for the server) is sent as a bearer token.
 */
export async function controlCommand(args: {
  action: 'wake' | 'sleep';
  id: string | undefined;
  admin: string;
  token: string | undefined;
  /** A wake may take as long as `wake.timeout`; the command waits a little longer. */
  timeoutMs: number;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}): Promise<number> {
  if (args.id === undefined || args.id === '') {
    args.stderr.write(`wakegate: usage: wakegate ${args.action} ENVIRONMENT [--admin URL] [--token TOKEN]\n`);
    return 2;
  }
  const url = new URL(`/api/v1/environments/${encodeURIComponent(args.id)}/${args.action}`, args.admin);
  const started = Date.now();
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: args.token ? { authorization: `Bearer ${args.token}` } : {},
      signal: AbortSignal.timeout(args.timeoutMs),
    });
  } catch (err) {
    args.stderr.write(`wakegate: cannot reach the admin API at ${url.href}: ${(err as Error).message}\n`);
    return 1;
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = text;
    try {
      const problem = JSON.parse(text) as { detail?: string; title?: string };
      detail = problem.detail ?? problem.title ?? text;
    } catch {
      // not JSON: print as it came
    }
    args.stderr.write(`wakegate: ${args.action} ${args.id}: ${res.status} ${detail}\n`);
    return 1;
  }
  const view = JSON.parse(text) as EnvironmentView;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  args.stdout.write(`${view.id} is ${view.phase} (${seconds} s)\n`);
  return 0;
}
