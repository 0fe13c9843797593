import { encode } from '@msgpack/msgpack';
import { MsgpackReader } from '@tributary/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRpcHeader } from './rpc-header.js';

const reader = new MsgpackReader();
const header = (message: unknown) => {
  const bytes = encode(message);
  return readRpcHeader(reader, bytes, 0, bytes.length);
};
const other = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.uint8Array({ maxLength: 8 }), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 3 }));

describe('the MessagePack-RPC header the worker router reads', () => {
  it('finds the method and the routing field of any Kong request, the other fields skipped unread', () => {
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('plugin.HandleEvent', 'plugin.Step', 'plugin.StepMultiMap', 'plugin.StartInstance'), fc.nat({ max: 2 ** 31 }), fc.string(), fc.dictionary(fc.string().filter((k) => !['InstanceId', 'EventId', 'Name'].includes(k)), other, { maxKeys: 4 }), (msgid, method, id, name, extra) => {
        const field = method === 'plugin.HandleEvent' ? 'InstanceId' : method === 'plugin.StartInstance' ? 'Name' : 'EventId';
        const param = { ...extra, [field]: field === 'Name' ? name : id };
        expect(header([0, msgid, method, [param]])).toEqual({ msgid, method, id: field === 'Name' ? undefined : id, name: field === 'Name' ? name : undefined });
      }),
    );
  });

  it('reads a bare id (CloseInstance), and gives up on what is not a request of Kong shape', () => {
    expect(header([0, 1, 'plugin.CloseInstance', [7]])).toEqual({ msgid: 1, method: 'plugin.CloseInstance', id: 7, name: undefined });
    expect(header([1, 1, null, 'x'])).toBeUndefined();
    expect(header([0, 1, 'plugin.Step', [{ EventId: [1] }]])).toBeUndefined();
    expect(readRpcHeader(reader, new Uint8Array([0x94, 0x00]), 0, 2)).toBeUndefined(); // cut short
  });
});
