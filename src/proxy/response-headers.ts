/** A raw header field: undici hands `Buffer`s, Node's parser (the native transport) strings. */
export type RawField = Buffer | string;

function text(field: RawField): string {
  return typeof field === 'string' ? field : field.toString('latin1');
}

/**
 * Rewrites an upstream response head (raw name/value pairs from either transport) into the flat array given to
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

export interface ResponseHead {
  readonly headers: string[];
  /** The body length the upstream announced, or -1 (chunked, close-delimited, or unclear). */
  readonly contentLength: number;
}

export function rewriteResponseHead(raw: readonly RawField[], viaEntry: string): ResponseHead {
  const out: string[] = [];
  let connection: string | undefined;
  let via: string | undefined;
  let contentLength = -1;
  for (let i = 0; i < raw.length; i += 2) {
    const name = text(raw[i]!);
    const value = text(raw[i + 1]!);
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
      case 14:
        // A second Content-Length makes the length unclear: stream it rather than trust either.
        if (name.toLowerCase() === 'content-length') contentLength = contentLength === -1 ? parseLength(value) : -2;
        break;
    }
    out.push(name, value);
  }
  if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close') stripConnectionNamed(out, connection);
  out.push('via', via === undefined ? viaEntry : `${via}, ${viaEntry}`);
  return { headers: out, contentLength: contentLength < 0 ? -1 : contentLength };
}

function parseLength(value: string): number {
  if (value.length === 0 || value.length > 15) return -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return Number(value);
}

/** The 101 answer to a WebSocket handshake keeps `Connection` and `Upgrade`: they are the point. */
export function upgradeResponseHead(statusCode: number, statusText: string, raw: readonly RawField[], viaEntry: string): string {
  let head = `HTTP/1.1 ${statusCode} ${statusText || 'Switching Protocols'}\r\n`;
  for (let i = 0; i < raw.length; i += 2) {
    const name = text(raw[i]!);
    const lower = name.toLowerCase();
    if (lower === 'keep-alive' || lower === 'transfer-encoding' || lower === 'content-length' || lower === 'via') continue;
    head += `${name}: ${text(raw[i + 1]!)}\r\n`;
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
