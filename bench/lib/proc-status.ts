/**
 * What /proc says about a process (Linux): resident memory of a pid, and the open-files limit the
 * harness's children inherit. Readers return null where /proc is absent or the process is gone.
 */
import { readFileSync } from 'node:fs';
import type { ProcessSpec } from './processes.js';

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

/** The soft and hard "Max open files" of this process (children start with the same), or null. */
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

/**
 * `spec` as is when its soft open-files limit already allows `needed`; otherwise run through
 * `sh -c 'ulimit -n NEEDED && exec …'`, which raises the soft limit up to the hard one for that child
 * only (exec keeps the pid, so the registry still signals the program itself).
 */
export function withOpenFiles(spec: ProcessSpec, needed: number, limit: { soft: number; hard: number } | null): ProcessSpec {
  if (limit === null || limit.soft >= needed) return spec;
  return { ...spec, command: '/bin/sh', args: ['-c', `ulimit -n ${needed} && exec "$0" "$@"`, spec.command, ...spec.args] };
}
