import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WatchScreen } from '../../../src/cli/watch-screen.js';

/** A stream that keeps what is written to it. */
function sink(): Writable & { text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

let screens: WatchScreen[] = [];
afterEach(() => {
  for (const s of screens) s.stop();
  screens = [];
});

function screen(out: Writable, tty: boolean, minGapMs: number, tickMs: number): { screen: WatchScreen; frames: () => number } {
  let frames = 0;
  const s = new WatchScreen(out, () => `frame ${++frames}\n`, { tty, minGapMs, tickMs });
  screens.push(s);
  return { screen: s, frames: () => frames };
}

describe('the watch screen', () => {
  it('to a pipe, writes a frame only when asked, and one for a burst of changes', async () => {
    const out = sink();
    const { screen: s, frames } = screen(out, false, 100, 20);
    s.changed();
    expect(frames()).toBe(1);
    s.changed();
    s.changed();
    s.changed();
    expect(frames()).toBe(1);
    await sleep(160);
    expect(frames()).toBe(2);
    await sleep(200); // no clock to a pipe
    expect(frames()).toBe(2);
    expect(out.text()).toBe('frame 1\n\nframe 2\n');
    expect(out.text()).not.toContain('\u001b');
  });

  it('on a terminal, redraws in place, and on a clock between changes', async () => {
    const out = sink();
    const { screen: s, frames } = screen(out, true, 100, 50);
    s.changed();
    await sleep(180);
    expect(frames()).toBeGreaterThanOrEqual(3);
    // Each frame starts at the top left of a cleared screen.
    const drawn = out.text().split('\u001b[1;1H\u001b[0J');
    expect(drawn[0]).toBe('');
    expect(drawn.slice(1)).toEqual(Array.from({ length: frames() }, (_x, i) => `frame ${i + 1}\n`));
    s.stop();
    const stopped = frames();
    await sleep(120);
    expect(frames()).toBe(stopped);
  });
});
