import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** pino level name (`info`, `debug`, … `silent`); validated by config. */
  readonly level: string;
  /** Where JSON lines go; stdout (file descriptor 1) when absent. */
  readonly destination?: NodeJS.WritableStream;
  /** Fields on every line, added to pino's `pid` and `hostname`. */
  readonly base?: Record<string, unknown>;
}

/**
 * Secrets never reach a log line, at whatever depth a caller nests them: the admin token (alone,
 * as `admin.token`, or inside a logged config), any `token` field, and `authorization` headers in
 * request objects. Wildcards match one level each, so the paths below cover four levels; deeper
 * nesting is a design smell for a log line. Raw header arrays (`rawHeaders`) cannot be matched by
 * path and must not be logged.
 */
const REDACTED_PATHS = [
  'admin.token',
  'token',
  '*.token',
  '*.*.token',
  '*.*.*.token',
  'authorization',
  '*.authorization',
  '*.*.authorization',
  '*.*.*.authorization',
  '*.Authorization',
  '*.*.Authorization',
];

/**
 * The one root logger of the process, built by the composition root. Components receive children
 * (`logger.child({ component: 'proxy' })`) and log an object first, a short lower-case event second.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: 'wakegate',
      level: options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      ...(options.base && { base: { pid: process.pid, hostname: hostname(), ...options.base } }),
    },
    // Synchronous, as pino's own default: an asynchronous destination registers a flush at exit
    // that retries forever once stdout is a broken pipe (sonic-boom 4), so a SIGTERM'd process
    // whose log reader had gone never exited.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
