import { decode, ExtensionCodec } from '@msgpack/msgpack';
import { TributaryError } from '@tributary/base';
import { EventTime, Float64, MsgpackWriter } from '@tributary/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvents, forEachRawEvent, toLegacyEvents, writeEvent } from './event-codec.js';

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
    writeEvent(writer, 'v2', 1700000000, 123456789, { message: 'dummy' });
    expect(hex(writer.bytes())).toBe(hex(FLUENT_BIT_V2_DUMMY));
  });

  it('writes the legacy envelope', () => {
    const writer = new MsgpackWriter();
    writeEvent(writer, 'legacy', 1700000000, 123456789, { message: 'dummy' });
    expect(hex(writer.bytes())).toBe(hex(FLUENT_BIT_LEGACY_DUMMY));
  });

  it('copies pre-encoded body and metadata verbatim', () => {
    const body = fromHex('81 a1 61 01');
    const metadata = fromHex('81 a1 6d c3');
    const writer = new MsgpackWriter();
    writeEvent(writer, 'v2', 1, 2, body, metadata);
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
    for (let i = 0; i < 3; i++) writeEvent(writer, 'v2', 10 + i, 20, body, { meta: i });
    const events = [...decodeEvents(writer.bytes())];
    expect(events).toHaveLength(3);
    expect(events[2]!.time).toEqual(new EventTime(12, 20));
    expect(events[2]!.metadata).toEqual({ meta: 2 });
    expect(events[0]!.body).toEqual({ ...body, double: 3, bin: Buffer.from(body.bin) });
  });

  it('rejects a record that is not [header, body]', () => {
    const writer = new MsgpackWriter();
    writer.writeValue(42);
    expect(() => [...decodeEvents(writer.bytes())]).toThrow(expect.objectContaining({ code: 'EVENT_FORMAT' }));
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

/** A standard decoder that reads EventTime (ext 0) as [sec, nsec], to check our bytes independently. */
const extensions = new ExtensionCodec();
extensions.register({
  type: 0,
  encode: () => null,
  decode: (data) => {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    return { sec: view.getUint32(0), nsec: view.getUint32(4) };
  },
});
const standardDecode = (bytes: Uint8Array) => decode(bytes, { extensionCodec: extensions });

/** The standard decoder refuses a `__proto__` key (ours keeps it as an own property: see the msgpack reader tests). */
const withoutProtoKeys = (value: unknown) => !JSON.stringify(value).includes('"__proto__"');

const records = fc.array(
  fc.record({
    sec: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    nsec: fc.integer({ min: 0, max: 999_999_999 }),
    body: fc.dictionary(fc.string(), fc.jsonValue()).filter(withoutProtoKeys),
    metadata: fc.option(fc.dictionary(fc.string(), fc.jsonValue()).filter(withoutProtoKeys), { nil: undefined }),
  }),
  { minLength: 1, maxLength: 5 },
);

describe('the event codec (properties)', () => {
  it('writes records a standard msgpack decoder reads as Fluent Bit events, and decodes them back', () => {
    fc.assert(
      fc.property(records, (events) => {
        const writer = new MsgpackWriter(64);
        for (const e of events) writeEvent(writer, 'v2', e.sec, e.nsec, e.body as never, e.metadata as never);
        const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
        const decoded = [...decodeEvents(writer.bytes())];
        expect(decoded.map((d) => [d.time.sec, d.time.nsec, d.metadata, d.body])).toEqual(events.map((e) => [e.sec, e.nsec, json(e.metadata ?? {}), json(e.body)]));
        // One record at a time through an independent decoder: [[{sec, nsec}, meta], body].
        const single = new MsgpackWriter(64);
        writeEvent(single, 'v2', events[0]!.sec, events[0]!.nsec, events[0]!.body as never, events[0]!.metadata as never);
        expect(standardDecode(single.bytes())).toEqual([[{ sec: events[0]!.sec, nsec: events[0]!.nsec }, json(events[0]!.metadata ?? {})], json(events[0]!.body)]);
      }),
    );
  });

  it('turns v2 into exactly what the legacy encoder writes', () => {
    fc.assert(
      fc.property(records, (events) => {
        const v2 = new MsgpackWriter(64);
        const legacy = new MsgpackWriter(64);
        for (const e of events) {
          writeEvent(v2, 'v2', e.sec, e.nsec, e.body as never, e.metadata as never);
          writeEvent(legacy, 'legacy', e.sec, e.nsec, e.body as never);
        }
        const converted = new MsgpackWriter(64);
        toLegacyEvents(v2.bytes(), converted);
        expect(hex(converted.bytes())).toBe(hex(legacy.bytes()));
      }),
    );
  });

  it('throws only TributaryErrors for any bytes that are not events', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), (bytes) => {
        try {
          for (const event of decodeEvents(bytes)) void event;
        } catch (error) {
          expect(TributaryError.isInstance(error)).toBe(true);
        }
      }),
    );
  });

  it('walks v2 and legacy events as byte ranges, the maps untouched, and refuses a bad one before visiting any', () => {
    fc.assert(
      fc.property(records, fc.boolean(), (events, legacy) => {
        const writer = new MsgpackWriter(64);
        for (const e of events) writeEvent(writer, legacy ? 'legacy' : 'v2', e.sec, e.nsec, e.body as never, e.metadata as never);
        const visited: unknown[] = [];
        const count = forEachRawEvent(writer.bytes(), (sec, nsec, metadata, body) => visited.push([sec, nsec, metadata && decode(metadata), decode(body)]));
        const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
        expect(count).toBe(events.length);
        expect(JSON.parse(JSON.stringify(visited))).toEqual(events.map((e) => [e.sec, e.nsec, legacy ? null : json(e.metadata ?? {}), json(e.body)]));
        const broken = Buffer.concat([writer.bytes(), Buffer.from([0x92, 0xc0, 0x80])]); // a nil timestamp
        let seen = 0;
        expect(() => forEachRawEvent(broken, () => seen++)).toThrow(/has a timestamp that is neither EventTime nor a number/);
        expect(seen).toBe(0);
      }),
    );
  });

  it('forEachRawEvent throws only TributaryErrors for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), (bytes) => {
        try {
          forEachRawEvent(bytes, () => {});
        } catch (error) {
          expect(TributaryError.isInstance(error)).toBe(true);
        }
      }),
    );
  });
});
