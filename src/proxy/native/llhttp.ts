import { createRequire } from 'node:module';

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
  readonly RESPONSE: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kOnExecute: number;
  readonly kLenientNone: number;
}

let loaded: ParserConstructor | null | undefined;

function load(): ParserConstructor | null {
  if (loaded !== undefined) return loaded;
  try {
    const common = createRequire(import.meta.url)('_http_common') as { HTTPParser?: ParserConstructor };
    const Parser = common.HTTPParser;
    const proto: Partial<HttpParser> | undefined = Parser?.prototype;
    const usable =
      Parser !== undefined &&
      proto !== undefined &&
      typeof Parser.RESPONSE === 'number' &&
      typeof Parser.kOnHeadersComplete === 'number' &&
      typeof Parser.kOnBody === 'number' &&
      typeof Parser.kOnMessageComplete === 'number' &&
      typeof Parser.kOnExecute === 'number' &&
      typeof proto.execute === 'function' &&
      typeof proto.finish === 'function' &&
      typeof proto.consume === 'function';
    loaded = usable ? Parser : null;
  } catch {
    loaded = null;
  }
  return loaded;
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

/** A strict response parser wired to `callbacks`. */
export function responseParser(callbacks: ResponseCallbacks): HttpParser {
  const Parser = load();
  if (Parser === null) throw new Error("Node's HTTP parser is not available in this Node.js release");
  const parser = new Parser();
  parser.initialize(Parser.RESPONSE, {}, 0, Parser.kLenientNone);
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
