import readline from 'node:readline';

export interface WatchScreenOptions {
  /** Redraws in place (home and clear, then the frame) and on a clock; otherwise appends a frame per change. */
  readonly tty: boolean;
  /** Least time between two frames drawn for changes. */
  readonly minGapMs?: number;
  /** On a terminal, a frame is also drawn this often, so countdowns move. */
  readonly tickMs?: number;
}

/**
 * When `wakegate status --watch` draws its table. `changed()` asks for a frame: it is drawn at once,
 * or when `minGapMs` (500 ms) has passed since the last one, so a burst of changes draws once. On a
 * terminal the screen is also redrawn every `tickMs` (1 s) and each frame replaces the last; to a
 * file or pipe a frame is written only when asked, after a blank line, so what was printed stays.
 */
export class WatchScreen {
  readonly #out: NodeJS.WritableStream;
  readonly #render: () => string;
  readonly #tty: boolean;
  readonly #minGapMs: number;
  readonly #tickMs: number;
  #lastDrawn = -Infinity;
  #pending: NodeJS.Timeout | null = null;
  #tick: NodeJS.Timeout | null = null;
  #frames = 0;
  #stopped = false;

  constructor(out: NodeJS.WritableStream, render: () => string, options: WatchScreenOptions) {
    this.#out = out;
    this.#render = render;
    this.#tty = options.tty;
    this.#minGapMs = options.minGapMs ?? 500;
    this.#tickMs = options.tickMs ?? 1_000;
  }

  /** Something shown changed: draw it now or once the least gap has passed. */
  changed(): void {
    if (this.#stopped || this.#pending !== null) return;
    const wait = this.#lastDrawn + this.#minGapMs - Date.now();
    if (wait <= 0) return this.#draw();
    this.#pending = setTimeout(() => {
      this.#pending = null;
      this.#draw();
    }, wait);
  }

  /** No more frames; the timers are gone, so they do not keep the process alive. */
  stop(): void {
    this.#stopped = true;
    if (this.#pending !== null) clearTimeout(this.#pending);
    if (this.#tick !== null) clearInterval(this.#tick);
    this.#pending = this.#tick = null;
  }

  #draw(): void {
    if (this.#stopped) return;
    this.#lastDrawn = Date.now();
    const frame = this.#render();
    if (this.#tty) {
      readline.cursorTo(this.#out, 0, 0);
      readline.clearScreenDown(this.#out);
      this.#out.write(frame);
      // The clock starts with the first frame and restarts with each, so a frame drawn for a change
      // is not followed by a tick a moment later.
      if (this.#tick !== null) clearInterval(this.#tick);
      this.#tick = setInterval(() => this.#draw(), this.#tickMs);
    } else {
      this.#out.write(this.#frames === 0 ? frame : `\n${frame}`);
    }
    this.#frames++;
  }
}
