import { decode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { MsgpackStreamDecoder } from './msgpack-stream-decoder.js';
import { RpcReplyEncoder } from './rpc-reply-encoder.js';

const REPLY = [
  1,
  4_000_000_000,
  null,
  {
    EventId: 7,
    Data: {
      Method: 'kong.response.set_header',
      Args: ['x-long-header-name-over-twenty-four-bytes', 'é'.repeat(40), -1, -200, -70_000, 300, 70_000, 2 ** 40, 1.5, true, false, null, Buffer.from([0, 255]), 'x'.repeat(300), []],
    },
  },
];

describe('RpcReplyEncoder', () => {
  it('writes msgpack that a standard decoder and ours read back identically', () => {
    const encoder = new RpcReplyEncoder();
    const first = encoder.encode(REPLY);
    const second = encoder.encode(REPLY);
    expect(second).toEqual(first);
    // A standard decoder reads the same values (bytes compared as plain arrays).
    const plain = (value: unknown) =>
      JSON.stringify(value, (_key, item: unknown) => {
        if (item instanceof Uint8Array) return [...item];
        if ((item as { type?: string } | null)?.type === 'Buffer') return (item as { data: number[] }).data;
        return item;
      });
    expect(plain(decode(first))).toBe(plain(REPLY));
    expect(new MsgpackStreamDecoder().push(first)).toEqual([REPLY]);
  });

  it('grows its buffer for large replies and leaves out undefined map fields', () => {
    const encoder = new RpcReplyEncoder();
    const body = Buffer.alloc(200_000, 1);
    const [decoded] = new MsgpackStreamDecoder().push(encoder.encode({ Data: body, Missing: undefined }));
    expect(decoded).toEqual({ Data: body });
  });
});
