import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTypes, typecast } from './typecast.js';

describe('typecast (flb_parser_typecast)', () => {
  it('integer and hex read the leading digits as atoll and strtoull do, exactly past 2^53', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.string({ maxLength: 5 }).filter((s) => !/^\d/.test(s)), (n, rest) => {
        expect(BigInt(typecast(`${n}${rest}`, 'integer') as number | bigint)).toBe(n);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => {
        expect(BigInt(typecast(n.toString(16), 'hex') as number | bigint)).toBe(n);
      }),
    );
  });

  it('never throws on any value and type, and parses any Types line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.constantFrom('integer', 'bool', 'float', 'hex', 'string') as fc.Arbitrary<'integer'>, (text, type) => {
        typecast(text, type);
        parseTypes(text);
      }),
    );
  });
});
