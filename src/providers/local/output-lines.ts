import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/**
 * A line longer than this is cut into pieces of this size: a process that writes without newlines
 * must not grow an unbounded buffer inside wakegate.
 */
const MAX_LINE = 16_384;

/**
 * The last `capacity` lines an environment's processes wrote, stdout and stderr interleaved in the
 * order they were read, oldest first. A ring: adding a line costs the same however long the process
 * runs. Lines outlive the process that wrote them, so the output of a crash can still be read after
 * the process is gone and until the next start has written over it.
 */
export class OutputLines {
  readonly #capacity: number;
  readonly #ring: string[] = [];
  /** Where the next line goes once the ring is full (the index of the oldest line). */
  #next = 0;
  #written = 0;
  readonly #listeners = new Set<(line: string) => void>();

  constructor(capacity: number) {
    this.#capacity = Math.max(0, Math.floor(capacity));
  }

  add(line: string): void {
    this.#written++;
    for (const listener of this.#listeners) listener(line);
    if (this.#capacity === 0) return;
    if (this.#ring.length < this.#capacity) {
      this.#ring.push(line);
      return;
    }
    this.#ring[this.#next] = line;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  /** The kept lines, oldest first (a copy). */
  lines(): string[] {
    return [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
  }

  /** Tells `listener` of every line added from now on; returns the unsubscribe function. */
  onLine(listener: (line: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** How many lines were ever added: tells whether a line came after a given moment. */
  get written(): number {
    return this.#written;
  }

  /** The newest line, or null before the first. */
  last(): string | null {
    if (this.#ring.length === 0) return null;
    const index = (this.#next + this.#ring.length - 1) % this.#ring.length;
    return this.#ring[index] ?? null;
  }

  /**
   * Splits what `stream` writes into lines (a trailing `\r` is dropped) and keeps them. Each stream
   * keeps its own partial line, so stdout and stderr never splice into one line; a partial line is
   * kept when the stream ends. Stream errors are ignored: output is diagnostics, never a reason to fail.
   */
  follow(stream: Readable): void {
    const decoder = new StringDecoder('utf8');
    let partial = '';
    const take = (text: string): void => {
      partial += text;
      let start = 0;
      for (let end = partial.indexOf('\n'); end !== -1; end = partial.indexOf('\n', start)) {
        this.#addLine(partial.slice(start, end));
        start = end + 1;
      }
      partial = partial.slice(start);
      while (partial.length > MAX_LINE) {
        this.add(partial.slice(0, MAX_LINE));
        partial = partial.slice(MAX_LINE);
      }
    };
    stream.on('data', (chunk: Buffer) => take(decoder.write(chunk)));
    stream.once('end', () => {
      take(decoder.end());
      if (partial !== '') this.#addLine(partial);
      partial = '';
    });
    stream.on('error', () => undefined);
  }

  #addLine(line: string): void {
    this.add(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}
