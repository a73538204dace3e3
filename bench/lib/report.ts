/**
 * Turns a results document into the summary printed at the end of a run and into the section of
 * bench/README.md between the results markers (the same markdown), and writes the JSON files.
 * Everything shown is computed from the document alone, so `latest.json` can always regenerate it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PEER_ORDER } from './peers.js';
import { fmtDelta, fmtInt, fmtMs, fmtRatio, table } from './format.js';
import type { BenchResults } from './results.js';
import type { LatencyReport } from '../scenarios/latency.js';

export const README_START = '<!-- bench:results:start -->';
export const README_END = '<!-- bench:results:end -->';

export function renderMarkdown(results: BenchResults): string {
  const sections = [
    header(results),
    throughputSection(results),
    latencySection(results.latency),
    latencySection(results.latencyBursts ?? null),
    routeSection(results),
    coldSection(results),
    kubeSection(results),
    targetsSection(results),
    problemsSection(results),
  ];
  return sections.filter((section) => section !== '').join('\n\n');
}

function header(results: BenchResults): string {
  const { machine, options } = results;
  const tools = Object.entries(results.tools)
    .filter(([name]) => name !== 'node')
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const lines = [
    `Run of ${results.startedAt}${options.quick ? ' — **quick run (`--quick`): indicative only**' : ''}`,
    '',
    `- machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.totalMemoryMb} MB, ${machine.platform} ${machine.kernel}; Node ${machine.nodeVersion}; commit ${machine.gitCommit ?? 'unknown'}`,
    `- load average before / after: ${machine.loadAverageBefore.join(' ')} / ${machine.loadAverageAfter.join(' ')} (other work on the box shows here)`,
    `- pinning: ${machine.pinning}; upstream: ${results.upstream ?? 'not started'}`,
    `- tools: ${tools}`,
  ];
  return lines.join('\n');
}

function throughputSection({ throughput }: BenchResults): string {
  if (throughput === null) return '';
  const { options, medians, ratios, paired } = throughput;
  const direct = medians.direct?.requestsPerSecond ?? null;
  const rows = PEER_ORDER.filter((peer) => medians[peer] !== undefined).map((peer) => {
    const m = medians[peer];
    const rps = m?.requestsPerSecond ?? null;
    return [
      peer,
      fmtInt(rps),
      fmtMs(m?.p50Ms),
      fmtMs(m?.p99Ms),
      peer === 'direct' ? '1.00×' : fmtRatio(rps !== null && direct !== null ? rps / direct : null),
      `${m?.okRuns ?? 0}/${(m?.okRuns ?? 0) + (m?.failedRuns ?? 0)}`,
    ];
  });
  const headline = ['wakegate / nginx', 'wakegate / http-proxy']
    .map((key) => {
      const pair = paired?.[key];
      if (pair === undefined) return `${key} = **${fmtRatio(ratios[key])}**`;
      return `${key} = **${fmtRatio(pair.median)}** per round (${pair.perRound.map(fmtRatio).join(', ')}; ratio of the medians ${fmtRatio(ratios[key])})`;
    })
    .join(' · ');
  return [
    `### (a) Throughput, closed loop — \`wrk -t1 -c${options.connections}\`, ${options.rounds} alternated round(s) of ${options.durationSeconds} s (+${options.warmupSeconds} s warm-up), medians`,
    '',
    table(['path', 'req/s', 'p50 ms', 'p99 ms', 'vs direct', 'ok runs'], rows),
    '',
    headline,
  ].join('\n');
}

function latencySection(latency: LatencyReport | null): string {
  if (latency === null) return '';
  const { options, medians, addedOverDirect } = latency;
  const rate = options.workers * options.ratePerWorker;
  const rows = PEER_ORDER.filter((peer) => medians[peer] !== undefined).map((peer) => {
    const m = medians[peer];
    const added = addedOverDirect[peer];
    return [
      peer,
      fmtInt(m?.requestsPerSecond),
      fmtMs(m?.p50),
      fmtMs(m?.p90),
      fmtMs(m?.p99),
      peer === 'direct' ? '—' : fmtDelta(added?.p50),
      peer === 'direct' ? '—' : fmtDelta(added?.p90),
      peer === 'direct' ? '—' : fmtDelta(added?.p99),
      `${m?.okRuns ?? 0}/${(m?.okRuns ?? 0) + (m?.failedRuns ?? 0)}`,
    ];
  });
  const client =
    latency.client === 'paced'
      ? `evenly spaced arrivals (\`bench/lib/paced-client.mjs\`, one request every ${fmtMs(1_000 / rate)} ms over ${options.workers} keep-alive connections, open loop)`
      : latency.client === 'hey'
        ? `bursts: \`hey -z ${options.durationSeconds}s -c ${options.workers} -q ${options.ratePerWorker}\` (its workers tick together, so ${options.ratePerWorker} bursts of ${options.workers} a second; 0.1 ms steps)`
        : `bursts: Node fixed-rate client, ${options.workers} workers × ${options.ratePerWorker} req/s (hey not installed)`;
  const note =
    latency.client === 'paced'
      ? '`+` columns: added over direct (the median of the path minus the median of direct). The latency targets are judged on this table.'
      : '`+` columns: added over direct. For the record: a request waits behind the rest of its burst, so the added p50 here follows CPU per request. req/s: the rate reached (hey workers wait for each answer).';
  return [
    `### (b) Latency at a fixed ${fmtInt(rate)} req/s — ${client}, ${options.rounds} alternated round(s), medians, ms`,
    '',
    table(['path', 'req/s', 'p50', 'p90', 'p99', '+p50', '+p90', '+p99', 'ok runs'], rows),
    '',
    note,
  ].join('\n');
}

function routeSection({ routeLookup }: BenchResults): string {
  if (routeLookup === null) return '';
  const rows = routeLookup.sizes.map((size) => [
    fmtInt(size.routes),
    String(size.nsPerLookup.exact),
    String(size.nsPerLookup.wildcard),
    String(size.nsPerLookup['wildcard-uncached']),
    String(size.nsPerLookup.miss),
    fmtMs(size.buildMs, 1),
    `${size.memory.baseline.rssMb} / ${size.memory.afterBuild.rssMb} / ${size.memory.afterRandom100k.rssMb}`,
    `${size.memory.baseline.heapUsedMb} / ${size.memory.afterBuild.heapUsedMb} / ${size.memory.afterRandom50k.heapUsedMb} / ${size.memory.afterRandom100k.heapUsedMb}`,
    fmtInt(size.memory.afterRandom100k.wildcardCacheEntries),
  ]);
  const { options } = routeLookup;
  return [
    `### (c) Route lookup — ns per lookup (best of ${options.repeats} × ${fmtInt(options.iterations)} lookups), memory in MB, one fresh process per size${routeLookup.runtime === 'tsx' ? ' (under tsx: +≈40 MB RSS)' : ''}`,
    '',
    table(
      ['routes', 'exact', 'wildcard', 'wildcard uncached', 'miss', 'build ms', 'RSS base / built / +100k random', 'heap base / built / +50k / +100k', 'cache entries'],
      rows,
    ),
    '',
    '"wildcard uncached" cycles 20 000 hosts through the 10 000-entry wildcard cache (every lookup walks and evicts). ' +
      'Memory is measured after a full GC; "+50k / +100k random" are after that many lookups of random hosts (half under wildcards, half unknown): ' +
      'a bounded cache shows the same heap after 50 000 and 100 000.',
  ].join('\n');
}

function kubeSection({ kube }: BenchResults): string {
  if (kube === undefined || kube === null) return '';
  const { cold, idle, scale } = kube;
  const lines = [
    `### (e) Kubernetes provider on the fake API server — wakegate as a process, \`mode: direct\`, simulated kubelet, ms`,
    '',
    table(
      ['measurement', 'value'],
      [
        [`ready EndpointSlice → request at the pod (wakegate's part), p50 / max over ${cold.rounds.length} round(s)`, `${fmtMs(cold.p50OverheadMs)} / ${fmtMs(cold.maxOverheadMs)}`],
        ['ready EndpointSlice → first byte at the client (adds the fresh pod process answering its first request), p50', fmtMs(cold.p50ToClientMs ?? null)],
        ['request → first byte (whole cold start, pods ready when they listen), p50', fmtMs(cold.p50EndToEndMs)],
        ['API requests during one wake (median round)', `${cold.apiRequestsPerWake ?? '—'}: ${Object.entries(cold.apiRequestsOfOneWake).map(([k, n]) => `${n}× ${k}`).join(', ')}`],
        ...(idle === null ? [] : [[`API requests while idle (${idle.seconds} s, per hour)`, `${fmtInt(idle.requests)} → ${fmtInt(idle.perHour)}/h: ${Object.entries(idle.byKind).map(([k, n]) => `${n}× ${k}`).join(', ')}`]]),
        ...(scale === null ? [] : [[`first sync of ${fmtInt(scale.namespaces)} namespaces × 3 workloads (spawn → /readyz 200)`, `${fmtInt(scale.syncMs)} ms`], ['RSS after that sync', `${scale.rssMb ?? '—'} MB`]]),
        ...(kube.warm === undefined || kube.warm === null
          ? []
          : [[`warm path (static route, \`wrk -t1 -c50\`, ${kube.warm.rounds} alternated rounds of ${kube.warm.durationSeconds} s): 1 namespace / ${fmtInt(scale?.namespaces ?? 0)} namespaces loaded`, `${fmtInt(kube.warm.small)} / ${fmtInt(kube.warm.large)} req/s (${fmtRatio(kube.warm.ratio)})`]]),
      ],
      ['l', 'l'],
    ),
    '',
    'The fake API server and kubelet run in the harness process; wakegate on the proxy CPU. Each round puts the namespace to sleep through the admin API first. "API requests during one wake" counts every request the fake received from the request to its answer: wakegate\'s scale calls, the Pod watch of the waking namespace, and watch reconnections that fell in that window.',
  ];
  return lines.join('\n');
}

function coldSection({ coldStart }: BenchResults): string {
  const cold = coldStart ?? null;
  if (cold === null) return '';
  const { settings, overhead, memory } = cold;
  const releaseRows = cold.release.map((entry) => {
    const f = entry.firstByteMs;
    const rounds = entry.okRounds + entry.failedRounds;
    const r = entry.afterReadyMs;
    return [fmtInt(entry.size), String(rounds), fmtMs(f?.min), fmtMs(f?.p50), fmtMs(f?.p90), fmtMs(f?.p99), fmtMs(f?.max), fmtMs(r?.p50), fmtMs(r?.p99), fmtMs(entry.allAnsweredMs), `${entry.okRounds}/${rounds}`];
  });
  const overheadRow = (path: string, m: typeof overhead.byHand): string[] => [
    path,
    fmtMs(m.totalMs),
    fmtMs(m.untilListenMs),
    fmtMs(m.afterListenMs),
    `${m.okRuns}/${m.okRuns + m.failedRuns}`,
  ];
  const untilListen =
    overhead.wakegate.untilListenMs === null || overhead.byHand.untilListenMs === null ? null : overhead.wakegate.untilListenMs - overhead.byHand.untilListenMs;
  const overheadRows = [
    overheadRow('by hand', overhead.byHand),
    overheadRow('wakegate', overhead.wakegate),
    ['overhead', fmtDelta(overhead.overheadMs), fmtDelta(untilListen), fmtDelta(overhead.afterListenOverheadMs), ''],
  ];
  const memoryLine =
    memory === null
      ? 'Memory: not measured.'
      : `Memory of the wakegate process (VmRSS) with ${fmtInt(memory.held)} requests held: ${fmtMs(memory.beforeMb, 1)} MB before, ${fmtMs(memory.heldMb, 1)} MB held ` +
        `(**${fmtDelta(memory.growthMb, 1)} MB**, ${fmtMs(memory.growthMb === null || memory.held === 0 ? null : (memory.growthMb * 1024) / memory.held, 1)} KB per held request), ` +
        `${fmtMs(memory.afterReleaseMb, 1)} MB after the release; peak (VmHWM) ${fmtMs(memory.peakMb, 1)} MB.`;
  const largest = cold.releaseRounds.filter((run) => run.size > settings.repeatUpTo).at(-1);
  const cpuLine =
    largest === undefined || !largest.ok
      ? ''
      : `CPU time while the ${fmtInt(largest.size)} held requests were answered (${fmtMs(largest.allAnsweredMs, 0)} ms): wakegate ${fmtInt(largest.releaseCpuMs.wakegate)} ms, ` +
        `the app ${fmtInt(largest.releaseCpuMs.app)} ms (/proc, 10 ms ticks; the app shares its CPU with the client).`;
  return [
    `### (d) Cold start — wakegate as a process, a local environment running \`node bench/apps/cold-app.mjs\` (TCP readiness), ms`,
    '',
    `Release of held requests: first response byte at the client after the app listens. Sizes up to ${fmtInt(settings.repeatUpTo)} ran ${cold.options.rounds} rounds ` +
      '(percentiles over every request of every round), larger sizes one round; "ready→": from wakegate observing the app ready ' +
      '(the start of its awake phase, to the millisecond) instead, which leaves out the readiness probe interval; "all answered": the last complete response, slowest round.',
    '',
    table(['held', 'rounds', 'min', 'p50', 'p90', 'p99', 'max', 'ready→ p50', 'ready→ p99', 'all answered', 'ok rounds'], releaseRows),
    '',
    memoryLine,
    ...(cpuLine === '' ? [] : ['', cpuLine]),
    '',
    `Cold start end to end, medians of ${cold.options.rounds} alternated rounds: by hand = a launcher on wakegate's CPU spawns the app and connects every ${settings.byHandRetryMs} ms until it answers; ` +
      'wakegate = one request to the sleeping environment. "start" is the spawn and the request.',
    '',
    table(['path', 'start → first byte', 'start → listening', 'listening → first byte', 'ok runs'], overheadRows),
    '',
    `Settings: \`wake.maxHeldPerEnvironment\` = \`maxHeldTotal\` = ${fmtInt(settings.maxHeld)}, \`forward.maxConnectionsPerUpstream\` = ${cold.options.maxConnectionsPerUpstream}${cold.options.maxConnectionsPerUpstream === 128 ? ' (the default)' : ''}; ` +
      `the held client keeps at most ${settings.connectParallel} connects in flight; open files ${settings.openFilesLimit === null ? 'unknown' : `${settings.openFilesLimit.soft} (hard ${settings.openFilesLimit.hard})`}.`,
  ].join('\n');
}

function targetsSection({ targets }: BenchResults): string {
  if (targets.length === 0) return '';
  const rows = targets.map((target) => [target.description, target.measured, target.status === 'PASS' ? 'PASS' : target.status === 'FAIL' ? '**FAIL**' : 'N/A']);
  return ['### Targets', '', table(['target', 'measured', 'result'], rows, ['l', 'l', 'l'])].join('\n');
}

function problemsSection(results: BenchResults): string {
  const lines: string[] = [];
  for (const skip of results.skipped) lines.push(`- skipped ${skip.name}: ${skip.reason}`);
  for (const failure of results.throughput?.failures ?? []) lines.push(`- failed (a) round ${failure.round} ${failure.peer}: ${failure.reason}`);
  for (const report of [results.latency, results.latencyBursts ?? null]) {
    if (report === null) continue;
    const model = report.options.arrivals ?? 'bursts';
    for (const failure of report.failures) lines.push(`- failed (b ${model}) round ${failure.round} ${failure.peer}: ${failure.reason}`);
    for (const short of report.rateShortfalls) {
      lines.push(`- (b ${model}) round ${short.round} ${short.peer} reached only ${fmtInt(short.requestsPerSecond)} req/s: its latency is not measured at the intended rate`);
    }
  }
  for (const failure of results.routeLookup?.failures ?? []) lines.push(`- failed (c) ${failure.routes} routes: ${failure.reason}`);
  for (const skip of results.coldStart?.skippedSizes ?? []) lines.push(`- skipped (d) ${skip.size} held requests: ${skip.reason}`);
  for (const failure of results.coldStart?.failures ?? []) lines.push(`- failed (d) ${failure.part}: ${failure.reason}`);
  return lines.length === 0 ? '' : ['### Skipped and failed', '', ...lines].join('\n');
}

/** Writes `<dir>/<timestamp>.json` and `<dir>/latest.json`; returns the timestamped path. */
export function writeResults(results: BenchResults, dir: string): string {
  mkdirSync(dir, { recursive: true });
  // ISO 8601 without ':' (not allowed in file names everywhere): 2026-11-26T13-51-04Z.
  const stamp = results.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const file = path.join(dir, `${stamp}.json`);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(path.join(dir, 'latest.json'), text);
  return file;
}

/**
 * Replaces what lies between the markers of `readmePath` with `markdown`. Returns false (and writes
 * nothing) when the file or a marker is missing, so a hand-edited README is never clobbered.
 */
export function updateReadme(readmePath: string, markdown: string): boolean {
  let text: string;
  try {
    text = readFileSync(readmePath, 'utf8');
  } catch {
    return false;
  }
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return false;
  const before = text.slice(0, start + README_START.length);
  const after = text.slice(end);
  const generated = '\n<!-- Generated by `npm run bench` from bench/results/latest.json; edits here are overwritten. -->\n\n';
  writeFileSync(readmePath, `${before}${generated}${markdown}\n\n${after}`);
  return true;
}
