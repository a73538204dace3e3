/** A minimal reader of the Prometheus text format, enough to assert on what wakegate exposes. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) labels[name!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** `# TYPE` lines: metric family name → type. */
export function metricTypes(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(name!, type!);
  return types;
}

/** The samples of `name` whose labels include every pair of `labels`. */
export function find(text: string, name: string, labels: Record<string, string> = {}): Sample[] {
  return parseSamples(text).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The single value of `name` with exactly `labels`; throws when absent, so a missing series fails loudly. */
export function valueOf(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.keys(labels).length;
  const sample = find(text, name, labels).find((s) => Object.keys(s.labels).length === wanted);
  if (sample === undefined) throw new Error(`no sample ${name}${JSON.stringify(labels)}`);
  return sample.value;
}
