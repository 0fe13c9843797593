import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luaArgsOf, replyOf } from './kong-pdk-values.js';
import { PDK_METHODS } from './pdk-methods.js';
import { inputOf, valueOf } from './plugin-pdk-values.js';

const method = (name: string) => PDK_METHODS.get(name)!;
/** A JSON-like Lua value Kong can carry in a google.protobuf.Value: no false (Kong hands it to Lua as nil), no empty lists (tables). */
const luaValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constant(true), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), tie('list'), tie('table')),
  list: fc.array(tie('value'), { minLength: 1, maxLength: 4 }),
  table: fc.dictionary(fc.string({ minLength: 1 }).filter((key) => key !== '__proto__'), tie('value'), { maxKeys: 4 }),
})).value;

describe('ProtoBuf:1 PDK values, plugin side and Kong side', () => {
  it('carries any call arguments through the wire as Kong reads them (kong.ctx.shared.set, kong.log.*)', () => {
    fc.assert(
      fc.property(fc.string(), luaValue, fc.array(luaValue, { maxLength: 4 }), (key, value, logged) => {
        const kv = method('kong.ctx.shared.set');
        expect(luaArgsOf(kv.input, inputOf(kv.input, [key, value]))).toEqual([key, value]);
        const log = method('kong.log.err');
        expect(luaArgsOf(log.input, inputOf(log.input, logged))).toEqual(logged);
      }),
    );
  });

  it('carries any result back as the plugin would get it over MsgPack:1 (strings, numbers, values, headers as lists)', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), luaValue, fc.dictionary(fc.string({ minLength: 1 }).filter((key) => key !== '__proto__'), fc.array(fc.string(), { minLength: 1, maxLength: 3 }), { maxKeys: 4 }), (text, int, value, headers) => {
        const header = method('kong.request.get_header');
        expect(valueOf(header.name, header.output, replyOf(header.output, text))).toBe(text);
        const port = method('kong.request.get_port');
        expect(valueOf(port.name, port.output, replyOf(port.output, int))).toBe(int);
        const shared = method('kong.ctx.shared.get');
        expect(valueOf(shared.name, shared.output, replyOf(shared.output, value))).toEqual(value);
        const all = method('kong.request.get_headers');
        expect(valueOf(all.name, all.output, replyOf(all.output, headers))).toEqual(headers);
      }),
    );
  });

  it("gives nil for what Kong answers nil, and an exit's status, bytes and headers as Kong unpacks them", () => {
    const shared = method('kong.ctx.shared.get');
    expect(valueOf(shared.name, shared.output, replyOf(shared.output, undefined))).toBeNull();
    const exit = method('kong.response.exit');
    expect(luaArgsOf(exit.input, inputOf(exit.input, [418, Buffer.from([0xff, 0x00]), { 'x-a': 'b', 'x-c': ['d', 'e'] }]))).toEqual([418, Buffer.from([0xff, 0x00]), { 'x-a': ['b'], 'x-c': ['d', 'e'] }]);
  });
});
