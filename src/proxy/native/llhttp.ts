import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

/**
 * Node's own HTTP/1 parser — llhttp compiled to C++, strict mode, the one `node:http` parses
 * responses with — from Node's `_http_common` module. It is not a documented API, so this file is
 * the only place that touches it, and `nativeParserAvailable()` lets the caller fall back to undici
 * should a Node release change it. Callback slots and `initialize` arguments are those of Node 18–24
 * (`lib/_http_client.js` uses them the same way).
 */
export interface HttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenientFlags: number): void;
  /** Returns bytes parsed, or an Error with `code` `HPE_*` and `reason`. */
  execute(data: Buffer): number | ParserError;
  /** Signals EOF: completes a close-delimited body, or reports a truncated message. */
  finish(): undefined | ParserError;
  close(): void;
  free(): void;
  remove(): void;
  /** Reads straight from a socket's native stream handle: no JS `data` events, no Buffer per read. */
  consume(handle: unknown): void;
  unconsume(): void;
  /** The buffer being parsed (a copy), valid inside `kOnExecute`: what follows an upgrade request. */
  getCurrentBuffer(): Buffer;
  /** Milliseconds since the current message began; 0 between messages. */
  duration(): number;
  /** Whether the current message's head is complete. */
  headersCompleted(): boolean;
  [slot: number]: unknown;
}

export interface ParserError extends Error {
  code: string;
  reason?: string;
  bytesParsed?: number;
}

interface ParserConstructor {
  new (): HttpParser;
  readonly prototype: Partial<HttpParser>;
  readonly REQUEST: number;
  readonly RESPONSE: number;
  readonly kOnMessageBegin: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kOnExecute: number;
  readonly kLenientNone: number;
}

let loaded: ParserConstructor | null | undefined;
/** Method names by llhttp's method number. */
let methodNames: readonly string[] = [];

function load(): ParserConstructor | null {
  if (loaded !== undefined) return loaded;
  try {
    const common = createRequire(import.meta.url)('_http_common') as { HTTPParser?: ParserConstructor; methods?: unknown };
    const Parser = common.HTTPParser;
    const proto: Partial<HttpParser> | undefined = Parser?.prototype;
    const usable =
      Parser !== undefined &&
      proto !== undefined &&
      typeof Parser.REQUEST === 'number' &&
      typeof Parser.RESPONSE === 'number' &&
      typeof Parser.kOnMessageBegin === 'number' &&
      typeof Parser.kOnHeaders === 'number' &&
      typeof Parser.kOnHeadersComplete === 'number' &&
      typeof Parser.kOnBody === 'number' &&
      typeof Parser.kOnMessageComplete === 'number' &&
      typeof Parser.kOnExecute === 'number' &&
      typeof proto.execute === 'function' &&
      typeof proto.finish === 'function' &&
      typeof proto.consume === 'function' &&
      typeof proto.unconsume === 'function' &&
      typeof proto.getCurrentBuffer === 'function' &&
      typeof proto.duration === 'function' &&
      typeof proto.headersCompleted === 'function' &&
      Array.isArray(common.methods) &&
      common.methods.includes('GET');
    loaded = usable ? Parser : null;
    if (usable) methodNames = common.methods as string[];
  } catch {
    loaded = null;
  }
  return loaded;
}

/** The native stream handle behind a connected socket (what `consume` and read control act on). */
export interface StreamHandle {
  reading: boolean;
  readStart(): number;
  readStop(): number;
}

export function handleOf(socket: Socket): StreamHandle {
  return (socket as unknown as { _handle: StreamHandle })._handle;
}

export function nativeParserAvailable(): boolean {
  return load() !== null;
}

export interface ResponseCallbacks {
  /** Header fields of more than 32 lines arrive in parts before `headersComplete`. */
  headers(fields: string[]): void;
  /** Return 1 to tell the parser the response has no body (a HEAD request), else 0. */
  headersComplete(fields: string[] | undefined, statusCode: number, statusMessage: string, upgrade: boolean, keepAlive: boolean): 0 | 1;
  body(chunk: Buffer): void;
  messageComplete(): void;
  /** After each read the parser consumed: bytes parsed, or the parse error. */
  executed(result: number | ParserError): void;
}

/**
 * The parser looks up its `kOnMessageBegin` slot for every message. Left a hole, that lookup walks
 * the prototype chain each time (a few percent of a proxied request's CPU); holding `null`, it ends
 * at the parser itself and the parser skips the call, as it does for any non-function.
 */
function fillUnusedSlots(parser: HttpParser, Parser: ParserConstructor): void {
  parser[Parser.kOnMessageBegin] = null;
}

/** A strict response parser wired to `callbacks`. */
export function responseParser(callbacks: ResponseCallbacks): HttpParser {
  const Parser = load();
  if (Parser === null) throw new Error("Node's HTTP parser is not available in this Node.js release");
  const parser = new Parser();
  parser.initialize(Parser.RESPONSE, {}, 0, Parser.kLenientNone);
  fillUnusedSlots(parser, Parser);
  parser[Parser.kOnHeaders] = (fields: string[]) => callbacks.headers(fields);
  parser[Parser.kOnHeadersComplete] = (
    _versionMajor: number,
    _versionMinor: number,
    fields: string[] | undefined,
    _method: unknown,
    _url: unknown,
    statusCode: number,
    statusMessage: string,
    upgrade: boolean,
    keepAlive: boolean,
  ) => callbacks.headersComplete(fields, statusCode, statusMessage, upgrade, keepAlive);
  parser[Parser.kOnBody] = (chunk: Buffer) => callbacks.body(chunk);
  parser[Parser.kOnMessageComplete] = () => callbacks.messageComplete();
  parser[Parser.kOnExecute] = (result: number | ParserError) => callbacks.executed(result);
  return parser;
}

export interface RequestCallbacks {
  /** Header fields (and URL parts) of a long head arrive in parts before `headersComplete`. */
  headers(fields: string[], url: string): void;
  /** The head is complete. `fields`/`url` are undefined when they came through `headers`. */
  headersComplete(
    versionMajor: number,
    versionMinor: number,
    fields: string[] | undefined,
    method: string,
    url: string | undefined,
    upgrade: boolean,
    keepAlive: boolean,
  ): void;
  body(chunk: Buffer): void;
  messageComplete(): void;
  /** After each read the parser consumed: bytes parsed, or the parse error. */
  executed(result: number | ParserError): void;
}

/**
 * A strict request parser wired to `callbacks`: heads larger than `maxHeaderSize` bytes fail with
 * `HPE_HEADER_OVERFLOW`. Returning 0 from the head callback tells llhttp to read a body as framed;
 * after a message that asked for an upgrade (or CONNECT) llhttp stops, and `executed` gets the
 * offset where the other protocol begins.
 */
export function requestParser(callbacks: RequestCallbacks, maxHeaderSize: number): HttpParser {
  const Parser = load();
  if (Parser === null) throw new Error("Node's HTTP parser is not available in this Node.js release");
  const parser = new Parser();
  parser.initialize(Parser.REQUEST, {}, maxHeaderSize, Parser.kLenientNone);
  fillUnusedSlots(parser, Parser);
  parser[Parser.kOnHeaders] = (fields: string[], url: string) => callbacks.headers(fields, url);
  parser[Parser.kOnHeadersComplete] = (
    versionMajor: number,
    versionMinor: number,
    fields: string[] | undefined,
    method: number,
    url: string | undefined,
    _statusCode: unknown,
    _statusMessage: unknown,
    upgrade: boolean,
    keepAlive: boolean,
  ) => {
    callbacks.headersComplete(versionMajor, versionMinor, fields, methodNames[method] ?? 'UNKNOWN', url, upgrade, keepAlive);
    return 0;
  };
  parser[Parser.kOnBody] = (chunk: Buffer) => callbacks.body(chunk);
  parser[Parser.kOnMessageComplete] = () => callbacks.messageComplete();
  parser[Parser.kOnExecute] = (result: number | ParserError) => callbacks.executed(result);
  return parser;
}
