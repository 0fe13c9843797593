import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRecordTemplate } from './record-template.js';
import { splitQuoted } from './split-quoted.js';

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

describe('compileRecordTemplate (record accessor templates)', () => {
  it('translates $TAG, $TAG[n], captures and record keys, the key ending at a dot', () => {
    const template = compileRecordTemplate("x.$TAG.$TAG[1].$TAG[9].$1.$key.$a['b'][0].$n,$f $missing.end");
    const captures = /^(\w+)$/.exec('cap');
    expect(template('app.web', { key: 'k', a: { b: ['deep'] }, n: 5, f: 1.5 }, captures)).toBe('x.app.web.web..cap.k.deep.5,1.500000 .end');
  });

  it('never throws on any template, tag or record, and copies text without $ as it is', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.jsonValue(), (text, tag, body) => {
        let template;
        try {
          template = compileRecordTemplate(text);
        } catch (error) {
          expect((error as Error).name).toBe('CoreError');
          return;
        }
        const out = template(tag, body, null);
        expect(typeof out).toBe('string');
        if (!text.includes('$')) expect(out).toBe(text);
      }),
    );
  });
});
