import { decode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { RpcMessageEncoder } from './rpc-message-encoder.js';
import { RpcStreamDecoder } from './rpc-stream-decoder.js';

/** Our own decoder's reading of one message. */
function decodeOurs(bytes: Buffer): unknown[] {
  const out: unknown[] = [];
  new RpcStreamDecoder().push(bytes, (message) => out.push(message));
  return out;
}

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

describe('RpcMessageEncoder', () => {
  it('writes msgpack that a standard decoder and ours read back identically', () => {
    const encoder = new RpcMessageEncoder();
    const [, msgid, error, result] = REPLY;
    const first = encoder.response(msgid, error as null, result);
    const second = encoder.response(msgid, error as null, result);
    expect(second).toEqual(first);
    // A standard decoder reads the same values (bytes compared as plain arrays).
    const plain = (value: unknown) =>
      JSON.stringify(value, (_key, item: unknown) => {
        if (item instanceof Uint8Array) return [...item];
        if ((item as { type?: string } | null)?.type === 'Buffer') return (item as { data: number[] }).data;
        return item;
      });
    expect(plain(decode(first))).toBe(plain(REPLY));
    expect(decodeOurs(first)).toEqual([REPLY]);
  });

  it('grows its buffer for large replies and leaves out undefined map fields', () => {
    const encoder = new RpcMessageEncoder();
    const body = Buffer.alloc(200_000, 1);
    const [decoded] = decodeOurs(encoder.response(1, null, { Data: body, Missing: undefined })) as unknown[][];
    expect(decoded![3]).toEqual({ Data: body });
  });
});

describe('RpcMessageEncoder notifications and errors', () => {
  it('writes [2, method, value] and [1, msgid, error, nil]', () => {
    const encoder = new RpcMessageEncoder();
    expect(decode(encoder.notification('serverPid', 4242))).toEqual([2, 'serverPid', 4242]);
    expect(decode(encoder.response(9, 'No plugin instance 3', { ignored: true }))).toEqual([1, 9, 'No plugin instance 3', null]);
  });
});
