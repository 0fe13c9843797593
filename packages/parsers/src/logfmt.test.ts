import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLogfmt } from './logfmt.js';

const key = fc.stringMatching(/^[a-z_][a-z0-9_.]{0,8}$/);
const value = fc.string({ maxLength: 20 }).map((text) => text.replace(/[\n\r]/g, ' '));

describe('parseLogfmt', () => {
  it('reads back any pairs written as key="value" with escapes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 6 }), (pairs) => {
        const line = pairs.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(' ');
        expect(parseLogfmt(line)).toEqual(pairs);
      }),
    );
  });

  it('gives pairs or undefined for any text, never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => void parseLogfmt(text)));
  });
});
