import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLtsv } from './ltsv.js';

describe('parseLtsv', () => {
  it('reads back any label:value fields joined by TAB', () => {
    const field = fc.tuple(fc.stringMatching(/^[0-9A-Za-z_.-]{1,8}$/), fc.string({ maxLength: 12 }).map((v) => v.replace(/[\t\r\n\0]/g, '')));
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 6 }), (fields) => {
        expect(parseLtsv(fields.map(([label, v]) => `${label}:${v}`).join('\t'))).toEqual(fields);
      }),
    );
  });

  it('gives fields or undefined for any text, never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => void parseLtsv(text)));
  });
});
