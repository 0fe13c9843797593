import { splitQuoted } from './split-quoted.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const quote = (token: string) => `"${token.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

describe('splitQuoted (flb_utils_split_quoted, SLIST_N)', () => {
  it('splits on spaces, keeps quoted spaces, and appends the remainder after the limit', () => {
    expect(splitQuoted('  a  "b c"  d ')).toEqual(['a', 'b c', 'd']);
    expect(splitQuoted('$k ^x$ new.tag true extra words', 4)).toEqual(['$k', '^x$', 'new.tag', 'true', 'extra words']);
    expect(splitQuoted('"a \\"q\\" \\\\ b"')).toEqual(['a "q" \\ b']);
    expect(splitQuoted('"open')).toBeUndefined();
  });

  it('gives back any tokens written quoted, whatever they hold', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 6 }), (tokens) => {
        expect(splitQuoted(tokens.map(quote).join(' '))).toEqual(tokens);
      }),
    );
  });

  it('gives back unquoted tokens without spaces or quotes, and never more than limit + 1 entries', () => {
    const word = fc.string({ minLength: 1 }).filter((text) => !/[ "]/.test(text));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), fc.integer({ min: 1, max: 5 }), (tokens, limit) => {
        expect(splitQuoted(tokens.join(' '))).toEqual(tokens);
        expect((splitQuoted(tokens.join(' '), limit) ?? []).length).toBeLessThanOrEqual(limit + 1);
      }),
    );
  });
});
