/**
 * Rewrites an upstream response head (undici hands raw `Buffer` pairs) into the flat array given to
 * `res.writeHead`. Hop-by-hop fields and the fields named in the upstream's `Connection` are dropped;
 * Node re-frames the body for the client (Content-Length kept, chunked otherwise). `Via` gets our entry.
 */
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
]);

export function rewriteResponseHead(raw: readonly Buffer[], viaEntry: string): string[] {
  const out: string[] = [];
  let connection: string | undefined;
  let via: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const value = raw[i + 1]!.toString('latin1');
    switch (name.length) {
      case 2:
      case 7:
      case 10:
      case 16:
      case 17:
      case 18:
      case 19: {
        const lower = name.toLowerCase();
        if (HOP_BY_HOP.has(lower)) {
          if (lower === 'connection') connection = connection === undefined ? value : `${connection}, ${value}`;
          continue;
        }
        break;
      }
      case 3:
        if (name.toLowerCase() === 'via') {
          via = via === undefined ? value : `${via}, ${value}`;
          continue;
        }
        break;
    }
    out.push(name, value);
  }
  if (connection !== undefined) stripConnectionNamed(out, connection);
  out.push('via', via === undefined ? viaEntry : `${via}, ${viaEntry}`);
  return out;
}

/** The 101 answer to a WebSocket handshake keeps `Connection` and `Upgrade`: they are the point. */
export function upgradeResponseHead(statusCode: number, statusText: string, raw: readonly (Buffer | string)[], viaEntry: string): string {
  let head = `HTTP/1.1 ${statusCode} ${statusText || 'Switching Protocols'}\r\n`;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const lower = name.toLowerCase();
    if (lower === 'keep-alive' || lower === 'transfer-encoding' || lower === 'content-length' || lower === 'via') continue;
    head += `${name}: ${raw[i + 1]!.toString('latin1')}\r\n`;
  }
  return `${head}via: ${viaEntry}\r\n\r\n`;
}

function stripConnectionNamed(out: string[], connection: string): void {
  const named = new Set<string>();
  for (const part of connection.split(',')) {
    const token = part.trim().toLowerCase();
    if (token !== '' && token !== 'close' && token !== 'keep-alive' && token !== 'content-length') named.add(token);
  }
  if (named.size === 0) return;
  let w = 0;
  for (let r = 0; r < out.length; r += 2) {
    if (named.has(out[r]!.toLowerCase())) continue;
    out[w++] = out[r]!;
    out[w++] = out[r + 1]!;
  }
  out.length = w;
}
