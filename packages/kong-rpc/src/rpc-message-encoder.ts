import { MsgpackWriter, type MsgpackValue } from '@tributary/msgpack';

const RESPONSE = 1;
const NOTIFICATION = 2;

/**
 * Encodes MessagePack-RPC messages into one reused buffer, in the smallest msgpack forms (Kong
 * decodes every type): JSON-like values, Buffers as `bin`, map fields that are `undefined` left
 * out. Each message is copied out, since the socket keeps it after this returns.
 */
export class RpcMessageEncoder {
  private readonly writer = new MsgpackWriter(64 * 1024);

  /** `[1, msgid, error, result]`: the error a string or nil; the result nil when there is an error. */
  response(msgid: unknown, error: string | null, result: unknown): Buffer {
    const w = this.writer;
    w.reset();
    w.writeArrayHeader(4);
    w.writeInteger(RESPONSE);
    w.writeValue(msgid as MsgpackValue);
    if (error === null) {
      w.writeNil();
      w.writeValue((result ?? null) as MsgpackValue);
    } else {
      w.writeString(error);
      w.writeNil();
    }
    return Buffer.from(w.bytes());
  }

  /** `[2, method, value]`, e.g. the `serverPid` notification. */
  notification(method: string, value: unknown): Buffer {
    const w = this.writer;
    w.reset();
    w.writeArrayHeader(3);
    w.writeInteger(NOTIFICATION);
    w.writeString(method);
    w.writeValue(value as MsgpackValue);
    return Buffer.from(w.bytes());
  }
}
