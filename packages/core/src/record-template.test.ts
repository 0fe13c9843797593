import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRecordTemplate } from './record-template.js';

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
