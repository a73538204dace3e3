import { problemType } from '../http/problem.js';

/**
 * Every local reply of the proxy is one of these errors: a stable `code` (tests and logs assert on
 * it), the HTTP `status` it maps to, and the context that explains it. The mapping from undici's
 * failures to statuses lives here and nowhere else (Knative's activator keeps the same rule).
 */
export type UpstreamErrorKind = 'refused' | 'reset' | 'timeout' | 'protocol' | 'other';

export abstract class ProxyError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  abstract readonly title: string;

  /** Extra members of the problem+json body. */
  extensions(): Record<string, unknown> {
    return {};
  }

  /** Extra response fields, flat `[name, value, …]` (e.g. `allow` for a 405). */
  headers(): string[] {
    return [];
  }
}

/** The problem+json answer for `error`: status, fields (with length and no-store) and body. */
export function problemReply(error: ProxyError): { status: number; fields: string[]; body: string } {
  const body = JSON.stringify({
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...error.extensions(),
  });
  return {
    status: error.status,
    fields: ['content-type', 'application/problem+json', 'cache-control', 'no-store', 'content-length', String(Buffer.byteLength(body)), ...error.headers()],
    body,
  };
}

export class BadRequestError extends ProxyError {
  readonly code = 'WAKEGATE_BAD_REQUEST';
  readonly status = 400;
  readonly title = 'Bad request';
}

export class TooManyHeadersError extends ProxyError {
  readonly code = 'WAKEGATE_TOO_MANY_HEADERS';
  readonly status = 431;
  readonly title = 'Request header fields too large';
  constructor(readonly count: number, readonly limit: number) {
    super(`the request has ${count} header fields; at most ${limit} are accepted`);
  }
}

/** The request head is larger than `server.maxHeaderSize` (llhttp stops reading it). */
export class HeadTooLargeError extends ProxyError {
  readonly code = 'WAKEGATE_HEAD_TOO_LARGE';
  readonly status = 431;
  readonly title = 'Request header fields too large';
  constructor(readonly limit: number) {
    super(`the request head is larger than ${limit} bytes`);
  }
}

/** The client was too slow to send its request head (`server.headersTimeout`) or whole request (`server.requestTimeout`). */
export class RequestTimeoutError extends ProxyError {
  readonly code = 'WAKEGATE_REQUEST_TIMEOUT';
  readonly status = 408;
  readonly title = 'Request timeout';
}

/** An `Expect` other than `100-continue` (RFC 9110 §10.1.1). */
export class ExpectationFailedError extends ProxyError {
  readonly code = 'WAKEGATE_EXPECTATION_FAILED';
  readonly status = 417;
  readonly title = 'Expectation failed';
  constructor(readonly expectation: string) {
    super(`the expectation "${expectation}" is not supported; only 100-continue is`);
  }
}

export class NoRouteError extends ProxyError {
  readonly code = 'WAKEGATE_NO_ROUTE';
  readonly status = 404;
  readonly title = 'No environment serves this host';
  constructor(readonly host: string, readonly path: string) {
    super(`no environment is configured for host "${host}" and path "${path}"`);
  }
  override extensions(): Record<string, unknown> {
    return { host: this.host };
  }
}

export class LoopDetectedError extends ProxyError {
  readonly code = 'WAKEGATE_LOOP_DETECTED';
  readonly status = 508;
  readonly title = 'Loop detected';
  constructor(readonly via: string) {
    super(`the request already passed through this proxy (Via: ${via})`);
  }
}

export class UpgradeNotSupportedError extends ProxyError {
  readonly code = 'WAKEGATE_UPGRADE_NOT_SUPPORTED';
  readonly status = 501;
  readonly title = 'Protocol upgrade not supported';
  constructor(readonly protocol: string) {
    super(`only WebSocket upgrades are tunnelled; "${protocol}" is not`);
  }
}

export class MethodNotAllowedError extends ProxyError {
  readonly code = 'WAKEGATE_METHOD_NOT_ALLOWED';
  readonly status = 405;
  readonly title = 'Method not allowed';
  constructor(message: string, readonly allow: string) {
    super(message);
  }
  override headers(): string[] {
    return ['allow', this.allow];
  }
}

/** The upstream failed before a response head reached us: nothing has been sent to the client. */
export class UpstreamError extends ProxyError {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  constructor(
    readonly kind: UpstreamErrorKind,
    readonly environment: string,
    readonly upstream: string,
    options: { cause: unknown },
  ) {
    super(describeUpstreamFailure(kind, upstream, options.cause), options);
    this.code = `WAKEGATE_UPSTREAM_${kind.toUpperCase()}`;
    this.status = kind === 'timeout' ? 504 : 502;
    this.title = kind === 'timeout' ? 'Upstream timed out' : 'Upstream failed';
  }
  override extensions(): Record<string, unknown> {
    return { environment: this.environment, upstream: this.upstream, kind: this.kind };
  }
}

/** Classifies an undici or socket failure. */
export function upstreamErrorKind(err: unknown): UpstreamErrorKind {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
    case 'WAKEGATE_UPSTREAM_CLOSED':
    case 'ERR_STREAM_DESTROYED':
      return 'reset';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'WAKEGATE_UPSTREAM_HEADERS_TIMEOUT':
    case 'WAKEGATE_UPSTREAM_CONNECT_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return 'timeout';
    case 'HPE_INVALID_CONSTANT':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return 'protocol';
    default:
      if (typeof code === 'string' && code.startsWith('HPE_')) return 'protocol';
      if ((err as { name?: unknown } | null)?.name === 'HTTPParserError') return 'protocol';
      return 'other';
  }
}

function describeUpstreamFailure(kind: UpstreamErrorKind, upstream: string, cause: unknown): string {
  const reason = cause instanceof Error ? cause.message : String(cause);
  switch (kind) {
    case 'refused':
      return `the upstream ${upstream} refused the connection (${reason})`;
    case 'reset':
      return `the upstream ${upstream} closed the connection before answering (${reason})`;
    case 'timeout':
      return `the upstream ${upstream} did not answer in time (${reason})`;
    case 'protocol':
      return `the upstream ${upstream} sent an invalid response (${reason})`;
    case 'other':
      return `forwarding to ${upstream} failed (${reason})`;
  }
}
