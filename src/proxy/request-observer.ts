import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { problemReply, type ProxyError, type UpstreamErrorKind } from './errors.js';
import type { ProxyRequest, ProxyResponse } from './exchange.js';
import type { RequestContext } from './request-context.js';
import type { ForwardObserver, ForwardTarget } from './forwarder.js';

/** The slice of the metrics the request path feeds. */
export interface RequestMetrics {
  observeRequest(statusCode: number, seconds: number, environment?: string): void;
  upstreamError(kind: UpstreamErrorKind): void;
}

/**
 * Where every request ends: metrics, the optional access log, and local replies as problem+json.
 * Nothing here logs above debug per request unless the access log is switched on.
 */
export class RequestObserver implements ForwardObserver {
  readonly #metrics: RequestMetrics;
  readonly #logger: Logger;
  readonly #accessLog: boolean;

  constructor(deps: { metrics: RequestMetrics; logger: Logger; accessLog: boolean }) {
    this.#metrics = deps.metrics;
    this.#logger = deps.logger;
    this.#accessLog = deps.accessLog;
  }

  finished(req: ProxyRequest, status: number, ctx: RequestContext, target: ForwardTarget | undefined): void {
    ctx.finish();
    const seconds = (performance.now() - ctx.startedAt) / 1000;
    this.#metrics.observeRequest(status, seconds, target?.environment);
    if (this.#accessLog) {
      this.#logger.info({ method: req.method, url: req.url, host: hostOf(req), status, ms: Math.round(seconds * 1e4) / 10, environment: target?.environment }, 'request');
    }
  }

  upstreamError(kind: UpstreamErrorKind, err: unknown, target: ForwardTarget): void {
    this.#metrics.upstreamError(kind);
    if (this.#logger.isLevelEnabled('debug')) {
      this.#logger.debug({ kind, environment: target.environment, upstream: target.origin, err }, 'upstream request failed');
    }
  }

  rejected(status: number): void {
    this.#metrics.observeRequest(status, 0);
  }

  reply(req: ProxyRequest, res: ProxyResponse, error: ProxyError, ctx: RequestContext, target: ForwardTarget | undefined): void {
    if (!res.headersSent) {
      const reply = problemReply(error);
      res.writeHead(reply.status, undefined, reply.fields);
      res.end(reply.body);
    } else {
      res.destroy();
    }
    this.finished(req, error.status, ctx, target);
    if (this.#logger.isLevelEnabled('debug')) {
      this.#logger.debug({ code: error.code, status: error.status, method: req.method, url: req.url }, error.message);
    }
  }
}

function hostOf(req: ProxyRequest): string | undefined {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') return raw[i + 1];
  return undefined;
}
