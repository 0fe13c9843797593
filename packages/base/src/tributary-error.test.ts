import { describe, expect, it } from 'vitest';
import { atLocation, formatLocation } from './source-location.js';
import { TributaryError } from './tributary-error.js';

class ConfigLikeError extends TributaryError<'A' | 'B'> {}

describe('TributaryError', () => {
  it('is recognised by its marker, through subclasses and across copies of the class', () => {
    const error = new ConfigLikeError('A', 'broken');
    expect(TributaryError.isInstance(error)).toBe(true);
    expect(error.code).toBe('A');
    const foreign = Object.assign(new Error('from another copy'), { [Symbol.for('tributary.error')]: true });
    expect(TributaryError.isInstance(foreign)).toBe(true);
    expect(TributaryError.isInstance(new Error('plain'))).toBe(false);
    expect(TributaryError.isInstance('text')).toBe(false);
  });
});

describe('formatLocation', () => {
  it('renders file:line:column, file:line or the file alone', () => {
    expect(formatLocation({ file: 'a.yaml', line: 3, column: 5 })).toBe('a.yaml:3:5');
    expect(formatLocation({ file: 'a.conf', line: 3 })).toBe('a.conf:3');
    expect(formatLocation({ file: 'command line', line: 0 })).toBe('command line');
    expect(formatLocation(undefined)).toBe('');
    expect(atLocation({ file: 'a.conf', line: 2 }, 'bad')).toBe('a.conf:2: bad');
    expect(atLocation(undefined, 'bad')).toBe('bad');
  });
});
