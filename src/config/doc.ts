import { DURATION_FORMS } from './duration.js';
import { CONFIG_FILE_VARIABLE, envVariableName } from './env.js';
import { environmentSchema } from './environment-schema.js';
import type { FieldDoc } from './fields.js';
import { configSchema } from './schema.js';
import { configFields } from './schema-walk.js';

/** The command that regenerates docs/configuration.md; a test fails with it when the page is stale. */
export const REGENERATE_DOC = 'npx tsx scripts/config-doc.ts > docs/configuration.md';

/** A small valid config file, shown on the reference page (a test loads it). */
export const EXAMPLE_CONFIG = `listen: "0.0.0.0:8080"
admin:
  listen: "127.0.0.1:9090"
provider: local
sleep:
  idleAfter: 15m
environments:
  - name: shop
    hosts: ["shop.localhost"]
    upstream: "http://127.0.0.1:3001"
    command: ["node", "examples/apps/hello.mjs"]
    env: { PORT: "3001" }
    ready: { httpGet: /healthz }
    idleAfter: 5m
  - name: docs
    hosts: ["*.docs.localhost"]
    paths: ["/api"]
    upstream: "http://127.0.0.1:4000"
`;

/** docs/configuration.md, rendered from the schema's field documentation. */
export function renderConfigDoc(): string {
  const keyRows = configFields(configSchema).map(({ path, doc }) =>
    row([code(path.join('.')), code(envVariableName(path)), shownDefault(doc), cell(doc.expected), cell(doc.description)]),
  );
  const entryRows = configFields(environmentSchema).map(({ path, doc }) =>
    row([code(path.join('.')), shownDefault(doc), cell(doc.expected), cell(doc.description)]),
  );
  return `# Configuration reference

<!-- Generated from src/config/schema.ts by src/config/doc.ts. Do not edit by hand: run \`${REGENERATE_DOC}\`. -->

wakegate reads one YAML file, named by \`wakegate serve --config FILE\` or the \`${CONFIG_FILE_VARIABLE}\` variable, then
applies \`WAKEGATE_*\` environment variables on top. \`wakegate check-config FILE\` prints the effective configuration
(the admin token redacted) or every problem found, one per line, and exits 1.

- **Every key is optional** except inside \`environments\` entries; a missing key has the default below.
- **Unknown keys are errors**, in the file and among \`WAKEGATE_*\` variables: a misspelt key is never silently ignored.
- **Every problem is reported at once**: key (or variable), the value given, and what was expected.
- **Durations** are ${DURATION_FORMS}. Parts go from the largest unit down, each unit once (\`1h30m\`, \`2m30s\`, \`1s500ms\`).
  A bare number is an error (\`30\` could be seconds or milliseconds). Some keys also take \`off\` or \`never\`.
- **Environment variables**: every key is settable by \`WAKEGATE_\` plus its path in upper snake case
  (\`wake.maxHeldPerEnvironment\` → \`WAKEGATE_WAKE_MAX_HELD_PER_ENVIRONMENT\`), and wins over the file. Values are
  converted by the key's type: numbers, \`true\`/\`false\`, lists as comma-separated items or a JSON array.
  \`WAKEGATE_ENVIRONMENTS\` takes a JSON array and replaces the whole list. \`${CONFIG_FILE_VARIABLE}\` names the file itself,
  and \`WAKEGATE_ADMIN_URL\` is read by \`wakegate status\`; the service-link variables Kubernetes injects for a Service named
  \`wakegate\` or \`wakegate-…\` (\`WAKEGATE_SERVICE_HOST\`, \`WAKEGATE_PUBLIC_PORT_80_TCP\`, …, each with its \`…_SERVICE_HOST\`) are ignored; any other unknown \`WAKEGATE_*\` variable is an error.
- **The admin token** (\`admin.token\`) is never printed; set it from a secret with \`WAKEGATE_ADMIN_TOKEN\`. With no token,
  admin writes are allowed only when \`admin.listen\` is a loopback address.

## Keys

| key | variable | default | accepts | meaning |
|---|---|---|---|---|
${keyRows.join('\n')}

## \`environments\` entries

Each entry is one static or local environment and its routes. Two entries may not share a \`name\`, nor claim the
same host and path prefix.

| field | default | accepts | meaning |
|---|---|---|---|
${entryRows.join('\n')}

## Example

\`\`\`yaml
${EXAMPLE_CONFIG}\`\`\`

A complete file with every key and its default is in [examples/wakegate.example.yaml](../examples/wakegate.example.yaml).
`;
}

function shownDefault(doc: FieldDoc): string {
  if (doc.required) return 'required';
  if (doc.default === null) return '—';
  return doc.default === '' ? '`""`' : code(doc.default);
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function code(text: string): string {
  return `\`${cell(text)}\``;
}
