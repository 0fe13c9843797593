import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { expandVariables } from './variables.js';

describe('expandVariables', () => {
  const scope = { variables: new Map([['A', 'set']]), env: { A: 'env', B: 'b', EMPTY: '' } };

  it('prefers @SET, then the environment; empty counts as unset', () => {
    expect(expandVariables('${A}-${B}-${EMPTY:-d}-${EMPTY}', scope)).toBe('set-b-d-');
  });

  it('presets HOSTNAME and keeps an unterminated ${ as written', () => {
    expect(expandVariables('${HOSTNAME} ${open', scope)).toBe(`${hostname()} \${open`);
  });
});
