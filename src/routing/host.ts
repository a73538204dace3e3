/**
 * Host header parsing for routing, on the hot path: one pass over char codes, no regex, no `URL`.
 *
 * Accepted (RFC 9110 §7.2 / RFC 3986 `host [ ":" port ]`, the way nginx reads it):
 * - a registered name or IPv4 address: ASCII letters, digits, `-`, `_` and `.`, no empty label,
 *   labels ≤ 63 and the whole name ≤ 253 characters. One trailing dot is the same name without it.
 *   The length bound is also what keeps the wildcard cache (keyed by host) bounded in bytes.
 * - an IPv6 literal in brackets (`[::1]`): hex digits, `:` and `.` only; compared as written after
 *   lower-casing (no canonical form: `[0::1]` is not `[::1]`). Zone ids and IPvFuture are refused.
 * - an optional port: up to 5 digits, ≤ 65535, and may be empty (`*DIGIT` in RFC 3986). It is ignored.
 * Anything else (spaces, `/`, `@` userinfo, control or non-ASCII characters, unbalanced brackets,
 * a non-numeric port) is not a host: callers answer it with "no route", never a guess.
 */

const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
/** Longest IPv6 text form, `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`, without brackets. */
const MAX_IPV6_LENGTH = 45;
const MAX_PORT = 65_535;

const DOT = 0x2e;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const ZERO = 0x30;
const NINE = 0x39;

/** Character classes of a registered name, indexed by char code (ASCII only). */
type CharClass = 0 | 1 | 2 | 3 | 4;
const INVALID: CharClass = 0;
const NAME: CharClass = 1;
const UPPER: CharClass = 2;
const SEPARATOR: CharClass = 3;
const PORT_START: CharClass = 4;

const NAME_CLASSES = buildNameClasses();

function buildNameClasses(): Uint8Array {
  const classes = new Uint8Array(128).fill(INVALID);
  for (let c = 0x61; c <= 0x7a; c++) classes[c] = NAME; // a-z
  for (let c = 0x41; c <= 0x5a; c++) classes[c] = UPPER; // A-Z
  for (let c = ZERO; c <= NINE; c++) classes[c] = NAME;
  classes[0x2d] = NAME; // '-'
  classes[0x5f] = NAME; // '_' (not DNS-legal in hostnames, but seen in the wild and accepted by nginx)
  classes[DOT] = SEPARATOR;
  classes[COLON] = PORT_START;
  return classes;
}

/**
 * Host header → lower-case hostname without port, or null when the value is not a valid host.
 * Fast path: an already lower-case name without port or trailing dot is returned as the same string.
 */
export function normalizeHost(hostHeader: string): string | null {
  if (hostHeader.charCodeAt(0) === OPEN_BRACKET) return normalizeIpv6(hostHeader);
  const length = hostHeader.length;
  let hasUpper = false;
  let labelStart = 0;
  let nameEnd = length;
  for (let i = 0; i < length; i++) {
    const c = hostHeader.charCodeAt(i);
    const charClass = c < 128 ? NAME_CLASSES[c] : INVALID;
    if (charClass === NAME) continue;
    if (charClass === SEPARATOR) {
      const labelLength = i - labelStart;
      if (labelLength === 0 || labelLength > MAX_LABEL_LENGTH) return null;
      labelStart = i + 1;
    } else if (charClass === UPPER) {
      hasUpper = true;
    } else if (charClass === PORT_START) {
      if (!isValidPort(hostHeader, i + 1)) return null;
      nameEnd = i;
      break;
    } else {
      return null;
    }
  }
  const lastLabelLength = nameEnd - labelStart;
  if (lastLabelLength > MAX_LABEL_LENGTH) return null;
  // An empty last label is the trailing dot: the loop has already refused an empty label before it.
  if (lastLabelLength === 0) {
    if (nameEnd === 0) return null;
    nameEnd -= 1;
  }
  if (nameEnd > MAX_NAME_LENGTH) return null;
  const name = nameEnd === length ? hostHeader : hostHeader.slice(0, nameEnd);
  return hasUpper ? name.toLowerCase() : name;
}

function normalizeIpv6(hostHeader: string): string | null {
  const close = hostHeader.indexOf(']');
  if (close < 0 || close - 1 > MAX_IPV6_LENGTH) return null;
  let colons = 0;
  for (let i = 1; i < close; i++) {
    const c = hostHeader.charCodeAt(i);
    if (c === COLON) colons++;
    else if (!(isHexDigit(c) || c === DOT)) return null;
  }
  if (colons < 2) return null;
  const end = close + 1;
  if (end < hostHeader.length) {
    if (hostHeader.charCodeAt(end) !== COLON || !isValidPort(hostHeader, end + 1)) return null;
  }
  const literal = end === hostHeader.length ? hostHeader : hostHeader.slice(0, end);
  return literal.toLowerCase();
}

function isHexDigit(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** The port runs from `from` to the end of the value: at most 5 digits, ≤ 65535, possibly none. */
function isValidPort(value: string, from: number): boolean {
  const digits = value.length - from;
  if (digits > 5) return false;
  let port = 0;
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
    port = port * 10 + (c - ZERO);
  }
  return port <= MAX_PORT;
}

/** A route's host pattern after validation: the name is lower-case, without trailing dot. */
export type HostPattern =
  | { readonly kind: 'exact'; readonly host: string }
  /** `suffix` is the pattern without its `*.`: `*.preview.example.com` → `preview.example.com`. */
  | { readonly kind: 'wildcard'; readonly suffix: string };

/**
 * Parses a route's host pattern: an exact host (any case, no port) or `*.suffix` where `*` is the
 * whole first label and the suffix is a registered name. Returns null when the pattern is invalid.
 */
export function parseHostPattern(pattern: string): HostPattern | null {
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(2);
    if (suffix.charCodeAt(0) === OPEN_BRACKET || suffix.includes(':')) return null;
    const normalized = normalizeHost(suffix);
    return normalized === null ? null : { kind: 'wildcard', suffix: normalized };
  }
  const host = normalizeHost(pattern);
  if (host === null) return null;
  // normalizeHost drops a port; a route pattern must not carry one (it would never be compared).
  const hasPort = host.charCodeAt(0) === OPEN_BRACKET ? !pattern.endsWith(']') : pattern.includes(':');
  return hasPort ? null : { kind: 'exact', host };
}

/** Validates a route's host pattern: exact hostname or wildcard `*.suffix` (the `*` only as the whole first label). */
export function isValidHostPattern(pattern: string): boolean {
  return parseHostPattern(pattern) !== null;
}
