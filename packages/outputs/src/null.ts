import { defineOutput } from '@tributary/core';

/** Fluent Bit's `null` output: accepts every chunk and discards it (for tests and benchmarks). */
export const nullOutput = defineOutput({
  name: 'null',
  description: 'Throws away events',
  configMap: {},
  init() {
    return { flush: () => 'ok' as const };
  },
});
