import { Counter, Histogram, type Registry } from 'prom-client';
import { CODE_CLASSES, codeClassIndex } from './metric-labels.js';

/**
 * Seconds. From half a millisecond (a warm forward on loopback) to two minutes: a request held
 * through a cold start is still one request, and `wake.timeout` defaults to 120 s.
 */
const REQUEST_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

/** Label set of one environment, built once and reused for every observation. */
interface EnvironmentSeries {
  readonly labels: { readonly environment: string };
  readonly codeClasses: Float64Array;
}

/**
 * `wakegate_requests_total{code_class}` and `wakegate_request_duration_seconds`: the only metrics
 * touched once per proxied request.
 *
 * prom-client builds a label-hash string on every `inc()` of a labelled counter, even through a
 * `labels()` child. So request counts live in a Float64Array (one cell per code class, per
 * environment when enabled) and are copied into the prom-client counter when it is scraped. With
 * `perEnvironment` off, a request costs one array increment and one unlabelled histogram
 * observation; with it on, one `Map.get` more and prom-client's hash of the environment label.
 */
export class RequestMetrics {
  readonly #perEnvironment: boolean;
  readonly #codeClasses = new Float64Array(CODE_CLASSES.length);
  readonly #environments = new Map<string, EnvironmentSeries>();
  readonly #requests: Counter<'code_class' | 'environment'>;
  readonly #duration: Histogram<'environment'>;

  constructor(registry: Registry, perEnvironment: boolean) {
    this.#perEnvironment = perEnvironment;
    const environment = perEnvironment ? (['environment'] as const) : [];
    this.#requests = new Counter({
      name: 'wakegate_requests_total',
      help: 'Requests answered on the proxy listener, by status class.',
      labelNames: ['code_class', ...environment],
      registers: [registry],
      collect: () => this.#copyCounts(),
    });
    this.#duration = new Histogram({
      name: 'wakegate_request_duration_seconds',
      help: 'Time from request arrival to the end of the response, holds included.',
      labelNames: [...environment],
      buckets: REQUEST_BUCKETS,
      registers: [registry],
    });
  }

  /** `environment` is ignored unless per-environment labels are on; there, absent means "no route" (label ""). */
  observe(statusCode: number, seconds: number, environment?: string): void {
    if (!this.#perEnvironment) {
      this.#codeClasses[codeClassIndex(statusCode)]! += 1;
      this.#duration.observe(seconds);
      return;
    }
    const series = this.#seriesOf(environment ?? '');
    series.codeClasses[codeClassIndex(statusCode)]! += 1;
    this.#duration.observe(series.labels, seconds);
  }

  /** Drops the series of an environment that no longer exists, so deleted previews do not accumulate. */
  forget(environment: string): void {
    if (!this.#environments.delete(environment)) return;
    this.#duration.remove({ environment });
  }

  #seriesOf(environment: string): EnvironmentSeries {
    let series = this.#environments.get(environment);
    if (series === undefined) {
      series = { labels: { environment }, codeClasses: new Float64Array(CODE_CLASSES.length) };
      this.#environments.set(environment, series);
    }
    return series;
  }

  /** Scrape time only: rebuilds the counter's series from the cells (counts only ever grow). */
  #copyCounts(): void {
    const counter = this.#requests;
    counter.reset();
    if (!this.#perEnvironment) {
      CODE_CLASSES.forEach((code_class, i) => counter.inc({ code_class }, this.#codeClasses[i] ?? 0));
      return;
    }
    for (const [environment, series] of this.#environments) {
      CODE_CLASSES.forEach((code_class, i) =>
        counter.inc({ code_class, environment }, series.codeClasses[i] ?? 0),
      );
    }
  }
}
