import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

export type WriteDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly status: 401 | 403; readonly reason: string };

export interface WriteRequest {
  /** `admin.token`; empty when none is configured. */
  readonly token: string;
  /** The address the admin server listens on (a name, an IPv4 or an IPv6 address, brackets allowed). */
  readonly listenHost: string;
  /** The request's `Authorization` header. */
  readonly authorization: string | undefined;
}

/**
 * Whether a write (wake, sleep) may proceed. Reads never ask.
 *
 * - A configured token is always required, wherever the server listens: a missing, malformed or
 *   wrong bearer token is 401 (RFC 6750 `invalid_token`; the caller adds `WWW-Authenticate`).
 * - With no token, writes are allowed only while the server listens on a loopback address, where
 *   only this machine can reach it; anywhere else they are refused with 403, whatever is presented.
 */
export function authorizeWrite(request: WriteRequest): WriteDecision {
  if (request.token !== '') {
    const presented = bearerToken(request.authorization);
    if (presented === undefined) {
      return { allowed: false, status: 401, reason: 'a bearer token is required' };
    }
    if (!sameSecret(presented, request.token)) {
      return { allowed: false, status: 401, reason: 'the bearer token is not valid' };
    }
    return { allowed: true };
  }
  if (isLoopbackHost(request.listenHost)) return { allowed: true };
  return {
    allowed: false,
    status: 403,
    reason: 'writes need admin.token when the admin server listens on a non-loopback address',
  };
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * `localhost`, 127.0.0.0/8 and ::1 in any spelling (IPv4-mapped included). Any other name is not
 * loopback: what it resolves to is not ours to trust. An empty host means every interface.
 */
export function isLoopbackHost(host: string): boolean {
  const address = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (address.toLowerCase() === 'localhost') return true;
  const family = isIP(address);
  if (family === 0) return false;
  return LOOPBACK.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** The credentials of a `Bearer` authorization (scheme case-insensitive, RFC 9110 §11.1). */
function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization.trim());
  return match?.[1];
}

/**
 * Constant-time comparison. Both sides are hashed first so that `timingSafeEqual` compares equal
 * lengths and the time taken reveals neither the token's content nor its length.
 */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
