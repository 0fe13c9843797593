import type { InputPlugin } from '@tributary/core';
import { cpuInput } from './cpu.js';
import { dummyInput } from './dummy.js';

export { cpuInput, dummyInput };

/** Every built-in input, for a plugin registry. */
export const builtinInputs: readonly InputPlugin[] = [cpuInput, dummyInput];
