import type { EnvironmentView } from '../admin/types.js';
import type { Paint, Style } from './colour.js';
import { formatTable, type Cell } from './table.js';
import { ago, clockTime, countdown, seconds } from './time-format.js';

const HEADER = ['ENVIRONMENT', 'PHASE', 'LAST ACTIVITY', 'SLEEPS IN', 'LAST WAKE', 'REPLICAS', 'KEPT AWAKE', 'HOSTS'] as const;

/** The colour of each phase; a phase this version does not know is printed plain. */
const PHASE_STYLES: Readonly<Record<string, Style>> = { awake: 'green', waking: 'yellow', sleeping: 'yellow', failed: 'red', asleep: 'dim' };

export interface StatusTableOptions {
  /** The time relative times and countdowns are measured from (ms since the epoch). */
  readonly now: number;
  readonly paint: Paint;
  /** Where keep-awake times are shown; default: this machine's time zone. */
  readonly timeZone?: string;
}

/**
 * `wakegate status`: one row per view, in the order given (the API sorts by id). Every column reads
 * `-` when the view has nothing to say: `LAST ACTIVITY` is relative (`12s ago`), `SLEEPS IN` a
 * countdown to `sleepsAt` (`9m 12s`), `LAST WAKE` the last wake's duration, `REPLICAS`
 * current/awake (`0/3`), `KEPT AWAKE` the keep-awake wish (`until 16:00 by alice`).
 */
export function formatStatusTable(views: readonly EnvironmentView[], options: StatusTableOptions): string {
  return formatTable(HEADER, views.map((view) => statusRow(view, options)), options.paint);
}

function statusRow(view: EnvironmentView, { now, timeZone }: StatusTableOptions): Cell[] {
  const lastWake = typeof view.lastWakeSeconds === 'number' ? view.lastWakeSeconds : null;
  const replicas = view.replicas ?? null;
  const keep = view.keepAwake ?? null;
  return [
    { text: view.id },
    { text: view.phase, style: PHASE_STYLES[view.phase] },
    { text: ago(view.lastActivity ?? null, now) },
    { text: countdown(view.sleepsAt ?? null, now) },
    { text: seconds(lastWake) },
    { text: replicas === null ? '-' : `${replicas.current}/${replicas.awake}` },
    { text: keep === null ? '-' : `until ${clockTime(keep.until, now, timeZone)} by ${keep.by}` },
    { text: view.hosts.join(',') },
  ];
}
