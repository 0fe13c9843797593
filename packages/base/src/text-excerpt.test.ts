import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { excerpt } from './text-excerpt.js';

describe('excerpt', () => {
  it('escapes control characters and cuts long text', () => {
    expect(excerpt('a\u0000b\u001b[31mc\tz')).toBe('a\\x00b\\x1b[31mc\\x09z');
    expect(excerpt('x'.repeat(100), 10)).toBe(`${'x'.repeat(10)}…`);
  });

  it('never lets a control character through, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(excerpt(text)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/); // eslint-disable-line no-control-regex
      }),
    );
  });
});
