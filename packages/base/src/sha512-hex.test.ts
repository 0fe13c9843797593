import { describe, expect, it } from 'vitest';
import { sha512Hex } from './sha512-hex.js';

describe('sha512Hex', () => {
  it('is the hex digest of the parts one after the other (FIPS 180-2 "abc" vector)', () => {
    const abc = 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';
    expect(sha512Hex('abc')).toBe(abc);
    expect(sha512Hex('a', new Uint8Array([0x62]), 'c')).toBe(abc);
  });
});
