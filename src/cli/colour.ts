import tty from 'node:tty';
import util from 'node:util';

/** The styles the command line uses; names from `util.inspect.colors`. */
export type Style = 'green' | 'yellow' | 'red' | 'dim' | 'bold';

/** Styles `text`, or returns it as it is when colour is off. Never changes the visible width. */
export type Paint = (style: Style, text: string) => string;

/**
 * Whether output to `stream` should be coloured, as Node decides it for `util.styleText`: colour on
 * a terminal, or anywhere when `FORCE_COLOR` is set; then `FORCE_COLOR=0`, `NO_COLOR`,
 * `NODE_DISABLE_COLORS` and `TERM=dumb` turn it off, in the precedence `tty` gives them (a set
 * `FORCE_COLOR` wins over `NO_COLOR`, with Node's warning). `env` is read, never `process.env`.
 */
export function wantsColour(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR === undefined && stream.isTTY !== true) return false;
  // `hasColors(env)` reads only `env`, not the stream it is called on, so it answers for a pipe too.
  return tty.WriteStream.prototype.hasColors(env);
}

/**
 * A `Paint` that colours when `enabled`. Through `util.styleText` with its own stream check off
 * (the decision is `wantsColour`'s), and from `util.inspect.colors` on Node 20.11, which has no
 * `styleText`.
 */
export function painter(enabled: boolean): Paint {
  if (!enabled) return (_style, text) => text;
  const styleText = util.styleText as typeof util.styleText | undefined;
  if (styleText !== undefined) return (style, text) => styleText(style, text, { validateStream: false });
  return (style, text) => {
    const [open, close] = util.inspect.colors[style] ?? [];
    return open === undefined || close === undefined ? text : `\u001b[${open}m${text}\u001b[${close}m`;
  };
}
