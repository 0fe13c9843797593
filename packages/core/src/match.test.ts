import { describe, expect, it } from 'vitest';
import { createRouteMatcher, matchTag } from './match.js';

describe('matchTag (Fluent Bit Match)', () => {
  it.each([
    ['*', 'anything.at.all', true],
    ['*', '', true],
    ['cpu', 'cpu', true],
    ['cpu', 'cpu.0', false],
    ['cpu.*', 'cpu.0', true],
    ['cpu.*', 'cpu.', true],
    ['cpu.*', 'cpu', false],
    ['my.*', 'my.cpu', true],
    ['*.cpu', 'host.cpu', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['a**c', 'abc', true],
    ['CPU.*', 'cpu.0', false],
    ['cpu?', 'cpu1', false],
    ['cpu.[0]', 'cpu.0', false],
  ])('%s against %s is %s', (pattern, tag, expected) => {
    expect(matchTag(pattern, tag)).toBe(expected);
  });
});

describe('createRouteMatcher', () => {
  it('anchors Match_Regex at the start only', () => {
    const matches = createRouteMatcher({ matchRegex: 'cpu' });
    expect(matches('cpu.local')).toBe(true);
    expect(matches('my.cpu')).toBe(false);
  });

  it('falls back to the glob when the regex does not match', () => {
    const matches = createRouteMatcher({ matchRegex: '^mem', match: 'cpu.*' });
    expect(matches('mem.0')).toBe(true);
    expect(matches('cpu.0')).toBe(true);
    expect(matches('disk.0')).toBe(false);
  });

  it('matches nothing without a rule', () => {
    expect(createRouteMatcher({})('cpu.0')).toBe(false);
  });
});
