import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { painter, wantsColour } from '../../../src/cli/colour.js';

const TERMINAL = { isTTY: true };
const PIPE = { isTTY: false };
const ESC = '\u001b[';

describe('when the command line colours its output', () => {
  it.each([
    ['a terminal', TERMINAL, { TERM: 'xterm-256color' }, true],
    ['a terminal with NO_COLOR', TERMINAL, { TERM: 'xterm-256color', NO_COLOR: '1' }, false],
    ['a terminal with NODE_DISABLE_COLORS', TERMINAL, { TERM: 'xterm-256color', NODE_DISABLE_COLORS: '1' }, false],
    ['a dumb terminal', TERMINAL, { TERM: 'dumb' }, false],
    ['a terminal with FORCE_COLOR=0', TERMINAL, { TERM: 'xterm-256color', FORCE_COLOR: '0' }, false],
    ['a pipe', PIPE, { TERM: 'xterm-256color' }, false],
    ['a stream that says nothing about being a terminal', {}, { TERM: 'xterm-256color' }, false],
    ['a pipe with FORCE_COLOR=1', PIPE, { FORCE_COLOR: '1' }, true],
    ['a pipe with FORCE_COLOR set empty', PIPE, { FORCE_COLOR: '' }, true],
    ['a pipe with FORCE_COLOR=3', PIPE, { FORCE_COLOR: '3' }, true],
    ['a pipe with FORCE_COLOR=false', PIPE, { FORCE_COLOR: 'false' }, false],
  ])('on %s: %s', (_name, stream, env, expected) => {
    expect(wantsColour(stream, env)).toBe(expected);
  });

  it('paints with escape codes when colour is on, and leaves text as it is when off', () => {
    const on = painter(true)('green', 'awake');
    expect(on).toContain(`${ESC}32m`);
    expect(stripVTControlCharacters(on)).toBe('awake');
    expect(painter(true)('dim', 'asleep')).toContain(`${ESC}2m`);
    expect(painter(false)('green', 'awake')).toBe('awake');
  });
});
