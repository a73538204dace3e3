import type { EnvironmentView } from './admin/types.js';

/**
 * `wakegate status`: the environments as the admin API reports them, as an aligned table or, with
 * `--json`, the API document itself.
 */
export async function statusCommand(args: {
  admin: string;
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}): Promise<number> {
  const url = new URL('/api/v1/environments', args.admin);
  let body: { environments: EnvironmentView[] };
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) {
      args.stderr.write(`wakegate: ${url.href} answered ${res.status}\n`);
      return 1;
    }
    body = (await res.json()) as { environments: EnvironmentView[] };
  } catch (err) {
    args.stderr.write(`wakegate: cannot reach the admin API at ${url.href}: ${(err as Error).message}\n`);
    return 1;
  }
  if (args.json) {
    args.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  args.stdout.write(formatTable(body.environments));
  return 0;
}

export function formatTable(environments: readonly EnvironmentView[]): string {
  const header = ['ENVIRONMENT', 'PHASE', 'KIND', 'LAST ACTIVITY', 'SLEEPS AT', 'HOSTS'];
  const rows = environments.map((e) => [e.id, e.phase, e.kind, e.lastActivity ?? '-', e.sleepsAt ?? '-', e.hosts.join(',')]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`;
  return [line(header), ...rows.map(line)].join('');
}
