import { isIP } from 'node:net';
import type { ListenAddress } from './types.js';

/**
 * Checks for the network-shaped values of the config file. Each returns the normalised value or a
 * `reason` that completes the sentence "expected …, but <reason>".
 */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const LABEL = '[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

function isHostname(text: string): boolean {
  return text.length <= 253 && HOSTNAME.test(text);
}

/** `host:port`, with IPv6 in brackets (`[::1]:8080`). The result holds the bare host, as `net.Server.listen` wants it. */
export function parseListen(text: string): Checked<ListenAddress> {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (match === null) return { ok: false, reason: 'it is not host:port' };
  const [, v6, name, digits] = match;
  const port = Number(digits);
  if (port > 65_535) return { ok: false, reason: `port ${port} is above 65535` };
  if (v6 !== undefined) {
    return isIP(v6) === 6 ? { ok: true, value: { host: v6, port } } : { ok: false, reason: `[${v6}] is not an IPv6 address` };
  }
  const host = (name ?? '').toLowerCase();
  if (isIP(host) === 0 && !isHostname(host)) return { ok: false, reason: `"${name}" is not an IP address or hostname` };
  return { ok: true, value: { host, port } };
}

export function formatListen(address: ListenAddress): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** Loopback listeners are reachable only from this machine, which is what lets admin writes go without a token. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** A bare IPv4/IPv6 address or a CIDR (`10.0.0.0/8`, `fd00::/8`); `net.BlockList` accepts what passes. */
export function checkCidr(text: string): Checked<string> {
  const [address = '', prefix, extra] = text.split('/');
  if (extra !== undefined) return { ok: false, reason: 'it has more than one "/"' };
  const family = isIP(address);
  if (family === 0) return { ok: false, reason: `"${address}" is not an IP address` };
  if (prefix === undefined) return { ok: true, value: text };
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return { ok: false, reason: `the prefix length is not 0 to ${bits}` };
  return { ok: true, value: text };
}

/** An `http://host:port` origin, returned in `URL.origin` form (lower-case host, default port dropped). */
export function checkHttpOrigin(text: string): Checked<string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'it is not a URL' };
  }
  if (url.protocol === 'https:') return { ok: false, reason: 'https upstreams are not supported yet (use http://)' };
  if (url.protocol !== 'http:') return { ok: false, reason: `the scheme is ${url.protocol.slice(0, -1)}, not http` };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'it has user information' };
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(text)) return { ok: false, reason: 'it has a query or fragment' };
  if (url.pathname !== '/') return { ok: false, reason: `it has a path (${url.pathname})` };
  return { ok: true, value: url.origin };
}

/** A route host: exact (`shop.localhost`) or wildcard (`*.preview.example.com`), returned lower-cased. */
export function checkRouteHost(text: string): Checked<string> {
  const host = text.toLowerCase();
  if (host.includes('://')) return { ok: false, reason: 'it has a scheme' };
  if (host.includes('/')) return { ok: false, reason: 'it has a path' };
  if (host.includes(':')) return { ok: false, reason: 'it has a port' };
  const exact = host.startsWith('*.') ? host.slice(2) : host;
  if (exact.includes('*')) return { ok: false, reason: 'a wildcard is allowed only as the whole first label (*.example.com)' };
  if (!isHostname(exact)) return { ok: false, reason: 'it is not a hostname' };
  return { ok: true, value: host };
}

/** RFC 9110 `token`: what may appear as a pseudonym in `Via`. */
export function isHttpToken(text: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(text);
}
