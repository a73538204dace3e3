import type { Paint, Style } from './colour.js';

/** A table cell: its text and, optionally, the style it is painted in. */
export interface Cell {
  readonly text: string;
  readonly style?: Style | undefined;
}

/**
 * An aligned text table: columns separated by two spaces, each as wide as its widest cell on screen
 * (a wide CJK character or emoji counts two columns, a combining mark none), the last column not
 * padded, one line per row ending in `\n`. Control characters in a cell (which would move the
 * cursor or colour the terminal) are shown as `?`. Styles are applied inside the padding, so colour
 * never changes the alignment.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly (Cell | string)[])[], paint: Paint): string {
  const cells: Cell[][] = [header, ...rows].map((row) => row.map((c): Cell => (typeof c === 'string' ? { text: printable(c) } : { ...c, text: printable(c.text) })));
  const widths = header.map((_h, i) => Math.max(...cells.map((row) => displayWidth(row[i]?.text ?? ''))));
  let out = '';
  for (const row of cells) {
    const line = header.map((_h, i) => {
      const cell: Cell = row[i] ?? { text: '' };
      const shown = cell.style === undefined ? cell.text : paint(cell.style, cell.text);
      return i === header.length - 1 ? shown : shown + ' '.repeat(widths[i]! - displayWidth(cell.text));
    });
    out += `${line.join('  ').trimEnd()}\n`;
  }
  return out;
}

// East Asian Wide and Fullwidth blocks and emoji drawn as pictures: what terminals draw two columns wide.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}/u;
const ZERO_WIDTH = /[\p{Mn}\p{Me}\u200b-\u200f]/u;

/** How many terminal columns `text` takes (no escape sequences expected: cells are painted after measuring). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (ZERO_WIDTH.test(ch)) continue;
    width += WIDE.test(ch) ? 2 : 1;
  }
  return width;
}

function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
