import type { BlockList } from 'node:net';

/**
 * Rewrites a client's request head into the head sent upstream, in one pass over `rawHeaders`
 * (no `req.headers` object, no per-header regex).
 *
 * - Hop-by-hop fields (RFC 9110 §7.6.1) are dropped, and so is every field the client names in
 *   `Connection` — except the fields this proxy writes itself, which are added *after* the strip:
 *   `Connection: X-Forwarded-For` cannot remove our X-Forwarded-For (Davison, "Abusing HTTP
 *   hop-by-hop request headers"). `Host` and `Content-Length` are never stripped that way either.
 * - `X-Forwarded-For/Proto/Host` and `Forwarded` from a peer outside `trustForwardedFrom` are
 *   replaced; from a trusted peer they are kept and appended to.
 * - `Via` gets our token appended (RFC 9110 §7.6.3); seeing our own token already there is a loop.
 * - `Expect` is consumed here: the proxy answers `100 Continue` itself when it starts forwarding
 *   (as nginx does), so the upstream never sees it.
 */
export interface ForwardingPolicy {
  /** The pseudonym written in `Via`, lower-case. */
  readonly viaName: string;
  /** Precomputed `1.1 <viaName>`. */
  readonly viaEntry: string;
  /** Peers whose forwarding headers are kept; null = trust nobody. */
  readonly trusted: BlockList | null;
  readonly maxHeadersCount: number;
}

export function forwardingPolicy(viaName: string, trusted: BlockList | null, maxHeadersCount: number): ForwardingPolicy {
  const name = viaName.toLowerCase();
  return { viaName: name, viaEntry: `1.1 ${name}`, trusted, maxHeadersCount };
}

/** What the proxy learned from the request head while rewriting it. */
export class RequestHead {
  /** Header fields for the upstream, flat `[name, value, …]`. */
  headers: string[] = [];
  host: string | undefined = undefined;
  hostCount = 0;
  contentLength: string | undefined = undefined;
  contentLengthCount = 0;
  chunked = false;
  expectContinue = false;
  /** An `Expect` other than `100-continue` (answered 417). */
  expectation: string | undefined = undefined;
  /** The `Upgrade` value when the client asked for one (with `Connection: upgrade`). */
  upgrade: string | undefined = undefined;
  userAgent: string | undefined = undefined;
  /** Set when our own `Via` token was already present. */
  loop: string | undefined = undefined;
  tooManyHeaders = false;

  get hasBody(): boolean {
    return this.chunked || (this.contentLength !== undefined && this.contentLength !== '0');
  }
}

/** Always dropped, whatever `Connection` says. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'http2-settings',
  'expect',
]);

/** Never stripped because `Connection` names them: we route and frame by them, or write them ourselves. */
const PROTECTED = new Set(['host', 'content-length', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', 'via']);

export function rewriteRequestHead(
  raw: readonly string[],
  remoteAddress: string | undefined,
  policy: ForwardingPolicy,
): RequestHead {
  const head = new RequestHead();
  const count = raw.length >> 1;
  if (count > policy.maxHeadersCount) {
    head.tooManyHeaders = true;
    return head;
  }
  const clientIp = plainAddress(remoteAddress);
  const trusted = policy.trusted !== null && clientIp !== '' && isTrusted(policy.trusted, clientIp);
  const out = head.headers;
  let connection: string | undefined;
  let via: string | undefined;
  let xff: string | undefined;
  let xfProto: string | undefined;
  let xfHost: string | undefined;
  let forwarded: string | undefined;

  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    // Only names whose length matches a field we act on are lower-cased: most fields pass untouched.
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === 'host') {
          head.host = value;
          head.hostCount++;
        }
        break;
      case 2:
      case 6:
      case 7:
      case 10:
      case 16:
      case 18:
      case 19: {
        const lower = name.toLowerCase();
        if (HOP_BY_HOP.has(lower)) {
          if (lower === 'connection') connection = connection === undefined ? value : `${connection}, ${value}`;
          else if (lower === 'upgrade') head.upgrade = value;
          else if (lower === 'expect') {
            if (value.trim().toLowerCase() === '100-continue') head.expectContinue = true;
            else head.expectation = value;
          }
          continue;
        }
        if (lower === 'x-forwarded-host') {
          xfHost = xfHost === undefined ? value : `${xfHost}, ${value}`;
          continue;
        }
        if (lower === 'user-agent') head.userAgent = value;
        break;
      }
      case 3:
        if (name.toLowerCase() === 'via') {
          via = via === undefined ? value : `${via}, ${value}`;
          continue;
        }
        break;
      case 9:
        if (name.toLowerCase() === 'forwarded') {
          forwarded = forwarded === undefined ? value : `${forwarded}, ${value}`;
          continue;
        }
        break;
      case 14:
        if (name.toLowerCase() === 'content-length') {
          head.contentLength = value;
          head.contentLengthCount++;
        } else if (name.toLowerCase() === 'http2-settings') {
          continue;
        }
        break;
      case 15:
        if (name.toLowerCase() === 'x-forwarded-for') {
          xff = xff === undefined ? value : `${xff}, ${value}`;
          continue;
        }
        break;
      case 17: {
        const lower = name.toLowerCase();
        if (lower === 'transfer-encoding') {
          head.chunked = true;
          continue;
        }
        if (lower === 'x-forwarded-proto') {
          xfProto = xfProto === undefined ? value : `${xfProto}, ${value}`;
          continue;
        }
        break;
      }
    }
    out.push(name, value);
  }

  if (connection !== undefined) {
    const named = connectionTokens(connection);
    if (named !== null) {
      if (head.upgrade !== undefined && !named.has('upgrade')) head.upgrade = undefined;
      stripNamed(out, named);
      if (named.has('x-forwarded-for')) xff = undefined;
      if (named.has('x-forwarded-proto')) xfProto = undefined;
      if (named.has('x-forwarded-host')) xfHost = undefined;
      if (named.has('forwarded')) forwarded = undefined;
    } else {
      head.upgrade = undefined;
    }
  } else {
    // An Upgrade header without `Connection: upgrade` is not a request to upgrade (RFC 9110 §7.8).
    head.upgrade = undefined;
  }

  if (via !== undefined && hasOwnToken(via, policy.viaName)) head.loop = via;

  if (trusted) {
    if (forwarded !== undefined) out.push('forwarded', forwarded);
    out.push('x-forwarded-for', xff === undefined ? clientIp : `${xff}, ${clientIp}`);
    out.push('x-forwarded-proto', xfProto ?? 'http');
    out.push('x-forwarded-host', xfHost ?? head.host ?? '');
  } else {
    out.push('x-forwarded-for', clientIp);
    out.push('x-forwarded-proto', 'http');
    out.push('x-forwarded-host', head.host ?? '');
  }
  out.push('via', via === undefined ? policy.viaEntry : `${via}, ${policy.viaEntry}`);
  return head;
}

/**
 * Lower-cased tokens of `Connection` that name end-to-end fields to strip; null when the value
 * names none (the common `keep-alive` / `close` / `upgrade`). The set also carries `upgrade`
 * when present so the caller can tell a real upgrade request.
 */
function connectionTokens(value: string): Set<string> | null {
  let named: Set<string> | null = null;
  for (const part of value.split(',')) {
    const token = part.trim().toLowerCase();
    if (token === '' || token === 'close' || token === 'keep-alive') continue;
    if (token !== 'upgrade' && (HOP_BY_HOP.has(token) || PROTECTED.has(token))) {
      if (token.startsWith('x-forwarded-') || token === 'forwarded') (named ??= new Set()).add(token);
      continue;
    }
    (named ??= new Set()).add(token);
  }
  return named;
}

function stripNamed(out: string[], named: Set<string>): void {
  let w = 0;
  for (let r = 0; r < out.length; r += 2) {
    const name = out[r]!;
    if (named.has(name.toLowerCase())) continue;
    out[w++] = name;
    out[w++] = out[r + 1]!;
  }
  out.length = w;
}

/** Whether a `Via` value already carries `received-by` equal to our pseudonym. */
export function hasOwnToken(via: string, viaName: string): boolean {
  for (const entry of via.split(',')) {
    const parts = entry.trim().split(/\s+/);
    const receivedBy = parts[1];
    if (receivedBy !== undefined && receivedBy.toLowerCase() === viaName) return true;
  }
  return false;
}

/** `::ffff:10.0.0.1` (dual-stack socket) → `10.0.0.1`; undefined → ''. */
export function plainAddress(address: string | undefined): string {
  if (address === undefined) return '';
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  return address;
}

function isTrusted(list: BlockList, ip: string): boolean {
  return list.check(ip, ip.includes(':') ? 'ipv6' : 'ipv4');
}
