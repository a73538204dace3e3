import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { CLIENT_SCRIPT } from './client.js';
import { renderShell } from './page.js';
import { STYLES } from './styles.js';

/**
 * Only the admin server's own script and style; API calls and event streams to the same origin;
 * images only from data: URLs (the icon). No framing, no `<base>`, no form submissions.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': CSP,
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly cacheControl: string;
}

/** Built on first use: the page is the same for every request. */
let assets: ReadonlyMap<string, Asset> | undefined;

function build(): ReadonlyMap<string, Asset> {
  const script = Buffer.from(CLIENT_SCRIPT);
  const style = Buffer.from(STYLES);
  // The content hash is in the path, so a changed file is a new URL: cached for good.
  const scriptPath = `/dashboard/app.${hashOf(script)}.js`;
  const stylePath = `/dashboard/app.${hashOf(style)}.css`;
  const immutable = 'public, max-age=31536000, immutable';
  const html = Buffer.from(renderShell({ script: scriptPath.slice(1), style: stylePath.slice(1) }));
  return new Map<string, Asset>([
    ['/', { body: html, type: 'text/html; charset=utf-8', cacheControl: 'no-store' }],
    [scriptPath, { body: script, type: 'text/javascript; charset=utf-8', cacheControl: immutable }],
    [stylePath, { body: style, type: 'text/css; charset=utf-8', cacheControl: immutable }],
  ]);
}

function hashOf(body: Buffer): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 16);
}

/**
 * The dashboard (docs/admin-api.md, `GET /`): answers `/` with the page and
 * `/dashboard/app.<hash>.js` / `.css` with its script and style, and returns true; any other path
 * is left alone (false). For GET and HEAD (`head`: headers only); `path` has no query string.
 */
export function serveDashboard(path: string, res: ServerResponse, head: boolean): boolean {
  assets ??= build();
  const asset = assets.get(path);
  if (asset === undefined) return false;
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'content-type': asset.type,
    'content-length': asset.body.length,
    'cache-control': asset.cacheControl,
  });
  if (head) res.end();
  else res.end(asset.body);
  return true;
}
