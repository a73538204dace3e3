import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { EnvironmentView } from '../../../src/admin/types.js';
import { painter } from '../../../src/cli/colour.js';
import { formatStatusTable } from '../../../src/cli/status-table.js';
import { displayWidth, formatTable } from '../../../src/cli/table.js';

const NOW = Date.parse('2026-11-26T15:00:00.000Z');
const NO_SAVINGS = { last24h: { asleepHours: 0, savedReplicaHours: 0, savedCost: null }, last7d: { asleepHours: 0, savedReplicaHours: 0, savedCost: null } };

function view(fields: Partial<EnvironmentView> & { id: string }): EnvironmentView {
  return {
    phase: 'asleep',
    kind: 'local',
    hosts: [`${fields.id}.localhost`],
    upstream: 'http://127.0.0.1:3001',
    lastActivity: null,
    sleepsAt: null,
    awakeBecause: null,
    replicas: null,
    keepAwake: null,
    savings: NO_SAVINGS,
    ...fields,
  };
}

const FLEET = [
  view({
    id: 'shop',
    phase: 'awake',
    hosts: ['shop.localhost', '*.preview.localhost'],
    lastActivity: new Date(NOW - 12_000).toISOString(),
    sleepsAt: new Date(NOW + 552_000).toISOString(),
    lastWakeSeconds: 8.24,
    replicas: { current: 3, awake: 3 },
    keepAwake: { until: '2026-11-26T16:00:00Z', by: 'alice', at: null },
  }),
  view({ id: 'a-much-longer-environment-name', replicas: { current: 0, awake: 12 } }),
  view({ id: 'x', phase: 'failed', kind: 'static', hosts: ['x.test'] }),
];

/** Where each header's column starts, and every row's cell there. */
function columnStarts(table: string): number[] {
  const header = table.split('\n')[0]!;
  return [...header.matchAll(/\S+( \S+)*/g)].map((m) => m.index);
}

describe('the status table', () => {
  it('has the operator\'s columns, with relative times, countdowns, replicas and the keep-awake wish', () => {
    const lines = formatStatusTable(FLEET, { now: NOW, paint: painter(false), timeZone: 'UTC' }).split('\n');
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['ENVIRONMENT', 'PHASE', 'LAST ACTIVITY', 'SLEEPS IN', 'LAST WAKE', 'REPLICAS', 'KEPT AWAKE', 'HOSTS']);
    expect(lines[1]!.split(/\s{2,}/)).toEqual(['shop', 'awake', '12s ago', '9m 12s', '8.2s', '3/3', 'until 16:00 by alice', 'shop.localhost,*.preview.localhost']);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['a-much-longer-environment-name', 'asleep', '-', '-', '-', '0/12', '-', 'a-much-longer-environment-name.localhost']);
    expect(lines[3]!.split(/\s{2,}/)).toEqual(['x', 'failed', '-', '-', '-', '-', '-', 'x.test']);
    expect(lines[4]).toBe('');
    expect(lines).toHaveLength(5);
  });

  it('aligns every column to its widest cell, whether that is the header or a value', () => {
    const table = formatStatusTable(FLEET, { now: NOW, paint: painter(false), timeZone: 'UTC' });
    const starts = columnStarts(table);
    // ENVIRONMENT is as wide as the long name (plus the two-space gap); PHASE as its header.
    expect(starts[1]).toBe('a-much-longer-environment-name'.length + 2);
    expect(starts[2]).toBe(starts[1]! + 'PHASE'.length + 2 + 1); // "asleep"/"failed" are one wider than "PHASE"
    for (const line of table.trimEnd().split('\n').slice(1)) {
      for (const start of starts.slice(1)) {
        expect(line[start - 1], `column at ${start} of ${JSON.stringify(line)}`).toBe(' ');
        expect(line[start], `column at ${start} of ${JSON.stringify(line)}`).not.toBe(' ');
      }
    }
  });

  it('writes no escape code when colour is off', () => {
    const table = formatStatusTable(FLEET, { now: NOW, paint: painter(false) });
    expect(table).not.toContain('\u001b');
  });

  it('colours the phase by what it means when colour is on, without moving the columns', () => {
    const plain = formatStatusTable(FLEET, { now: NOW, paint: painter(false), timeZone: 'UTC' });
    const coloured = formatStatusTable(FLEET, { now: NOW, paint: painter(true), timeZone: 'UTC' });
    const lines = coloured.split('\n');
    expect(lines[1]).toContain('\u001b[32mawake\u001b[39m');
    expect(lines[2]).toContain('\u001b[2masleep\u001b[22m');
    expect(lines[3]).toContain('\u001b[31mfailed\u001b[39m');
    expect(stripVTControlCharacters(coloured)).toBe(plain);
    const waking = formatStatusTable([view({ id: 'w', phase: 'waking' }), view({ id: 's', phase: 'sleeping' })], { now: NOW, paint: painter(true) });
    expect(waking.split('\u001b[33m')).toHaveLength(3);
  });
});

describe('aligned tables', () => {
  it('counts a wide character two columns and a combining mark none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('山田')).toBe(4);
    expect(displayWidth('José')).toBe(4);
    expect(displayWidth('Jose\u0301')).toBe(4);
    expect(displayWidth('🚀')).toBe(2);
  });

  it('aligns on screen columns when a value has wide characters', () => {
    const table = formatTable(['WHO', 'WHAT'], [['山田', 'x'], ['bob', 'y'], ['Jose\u0301', 'z']], painter(false));
    expect(table).toBe('WHO   WHAT\n山田  x\nbob   y\nJose\u0301  z\n');
  });

  it('shows control characters of a value as ?, so a value cannot move the cursor or colour the terminal', () => {
    const table = formatTable(['A', 'B'], [['evil\u001b[2J', 'line\rbreak']], painter(false));
    expect(table).toBe('A         B\nevil?[2J  line?break\n');
  });
});
