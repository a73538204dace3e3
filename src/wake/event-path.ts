/**
 * The path of the waiting page's event stream. It lives under every environment's own host, so the
 * page reaches it same-origin; the `.wakegate` segment keeps it out of the way of the app's paths.
 */
export const EVENTS_PATH = '/.wakegate/events';

/** Where the waiting page's banner asks to keep its environment awake (POST, same origin). */
export const KEEP_AWAKE_PATH = '/.wakegate/keep-awake';

/** Every path under this prefix is wakegate's own, on every environment's host. */
export const OWN_PATHS = '/.wakegate/';

/**
 * The environment named by an events request target (`/.wakegate/events?env=NAME`, URL-decoded),
 * or null when `path` is another path, or names no environment (absent, empty, or not valid
 * percent-encoding). Parsed by hand: no `URL` object for a target that is almost never this one.
 */
export function eventsTarget(path: string): string | null {
  return envTarget(path, EVENTS_PATH);
}

/** The environment named by `base?env=NAME` (as `eventsTarget`), or null. */
export function envTarget(path: string, base: string): string | null {
  if (!path.startsWith(base)) return null;
  if (path.charCodeAt(base.length) !== 0x3f /* ? */) return null;
  const query = path.slice(base.length + 1);
  for (const pair of query.split('&')) {
    if (!pair.startsWith('env=')) continue;
    const value = decode(pair.slice(4));
    return value === null || value === '' ? null : value;
  }
  return null;
}

/** Form decoding (`+` is a space), null for broken percent-encoding. */
function decode(value: string): string | null {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return null;
  }
}
