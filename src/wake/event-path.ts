/**
 * The path of the waiting page's event stream. It lives under every environment's own host, so the
 * page reaches it same-origin; the `.wakegate` segment keeps it out of the way of the app's paths.
 */
export const EVENTS_PATH = '/.wakegate/events';

/**
 * The environment named by an events request target (`/.wakegate/events?env=NAME`, URL-decoded),
 * or null when `path` is another path, or names no environment (absent, empty, or not valid
 * percent-encoding). Parsed by hand: no `URL` object for a target that is almost never this one.
 */
export function eventsTarget(path: string): string | null {
  if (!path.startsWith(EVENTS_PATH)) return null;
  if (path.charCodeAt(EVENTS_PATH.length) !== 0x3f /* ? */) return null;
  const query = path.slice(EVENTS_PATH.length + 1);
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
