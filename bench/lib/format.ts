/** Formatting shared by the console summary and the README table (both are the same markdown). */

export function fmtInt(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : Math.round(value).toLocaleString('en-US');
}

/** Milliseconds with up to `digits` decimals; "—" for a missing figure. */
export function fmtMs(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? '—' : String(Math.round(value * 10 ** digits) / 10 ** digits);
}

/** A signed difference: "+0.30", "-0.05". */
export function fmtDelta(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return '—';
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

export function fmtRatio(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${value.toFixed(2)}×`;
}

/**
 * A markdown table with padded columns, readable as plain text in a terminal too.
 * `align` per column: 'l' or 'r' (default: first column left, the others right).
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const sides = header.map((_, i) => align?.[i] ?? (i === 0 ? 'l' : 'r'));
  const widths = header.map((cell, i) => Math.max(cell.length, 3, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((width, i) => (sides[i] === 'l' ? (cells[i] ?? '').padEnd(width) : (cells[i] ?? '').padStart(width))).join(' | ')} |`;
  const rule = `|${widths.map((width, i) => (sides[i] === 'l' ? ` ${'-'.repeat(width)} ` : ` ${'-'.repeat(width - 1)}: `)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
