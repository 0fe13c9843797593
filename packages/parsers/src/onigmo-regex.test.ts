import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParserError } from './parser-error.js';
import { translateOnigmo } from './onigmo-regex.js';

const match = (pattern: string, text: string) => {
  const { regex, groups } = translateOnigmo(pattern, 'p');
  const found = regex.exec(text);
  return found ? Object.fromEntries(groups.map(([js, name]) => [name, found.groups?.[js]])) : undefined;
};

describe('translateOnigmo', () => {
  it('reads Ruby-syntax constructs JavaScript spells differently', () => {
    expect(match('^(?<a>\\h+)$', 'x\nbeef\ny')).toEqual({ a: 'beef' }); // ^ $ are line anchors
    expect(match('\\A(?<a>\\w+)\\z', 'abc')).toEqual({ a: 'abc' });
    expect(match('\\A(?<a>\\w+)\\z', 'abc\n')).toBeUndefined();
    expect(match('(?<a>[[:digit:]]+)', 'ab12')).toEqual({ a: '12' });
    expect(match("(?'a'x)(?#comment)", 'x')).toEqual({ a: 'x' });
    expect(match('(?<my-key>\\d)', '7')).toEqual({ 'my-key': '7' });
    expect(match('/(?<a>A.B)/mi', 'a\nb')).toEqual({ a: 'a\nb' }); // Ruby m is dot-all
    expect(match('(?<a>\\s+)', 'x\u00a0 y')).toEqual({ a: ' ' }); // \s is ASCII in Ruby
    expect(match('/(?<a> a b )/x', 'ab')).toEqual({ a: 'ab' });
    expect(match('(?x:)(?<a>z)', 'z')).toEqual({ a: 'z' }); // the java rule's empty group
  });

  it.each([
    ['a*+', 'the possessive quantifier *+'],
    ['(?>ab)', 'an atomic group (?>…)'],
    ['(?i)abc', 'the inline options (?i)'],
    ['(?i:abc)', 'the inline options (?i:'],
    ['a\\Kb', '\\K'],
    ['\\p{Alpha}', '\\p'],
    ['[a-z&&[^aeiou]]', 'a character class intersection (&&)'],
    ['[a[b]]', 'a nested character class'],
    ['(?<a>x)(?<a>y)', "the group name 'a' twice"],
    ['(?<a>x)\\1', 'the numbered backreference \\1 beside named groups'],
  ])('refuses %s naming %s', (pattern, construct) => {
    expect(() => translateOnigmo(pattern, 'p')).toThrow(`parser 'p': the Regex uses ${construct}`);
  });

  it('gives a RegExp or a ParserError for any pattern, never another exception', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[()?<>:a-z\\[\]*+{}|^$.'#\-\dhAzZ]{0,20}$/), (pattern) => {
        try {
          translateOnigmo(pattern, 'p');
        } catch (error) {
          expect(error).toBeInstanceOf(ParserError);
        }
      }),
    );
  });
});
