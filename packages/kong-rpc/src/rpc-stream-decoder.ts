import { MsgpackFramer, MsgpackReader } from '@tributary/msgpack';

/**
 * Turns the byte stream of one Kong connection into MessagePack-RPC messages. Kong writes
 * messages back to back with no length prefix: the framer finds where each ends (several per
 * read, one over many reads), then each is decoded as Kong means it: `str` becomes a string when
 * it is valid UTF-8 and a Buffer of its exact bytes otherwise (Lua strings are bytes: a header
 * value may be Latin-1); `bin` (raw bodies in Kong 3.x) becomes a Buffer; maps become plain
 * objects. Keys and method names, which every message repeats, are decoded once.
 */
export class RpcStreamDecoder {
  private readonly framer: MsgpackFramer;
  private readonly reader = new MsgpackReader(new Uint8Array(0), 0, 0, { invalidUtf8: 'bytes', cacheShortStrings: true });

  constructor(options: { maxMessageBytes?: number } = {}) {
    this.framer = new MsgpackFramer(options);
  }

  /**
   * Takes the next bytes and calls `onMessage` with each message they complete, in order.
   * Throws a MsgpackFormatError for bytes that cannot be msgpack or a message over the limit.
   */
  push(chunk: Uint8Array, onMessage: (message: unknown) => void): void {
    this.framer.push(chunk, (bytes, start, end) => {
      this.reader.reset(bytes, start, end);
      onMessage(this.reader.read());
    });
  }

  /** Takes the next bytes and calls `onFrame` with where each message they complete lies, undecoded (valid during the call only). */
  pushFrames(chunk: Uint8Array, onFrame: (bytes: Uint8Array, start: number, end: number) => void): void {
    this.framer.push(chunk, onFrame);
  }

  /** One framed message, decoded as `push` decodes it. */
  decode(bytes: Uint8Array, start: number, end: number): unknown {
    this.reader.reset(bytes, start, end);
    return this.reader.read();
  }

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.framer.buffered;
  }
}
