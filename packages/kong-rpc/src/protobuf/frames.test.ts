import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader } from './frames.js';
import { KongRpcProtocolError } from './protocol-error.js';
import { PDK_METHODS } from './pdk-methods.js';

describe('ProtoBuf:1 frames', () => {
  it('reads back every frame, empty ones included, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 }), (payloads, cuts) => {
        const stream = Buffer.concat(payloads.map(encodeFrame));
        const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
        const reader = new FrameReader();
        const frames: Uint8Array[] = [];
        let from = 0;
        for (const point of [...points, stream.length]) {
          frames.push(...reader.push(stream.subarray(from, point)));
          from = point;
        }
        expect(frames.map((frame) => Buffer.from(frame).toString('hex'))).toEqual(payloads.map((payload) => Buffer.from(payload).toString('hex')));
        expect(reader.buffered).toBe(0);
      }),
    );
  });

  it('writes the length as a little-endian uint32, nothing after an empty frame', () => {
    expect(encodeFrame(Buffer.from('kong')).toString('hex')).toBe('040000006b6f6e67');
    expect(encodeFrame(new Uint8Array(0)).toString('hex')).toBe('00000000');
  });

  it('refuses a length past the limit before reading its payload, and holds a frame not complete yet', () => {
    const reader = new FrameReader(1024);
    expect(reader.push(Buffer.from([0x10, 0x00]))).toEqual([]);
    expect(reader.buffered).toBe(2);
    expect(() => new FrameReader(1024).push(Buffer.from('01040000', 'hex'))).toThrow(KongRpcProtocolError);
    expect(() => new FrameReader(1024).push(Buffer.from('01040000', 'hex'))).toThrow('a frame of 1025 bytes is announced, more than the 1024 allowed');
  });
});

describe('the PDK methods of service Kong', () => {
  it("names the 74 methods as Kong does, the MethodName option first", () => {
    expect(PDK_METHODS.size).toBe(74);
    for (const name of ['kong.service.request.set_raw_body', 'kong.nginx.get_tls1_version_str', 'kong.ctx.shared.set', 'kong.ctx.shared.get', 'kong.request.get_header', 'kong.response.exit']) {
      expect(PDK_METHODS.has(name), name).toBe(true);
    }
    expect([...PDK_METHODS.values()].every((method) => /^kong\.[a-z0-9_.]+$/.test(method.name))).toBe(true);
    expect(PDK_METHODS.get('kong.request.get_headers')!.input.typeName).toBe('kong_plugin_protocol.Int');
    expect(PDK_METHODS.get('kong.request.get_headers')!.output.typeName).toBe('google.protobuf.Struct');
    expect(PDK_METHODS.get('kong.service.response.get_raw_body')!.output.typeName).toBe('kong_plugin_protocol.ByteString');
  });
});
