// k6: warm-path load at a constant arrival rate against a running wakegate (or any HTTP endpoint).
//
// k6 is a Go binary (the npm package "k6" is an empty placeholder); the simplest route is Docker:
//   docker run --rm -i --network host grafana/k6 run \
//     -e TARGET=http://127.0.0.1:8080/ -e HOST=shop.localhost - < bench/k6/warm.js
// `--network host` lets the container reach a proxy listening on the host's 127.0.0.1.
//
// Environment (-e NAME=value):
//   TARGET          URL to request (required)
//   HOST            Host header to send, i.e. which environment wakegate routes to (default: TARGET's host)
//   RATE            requests per second, started at a constant rate whatever the latency (default 1000)
//   DURATION        how long (default 30s)
//   VUS             virtual users allocated up front (default 50; up to 4× more are added if needed)
//   P99_MS          threshold on the 99th percentile of request duration, ms (default 10)
//   MAX_ERROR_RATE  threshold on the share of failed requests (default 0: any failure fails the run)
//
// Warm path means the environment is awake: wake it first (one request, or `wakegate wake ENV`),
// otherwise the first requests measure a cold start. k6 exits non-zero when a threshold fails.
// Open-loop, unlike wrk: a slow answer does not slow the arrival rate, so queueing shows in the tail;
// "dropped_iterations" in the summary means k6 ran out of VUs to keep the rate.
import http from 'k6/http';
import { check } from 'k6';

const TARGET = __ENV.TARGET;
if (!TARGET) {
  throw new Error('set TARGET, e.g. -e TARGET=http://127.0.0.1:8080/');
}
const HOST = __ENV.HOST || '';
const RATE = Number(__ENV.RATE || 1000);
const DURATION = __ENV.DURATION || '30s';
const VUS = Number(__ENV.VUS || 50);
const P99_MS = Number(__ENV.P99_MS || 10);
const MAX_ERROR_RATE = Number(__ENV.MAX_ERROR_RATE || 0);

export const options = {
  discardResponseBodies: true,
  scenarios: {
    warm: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: VUS,
      maxVUs: VUS * 4,
    },
  },
  thresholds: {
    http_req_duration: [`p(99)<${P99_MS}`],
    // rate<=0 means "no failure at all"; a positive MAX_ERROR_RATE allows that share.
    http_req_failed: [`rate<=${MAX_ERROR_RATE}`],
    checks: [`rate>=${1 - MAX_ERROR_RATE}`],
  },
  summaryTrendStats: ['min', 'med', 'p(90)', 'p(99)', 'max'],
};

const params = HOST ? { headers: { Host: HOST }, tags: { name: 'warm' } } : { tags: { name: 'warm' } };

export default function () {
  const res = http.get(TARGET, params);
  check(res, { 'status is 2xx': (r) => r.status >= 200 && r.status < 300 });
}
