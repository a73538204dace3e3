import type { Socket } from 'node:net';

/**
 * Writes a latin1 string straight to a TCP socket's native handle, under `net.Socket`'s writable
 * stream: what `socket.write` ends up doing, without the stream's per-write bookkeeping
 * (`writeOrBuffer`, the write request's callback and its `nextTick`). Used for the small writes a
 * request makes — a request head, a whole small response — when the stream itself holds nothing:
 * nothing buffered, not corked, not connecting, not ending. Otherwise it is `socket.write`.
 *
 * libuv keeps writes on one handle in order, and a shutdown (`end`) waits for them, so a later
 * `socket.write` or `end` cannot overtake a direct write. A write the kernel could not take at once
 * completes later; if it then fails, the socket is destroyed, as a failed stream write would.
 *
 * Like Node's HTTP parser (`llhttp.ts`), this reaches into Node (`process.binding('stream_wrap')`,
 * Node 18–24); when that is not there, every write is a `socket.write`.
 */
interface WriteRequest {
  handle: unknown;
  oncomplete: (this: WriteRequest, status: number) => void;
  async: boolean;
  socket: Socket | null;
}

interface NativeStream {
  writeLatin1String(req: WriteRequest, data: string): number;
}

interface StreamWrapBinding {
  WriteWrap: new () => WriteRequest;
  streamBaseState: Int32Array;
  kLastWriteWasAsync: number;
}

const binding = loadBinding();

function loadBinding(): StreamWrapBinding | null {
  try {
    const legacy = (process as unknown as { binding?: (name: string) => Partial<StreamWrapBinding> }).binding;
    const b = legacy?.call(process, 'stream_wrap');
    if (b === undefined || typeof b.WriteWrap !== 'function' || !(b.streamBaseState instanceof Int32Array) || typeof b.kLastWriteWasAsync !== 'number') return null;
    return b as StreamWrapBinding;
  } catch {
    return null;
  }
}

function afterAsyncWrite(this: WriteRequest, status: number): void {
  const socket = this.socket;
  this.socket = null;
  if (status < 0 && socket !== null) socket.destroy(new Error(`write failed (libuv status ${status})`));
}

/** Writes `data` (latin1) to `socket`: directly when the stream holds nothing, else `socket.write`. */
export function writeLatin1(socket: Socket, data: string): void {
  const s = socket as Socket & { _handle: (NativeStream & { constructor: { name: string } }) | null };
  const handle = s._handle;
  if (
    binding === null ||
    handle === null ||
    handle.constructor.name !== 'TCP' ||
    socket.connecting ||
    socket.writableLength !== 0 ||
    socket.writableCorked !== 0 ||
    !socket.writable
  ) {
    socket.write(data, 'latin1');
    return;
  }
  const req = new binding.WriteWrap();
  req.handle = handle;
  req.oncomplete = afterAsyncWrite;
  req.async = false;
  req.socket = null;
  const err = handle.writeLatin1String(req, data);
  if (err !== 0) {
    socket.destroy(new Error(`write failed (libuv status ${err})`));
    return;
  }
  if (binding.streamBaseState[binding.kLastWriteWasAsync] !== 0) {
    req.async = true;
    req.socket = socket;
  }
}

/** Whether writes take the direct path in this Node.js release. */
export function directWritesAvailable(): boolean {
  return binding !== null;
}
