/**
 * What /proc says about a process (Linux): resident memory of a pid, and the open-files limit the
 * harness's children inherit. Readers return null where /proc is absent or the process is gone.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A `kB` field of /proc/PID/status (VmRSS: resident now; VmHWM: the peak since start), in MB. */
export function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

let ticksPerSecond: number | null = null;

/** CPU time (user + system) a process has used so far, in ms (clock-tick resolution, 10 ms on most Linux). */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticksPerSecond ??= clockTicks();
    return Math.round(((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond);
  } catch {
    return null;
  }
}

function clockTicks(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

/**
 * The soft and hard "Max open files" of this process, or null. Node raises its soft limit to the hard
 * one as it starts, so the hard limit is what every Node process of the run (wakegate, the clients) gets.
 */
export function openFilesLimit(): { soft: number; hard: number } | null {
  try {
    const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (line === null) return null;
    const value = (raw: string | undefined): number => (raw === 'unlimited' ? Number.POSITIVE_INFINITY : Number(raw));
    return { soft: value(line[1]), hard: value(line[2]) };
  } catch {
    return null;
  }
}
