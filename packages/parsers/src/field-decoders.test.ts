import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDecoders } from './field-decoders.js';

describe('applyDecoders (Decode_Field)', () => {
  it('Decode_Field_As json turns any JSON object text back into the object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })), (object) => {
        const record: Record<string, unknown> = { log: JSON.stringify(object) };
        applyDecoders(record, [{ decoder: 'json', field: 'log', as: true, action: undefined }]);
        expect(record.log).toEqual(JSON.parse(JSON.stringify(object)));
      }),
    );
  });

  it('escaped undoes JSON string escaping of any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        const record: Record<string, unknown> = { log: JSON.stringify(text).slice(1, -1).replace(/\\u00([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) };
        applyDecoders(record, [{ decoder: 'escaped', field: 'log', as: true, action: undefined }]);
        expect(record.log).toBe(text);
      }),
    );
  });

  it('never throws on any value, whatever the decoders', () => {
    const decoder = fc.constantFrom('json', 'escaped', 'escaped_utf8', 'mysql_quoted') as fc.Arbitrary<'json'>;
    const rule = fc.record({ decoder, field: fc.constant('f'), as: fc.boolean(), action: fc.constantFrom(undefined, 'try_next', 'do_next') as fc.Arbitrary<undefined> });
    fc.assert(fc.property(fc.string({ maxLength: 30 }), fc.array(rule, { maxLength: 3 }), (text, rules) => applyDecoders({ f: text }, rules)));
  });
});
