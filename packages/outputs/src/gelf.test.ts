import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GELF_FIELDS, GelfError, gelfRecords, printfF, type GelfFields } from './gelf.js';

/** One event `[[EventTime, {}], body]` with the time 1700000000.123456789. */
function event(body: unknown): Uint8Array {
  const time = Buffer.alloc(8);
  time.writeUInt32BE(1_700_000_000, 0);
  time.writeUInt32BE(123_456_789, 4);
  const header = Buffer.from(encode([0, {}]));
  // [[ext 0 time, {}], body]: the ext written in place of the 0 placeholder.
  const ext = Buffer.concat([Buffer.from([0xd7, 0x00]), time]);
  return Buffer.concat([Buffer.from([0x92, 0x92]), ext, header.subarray(2), Buffer.from(encode(body))]);
}

function gelf(body: unknown, fields: Partial<GelfFields> = {}): { line: string; warnings: string[] } {
  const warnings: string[] = [];
  const text = gelfRecords(event(body), { ...DEFAULT_GELF_FIELDS, ...fields }, (message) => warnings.push(message));
  return { line: text.slice(0, -1), warnings };
}

// Expected lines worked out from Fluent Bit 5.1.1's flb_msgpack_to_gelf (src/flb_pack_gelf.c).
describe('gelfRecords (flb_msgpack_to_gelf)', () => {
  it('maps the GELF fields, prefixes the rest with _, flattens maps and arrays, drops id and nil, adds the time', () => {
    const { line } = gelf({ short_message: 'hello "you"', host: 'web-1', level: 'info', user: { id: 7, name: 'ann' }, tags: ['a', 'b'], id: 'x', empty: null, ok: true, ratio: 0.5, 'bad key!é': 1, n: -3 });
    expect(line).toBe(
      '{"version":"1.1", "short_message":"hello \\"you\\"", "host":"web-1", "level":6, "_user_id":7, "_user_name":"ann", "_tags":"a, b", "_ok":"true", "_ratio":0.500000, "_bad_key___":1, "_n":-3, "timestamp":1700000000.123}',
    );
    expect(JSON.parse(line)).toMatchObject({ version: '1.1', _user_name: 'ann', timestamp: 1700000000.123 });
  });

  it('flattens nested maps into _a_b keys (nil kept there as null) and maps inside arrays as key=value', () => {
    expect(gelf({ short_message: 'm', k8s: { labels: { app: 'web' }, ns: 'default', gone: null } }).line).toBe(
      '{"version":"1.1", "short_message":"m", "_k8s_labels_app":"web", "_k8s_ns":"default", "_k8s_gone":null, "timestamp":1700000000.123}',
    );
    expect(gelf({ short_message: 'm', list: [{ a: 1, b: 'x' }, 2, [3, 4], true] }).line).toBe(
      '{"version":"1.1", "short_message":"m", "_list":"a=1 b=x, 2, 3, 4, true", "timestamp":1700000000.123}',
    );
  });

  it('keeps the first of a mapped key, takes the time from a timestamp key, renames full_message', () => {
    expect(gelf({ msg: 'first', host: 'a', host2: 'b', full: 'long text', when: '2023-11-14' }, { shortMessage: 'msg', fullMessage: 'full', timestamp: 'when' }).line).toBe(
      '{"version":"1.1", "short_message":"first", "host":"a", "_host2":"b", "full_message":"long text", "timestamp":"2023-11-14"}',
    );
    expect(gelf({ short_message: 'one', host: 'a' }, {}).line).toContain('"host":"a"');
  });

  it('turns a digit or a syslog keyword level into its number; warns of others; refuses a level of another type', () => {
    expect(gelf({ short_message: 'm', level: '5' }).line).toContain('"level":5,');
    expect(gelf({ short_message: 'm', level: 'WARNING' }).line).toContain('"level":4,');
    const high = gelf({ short_message: 'm', level: 12 });
    expect(high.line).toContain('"level":12,');
    expect(high.warnings).toEqual(['level is 12, but should be in 0..7 or a syslog keyword']);
    const word = gelf({ short_message: 'm', level: 'verbose' });
    expect(word.line).toContain('"level":"verbose",');
    expect(word.warnings).toEqual(["level is 'verbose', but should be in 0..7 or a syslog keyword"]);
    expect(() => gelf({ short_message: 'm', level: 1.5 })).toThrow(new GelfError('level must be a non-negative integer or a string'));
    expect(() => gelf({ short_message: 'm', level: -1 })).toThrow(GelfError);
  });

  it('fails a record without a short message, or that is not a map', () => {
    expect(() => gelf({ message: 'x' })).toThrow(new GelfError('missing short_message key'));
    expect(() => gelf('text')).toThrow(GelfError);
  });

  it('prints floats as C %f does', () => {
    expect([0.5, -0, 1 / 3, 1e22, -2.5e-7, Number.NaN, Infinity].map(printfF)).toEqual(['0.500000', '-0.000000', '0.333333', '10000000000000000000000.000000', '-0.000000', 'nan', 'inf']);
  });
});
