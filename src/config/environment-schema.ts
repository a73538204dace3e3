import { z } from 'zod';
import { checkedString, durationSchema, fieldDocs, type FieldDoc } from './fields.js';
import { checkHttpOrigin, checkRouteHost, type Checked } from './network.js';

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME_EXPECTED = 'a name of lower-case letters, digits and "-" (at most 63, starting and ending with a letter or digit), such as shop or pr-42';

export function checkEnvironmentName(text: string): Checked<string> {
  if (text.length > 63) return { ok: false, reason: 'it is longer than 63 characters' };
  return NAME.test(text) ? { ok: true, value: text } : { ok: false, reason: 'it has other characters' };
}

export function checkPathPrefix(text: string): Checked<string> {
  if (!text.startsWith('/')) return { ok: false, reason: 'it does not start with /' };
  if (/[?#\s]/.test(text)) return { ok: false, reason: 'it has a query, fragment or space' };
  return { ok: true, value: text };
}

/** Repeats within one entry are harmless; dropping them keeps route tables free of duplicates. */
function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function checkNonEmpty(text: string): Checked<string> {
  return text === '' ? { ok: false, reason: 'it is empty' } : { ok: true, value: text };
}

const HOST_EXPECTED = 'a hostname such as shop.localhost or *.preview.example.com (no scheme, port or path)';
const HOSTS_EXPECTED = 'a non-empty list of hostnames such as shop.localhost or *.preview.example.com (no scheme, port or path)';
const PATHS_EXPECTED = 'a non-empty list of path prefixes starting with /';
const PATH_EXPECTED = 'a path prefix starting with /, such as /api';
const ENV_VALUE_EXPECTED = 'a string (quote numbers and booleans: "3001")';

const idleAfter = durationSchema('positive', { word: 'never', value: Number.POSITIVE_INFINITY });

const ready = z
  .strictObject(
    {
      httpGet: checkedString('a path starting with /, such as /healthz', (path) =>
        path.startsWith('/') && !/\s/.test(path) ? { ok: true, value: path } : { ok: false, reason: 'it is not a path' },
      ).optional(),
      tcp: z.literal(true, { error: 'true (a TCP connect probe)' }).optional(),
    },
    { error: '{ httpGet: /path } or { tcp: true }' },
  )
  .superRefine((probe, ctx) => {
    if ((probe.httpGet === undefined) === (probe.tcp === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'exactly one of httpGet or tcp, such as { httpGet: /healthz } or { tcp: true }', input: probe });
    }
  })
  .transform((probe) => ({ httpGet: probe.httpGet ?? null }));

/** Entry fields are documented like keys, but are set from the environment only as part of WAKEGATE_ENVIRONMENTS. */
function entryField<S extends z.ZodType>(schema: S, doc: Omit<FieldDoc, 'envKind'>): S {
  fieldDocs.add(schema, { ...doc, envKind: 'json' });
  return schema;
}

/** One entry of `environments`: a static or local environment and the routes that lead to it. */
export const environmentSchema = z.strictObject(
  {
    name: entryField(checkedString(NAME_EXPECTED, checkEnvironmentName), {
      description: 'Unique name; the id used by the admin API and `wakegate wake NAME`.',
      expected: NAME_EXPECTED,
      default: null,
      required: true,
    }),
    hosts: entryField(
      z.array(checkedString(HOST_EXPECTED, checkRouteHost), { error: HOSTS_EXPECTED }).min(1, { error: HOSTS_EXPECTED })
        .transform(unique),
      {
        description: 'Hosts routed to this environment: exact (`shop.localhost`) or wildcard (`*.preview.example.com`). Matched case-insensitively.',
        expected: HOSTS_EXPECTED,
        default: null,
        required: true,
      },
    ),
    paths: entryField(
      z.array(checkedString(PATH_EXPECTED, checkPathPrefix), { error: PATHS_EXPECTED }).min(1, { error: PATHS_EXPECTED }).transform(unique).prefault(['/']),
      { description: 'Path prefixes routed to this environment on those hosts.', expected: PATHS_EXPECTED, default: '["/"]', required: false },
    ),
    upstream: entryField(checkedString('an http://host:port origin, such as http://127.0.0.1:3001', checkHttpOrigin), {
      description: 'Where requests are forwarded. Origin only: no path, query or user information. https is not supported yet.',
      expected: 'an http://host:port origin, such as http://127.0.0.1:3001',
      default: null,
      required: true,
    }),
    command: entryField(
      z.array(checkedString('a non-empty string', checkNonEmpty), { error: 'a non-empty list of strings (program and arguments)' })
        .min(1, { error: 'a non-empty list of strings (program and arguments)' })
        .optional()
        .transform((argv) => argv ?? null),
      {
        description: 'Local provider: program and arguments started on wake and stopped on sleep (no shell). Absent: a static environment, always awake.',
        expected: 'a non-empty list of strings (program and arguments)',
        default: null,
        required: false,
      },
    ),
    env: entryField(
      z.record(z.string().regex(/^[^=\0]+$/, { error: 'a variable name without "="' }), z.string({ error: ENV_VALUE_EXPECTED })).prefault({}),
      { description: 'Extra environment variables for `command` (added to wakegate\'s own).', expected: `a mapping of names to ${ENV_VALUE_EXPECTED}`, default: '{}', required: false },
    ),
    cwd: entryField(
      checkedString('a non-empty directory path', checkNonEmpty)
        .optional()
        .transform((dir) => dir ?? null),
      { description: 'Working directory of `command`; a relative path is relative to the config file\'s directory. Absent: wakegate\'s own.', expected: 'a non-empty directory path', default: null, required: false },
    ),
    ready: entryField(ready.optional().transform((probe) => probe ?? { httpGet: null }), {
      description: 'When a woken environment counts as ready: `{ httpGet: /path }` (a GET of that path on the upstream succeeds) or `{ tcp: true }` (the upstream port accepts a connection).',
      expected: '{ httpGet: /path } or { tcp: true }',
      default: '{ tcp: true }',
      required: false,
    }),
    idleAfter: entryField(idleAfter.schema.optional().transform((ms) => ms ?? null), {
      description: 'Idle timeout of this environment; `never` keeps it awake. Absent: `sleep.idleAfter`.',
      expected: idleAfter.expected,
      default: null,
      required: false,
    }),
  },
  { error: 'a mapping with at least name, hosts and upstream' },
);
