import { describe, expect, it } from 'vitest';
import { decodeEvents, EventFormatError, toLegacyEvents, writeEvent } from './event-codec.js';
import { EventTime } from './event-time.js';
import { Float64 } from './float64.js';
import { MsgpackWriter } from './msgpack-writer.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// `[[EventTime(1700000000, 123456789), {}], {"message": "dummy"}]` exactly as Fluent Bit ≥ 2.1's
// encoder fast path writes it (src/flb_log_event_encoder.c): 92 92 d7 00 <sec> <nsec> 80 <body>.
const FLUENT_BIT_V2_DUMMY = fromHex('92 92 d7 00 6553f100 075bcd15 80 81 a7 6d657373616765 a5 64756d6d79');
// The same record in the legacy (≤ 2.0, Forward v1) shape: [EventTime, body].
const FLUENT_BIT_LEGACY_DUMMY = fromHex('92 d7 00 6553f100 075bcd15 81 a7 6d657373616765 a5 64756d6d79');

describe('writeEvent', () => {
  it('writes the v2 envelope byte for byte as Fluent Bit', () => {
    const writer = new MsgpackWriter();
    writeEvent(writer, 'v2', new EventTime(1700000000, 123456789), { message: 'dummy' });
    expect(hex(writer.bytes())).toBe(hex(FLUENT_BIT_V2_DUMMY));
  });

  it('writes the legacy envelope', () => {
    const writer = new MsgpackWriter();
    writeEvent(writer, 'legacy', new EventTime(1700000000, 123456789), { message: 'dummy' });
    expect(hex(writer.bytes())).toBe(hex(FLUENT_BIT_LEGACY_DUMMY));
  });

  it('copies pre-encoded body and metadata verbatim', () => {
    const body = fromHex('81 a1 61 01');
    const metadata = fromHex('81 a1 6d c3');
    const writer = new MsgpackWriter();
    writeEvent(writer, 'v2', new EventTime(1, 2), body, metadata);
    expect(hex(writer.bytes())).toBe('9292d700000000010000000281a16dc381a16101');
  });
});

describe('decodeEvents', () => {
  it('decodes bytes in the real Fluent Bit v2 format', () => {
    const [event, ...rest] = [...decodeEvents(FLUENT_BIT_V2_DUMMY)];
    expect(rest).toHaveLength(0);
    expect(event).toEqual({ time: new EventTime(1700000000, 123456789), metadata: {}, body: { message: 'dummy' } });
  });

  it('decodes the legacy shape', () => {
    const [event] = [...decodeEvents(FLUENT_BIT_LEGACY_DUMMY)];
    expect(event!.time).toEqual(new EventTime(1700000000, 123456789));
    expect(event!.body).toEqual({ message: 'dummy' });
  });

  it('accepts integer and float timestamps, as Fluent Bit does', () => {
    const writer = new MsgpackWriter();
    writer.writeValue([1700000000, { a: 1 }]);
    writer.writeValue([1700000000.5, { a: 2 }]);
    writer.writeValue([[1700000001, { m: true }], { a: 3 }]);
    const events = [...decodeEvents(writer.bytes())];
    expect(events.map((e) => [e.time.sec, e.time.nsec, e.metadata, e.body])).toEqual([
      [1700000000, 0, {}, { a: 1 }],
      [1700000000, 500000000, {}, { a: 2 }],
      [1700000001, 0, { m: true }, { a: 3 }],
    ]);
  });

  it('round-trips every value type', () => {
    const body = {
      str: 'héllo wörld, a string longer than ten characters',
      short: 'ü',
      int: -5,
      big: 2 ** 40,
      neg: -(2 ** 40),
      u8: 200,
      u16: 60000,
      float: 1.25,
      double: new Float64(3),
      yes: true,
      no: false,
      nil: null,
      list: [1, 'two', [3]],
      nested: { deep: { deeper: 'x' } },
      bin: new Uint8Array([0, 1, 255]),
      wide: 'x'.repeat(70000),
    };
    const writer = new MsgpackWriter(16);
    for (let i = 0; i < 3; i++) writeEvent(writer, 'v2', new EventTime(10 + i, 20), body, { meta: i });
    const events = [...decodeEvents(writer.bytes())];
    expect(events).toHaveLength(3);
    expect(events[2]!.time).toEqual(new EventTime(12, 20));
    expect(events[2]!.metadata).toEqual({ meta: 2 });
    expect(events[0]!.body).toEqual({ ...body, double: 3 });
  });

  it('rejects a record that is not [header, body]', () => {
    const writer = new MsgpackWriter();
    writer.writeValue(42);
    expect(() => [...decodeEvents(writer.bytes())]).toThrow(EventFormatError);
    expect(() => [...decodeEvents(writer.bytes())]).toThrow(/byte 0 is not a 2-element array/);
  });

  it('reports truncated bytes with the offset', () => {
    expect(() => [...decodeEvents(FLUENT_BIT_V2_DUMMY.subarray(0, 20))]).toThrow(/truncated msgpack/);
  });
});

describe('toLegacyEvents', () => {
  it('strips the v2 metadata header and keeps legacy records as they are', () => {
    const mixed = Buffer.concat([FLUENT_BIT_V2_DUMMY, FLUENT_BIT_LEGACY_DUMMY, FLUENT_BIT_V2_DUMMY]);
    const writer = new MsgpackWriter();
    toLegacyEvents(mixed, writer);
    expect(hex(writer.bytes())).toBe(hex(Buffer.concat([FLUENT_BIT_LEGACY_DUMMY, FLUENT_BIT_LEGACY_DUMMY, FLUENT_BIT_LEGACY_DUMMY])));
  });
});
