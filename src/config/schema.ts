import { z } from 'zod';
import { formatDuration } from './duration.js';
import { environmentsSchema } from './environment-list.js';
import { choice, duration, durationOrOff, flag, integer, list, nonNegativeNumber, section, text, anyText } from './fields.js';
import { checkCidr, checkHttpOrigin, isHttpToken, parseListen, type Checked } from './network.js';
import type { Config } from './types.js';

/**
 * The config file, as a zod schema: the single source of truth for keys, defaults, validation and
 * documentation (`doc.ts` renders docs/configuration.md from it; `env.ts` derives WAKEGATE_* names from it).
 * Every object is strict, so a misspelt key is an error rather than a silently ignored line.
 */

const LISTEN = 'host:port, such as 0.0.0.0:8080 or [::1]:8080';
const ORIGIN = 'an http://host:port origin';

const DEFAULT_IGNORED_USER_AGENTS = [
  'kube-probe', 'Googlebot', 'bingbot', 'UptimeRobot', 'Pingdom', 'StatusCake', 'Site24x7', 'BetterUptime', 'Datadog/Synthetics',
  'Slackbot', 'facebookexternalhit', 'Twitterbot', 'AhrefsBot', 'SemrushBot', 'YandexBot', 'Baiduspider', 'DuckDuckBot', 'Applebot',
] as const;

function viaToken(value: string): Checked<string> {
  return isHttpToken(value) ? { ok: true, value } : { ok: false, reason: 'it has characters a token cannot have' };
}

function currencyText(value: string): Checked<string> {
  const trimmed = value.trim();
  return trimmed.length >= 1 && trimmed.length <= 8 && ![...trimmed].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f') ? { ok: true, value: trimmed } : { ok: false, reason: 'it is empty, too long or has control characters' };
}

function nonEmpty(value: string): Checked<string> {
  return value.trim() === '' ? { ok: false, reason: 'it is empty' } : { ok: true, value };
}

/** Runs a cross-field check only when the fields it reads passed their own checks (and the section is an object). */
function whenValid(...keys: readonly string[]) {
  return (payload: z.core.ParsePayload): boolean =>
    typeof payload.value === 'object' &&
    payload.value !== null &&
    !payload.issues.some((issue) => issue.code !== 'unrecognized_keys' && (issue.path === undefined || issue.path.length === 0 || keys.includes(String(issue.path[0]))));
}

const wake = section({
  timeout: duration('positive', { default: '120s', doc: 'How long a request is held while its environment wakes; then 504.' }),
  maxHeldPerEnvironment: integer({ min: 1 }, { default: 10_000, doc: 'Most requests held at once for one environment; more get 503 + Retry-After.' }),
  maxHeldTotal: integer({ min: 1 }, { default: 50_000, doc: 'Most requests held at once in total; more get 503 + Retry-After.' }),
  maxWakesPerHour: integer({ min: 1 }, { default: 30, doc: 'Wake budget per environment per hour; over it, 503 + Retry-After.' }),
  waitingPage: choice(['auto', 'always', 'never'], { default: 'auto', doc: 'Waiting page while an environment wakes: auto (browser GETs asking for HTML), always, or never.' }),
  ignoreUserAgents: list('non-empty strings', nonEmpty, {
    default: DEFAULT_IGNORED_USER_AGENTS,
    doc: 'User agents (case-insensitive substrings) that never wake an environment and never count as activity: probes, crawlers, uptime monitors.',
  }),
});

const sleep = section({
  idleAfter: duration('positive', { default: '30m', doc: 'An environment with no requests for this long is put to sleep (per environment: `idleAfter`).' }),
  minAwake: duration('zero', { default: '2m', doc: 'Never sleep sooner than this after a wake (or, on Kubernetes, a rollout).' }),
  maxAwake: durationOrOff({ default: 'off', doc: 'Cap on continuous awake time even with traffic (such as 12h); off = no cap.' }),
  checkEvery: duration('positive', { default: '30s', doc: 'How often the sleeper looks for idle environments.' }),
}).superRefine(
  (value, ctx) => {
    if (value.maxAwake !== null && value.maxAwake < value.minAwake) {
      const message = `off or a duration at least as long as sleep.minAwake (${formatDuration(value.minAwake)})`;
      ctx.addIssue({ code: 'custom', path: ['maxAwake'], input: formatDuration(value.maxAwake), message });
    }
  },
  { when: whenValid('minAwake', 'maxAwake') },
);

const forward = section({
  coldStartHeader: flag({ default: true, doc: 'Add `x-wakegate-cold-start: <ms>` to responses that waited for a wake.' }),
  responseHeaderTimeout: duration('positive', { default: '60s', doc: 'An upstream that accepted a request but sent no response head in this time gets a 504.' }),
  trustForwardedFrom: list('IP addresses or CIDRs such as 10.0.0.0/8 or fd00::/8', checkCidr, {
    default: [],
    doc: 'Clients (IPv4/IPv6 addresses or CIDRs) whose X-Forwarded-* headers are kept and appended to; everyone else\'s are replaced.',
  }),
  maxConnectionsPerUpstream: integer({ min: 1 }, { default: 128, doc: 'Most open connections to one upstream origin.' }),
  upstreamKeepAlive: duration('positive', { default: '4s', doc: 'Idle upstream connections are closed after this long (keep it below the upstream\'s own keep-alive timeout).' }),
  maxUpstreamPools: integer({ min: 1 }, { default: 1000, doc: 'Most upstream origins with a connection pool; the least recently used pool is closed gracefully.' }),
  viaName: text('an HTTP token (letters, digits and symbols other than separators), such as wakegate or edge-1', viaToken, { default: 'wakegate', doc: 'The name this proxy writes into `Via`; seeing it on an incoming request means a loop (508).' }),
  transport: choice(['native', 'undici'] as const, { default: 'native', doc: "How requests reach upstreams: native (keep-alive connections parsed by Node's own llhttp; the fastest) or undici (undici pools). WebSocket upgrades always use undici." }),
});

const server = section({
  engine: choice(['native', 'node'] as const, {
    default: 'native',
    doc: "The HTTP/1.1 server clients talk to: native (wakegate's own on Node's llhttp parser; the fastest) or node (node:http). native falls back to node when this Node.js release does not expose its parser.",
  }),
  keepAliveTimeout: duration('zero', { default: '65s', doc: 'Idle keep-alive client connections are closed after this long (keep it above the load balancer\'s idle timeout); 0s = never.' }),
  headersTimeout: duration('positive', { default: '66s', doc: 'A request head must arrive completely within this; must be longer than `server.keepAliveTimeout`.' }),
  requestTimeout: duration('zero', { default: '300s', doc: 'A whole request (head and body) must arrive within this; 0s = no limit.' }),
  maxHeaderSize: integer({ min: 1024, max: 1_048_576 }, { default: 16_384, doc: 'Largest request head in bytes; larger gets 431.' }),
  maxHeadersCount: integer({ min: 1 }, { default: 100, doc: 'Most header fields in a request; more gets 431.' }),
})
  .superRefine(
    (value, ctx) => {
      if (value.headersTimeout <= value.keepAliveTimeout) {
        const message = `a duration longer than server.keepAliveTimeout (${formatDuration(value.keepAliveTimeout)})`;
        ctx.addIssue({ code: 'custom', path: ['headersTimeout'], input: formatDuration(value.headersTimeout), message });
      }
    },
    { when: whenValid('keepAliveTimeout', 'headersTimeout') },
  )
  .superRefine(
    (value, ctx) => {
      // node:http refuses to start with a head deadline beyond the whole-request deadline.
      if (value.requestTimeout !== 0 && value.requestTimeout < value.headersTimeout) {
        const message = `0s or a duration at least as long as server.headersTimeout (${formatDuration(value.headersTimeout)})`;
        ctx.addIssue({ code: 'custom', path: ['requestTimeout'], input: formatDuration(value.requestTimeout), message });
      }
    },
    { when: whenValid('headersTimeout', 'requestTimeout') },
  );

export const configSchema = z.strictObject(
  {
    listen: text(LISTEN, parseListen, { default: '0.0.0.0:8080', doc: 'Address of the proxy.' }),
    admin: section({
      listen: text(LISTEN, parseListen, { default: '127.0.0.1:9090', doc: 'Address of the admin server (health, readiness, metrics, API, dashboard).' }),
      token: text('a string', anyText, {
        default: '',
        doc: 'Bearer token required for admin writes (wake, sleep). Empty: writes are allowed only when `admin.listen` is a loopback address. Reads stay open. Never printed.',
      }),
    }).prefault({}),
    provider: choice(['local', 'kubernetes'], { default: 'local', doc: 'Where environments come from: local (this file, processes started on wake) or kubernetes (labelled namespaces). Static environments work with either.' }),
    wake: wake.prefault({}),
    sleep: sleep.prefault({}),
    shutdown: section({
      drainDelay: duration('zero', { default: '0s', doc: 'After SIGTERM, /readyz answers 503 at once but new requests are accepted this long (give it a few seconds in a cluster).' }),
      grace: duration('zero', { default: '30s', doc: 'Then new connections are refused and in-flight and held requests get at most this long; exit as soon as none are left.' }),
    }).prefault({}),
    metrics: section({
      perEnvironment: flag({ default: false, doc: 'Label metrics with the environment name (unbounded cardinality, so off by default).' }),
    }).prefault({}),
    costs: section({
      perReplicaHour: nonNegativeNumber({ default: 0, doc: 'Money per replica-hour, for the savings figures; 0 = not shown.' }),
      currency: text('a currency code or symbol of 1 to 8 characters, such as USD or €', currencyText, { default: 'USD', doc: 'What `perReplicaHour` is counted in, as the API and dashboard show it.' }),
    }).prefault({}),
    forward: forward.prefault({}),
    server: server.prefault({}),
    log: section({
      level: choice(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info', doc: 'Least severe level logged.' }),
      accessLog: flag({ default: false, doc: 'Log one line per request at info level (off: the hot path logs nothing).' }),
    }).prefault({}),
    environments: environmentsSchema,
    kubernetes: section({
      mode: choice(['ingress', 'direct'], { default: 'ingress', doc: 'ingress: forward to the ingress controller; direct: forward straight to the ready endpoints (pods) of the Service an Ingress names, round-robin.' }),
      ingressUpstream: text(ORIGIN, checkHttpOrigin, { default: 'http://ingress-nginx-controller.ingress-nginx.svc:80', doc: 'The ingress controller, in ingress mode.' }),
      namespaceSelector: text('a label selector', nonEmpty, { default: 'wakegate.io/enabled=true', doc: 'Label selector of the namespaces that are environments.' }),
      kubeconfig: text('a file path', anyText, {
        default: '',
        doc: 'Kubeconfig file used to reach the cluster. Empty: the ServiceAccount of the pod wakegate runs in (in-cluster).',
      }),
      leaseNamespace: text('a namespace name', nonEmpty, {
        default: 'wakegate',
        doc: "Namespace of the `wakegate-sleeper` Lease that picks the one replica running the sleeper: wakegate's own (the manifests set it from the pod's namespace).",
      }),
      identity: text('a string', anyText, { default: '', doc: "This replica's name in the sleeper Lease and in Events. Empty: the host name (the pod's name in a cluster)." }),
      requestTimeout: duration('positive', {
        default: '30s',
        doc: 'Bound on each Kubernetes API request other than watches: one the API server accepts and never answers fails as a timeout, which a wake retries until wake.timeout.',
      }),
    }).prefault({}),
  },
  { error: 'a mapping of keys' },
) satisfies z.ZodType<Config, unknown>;
