import type { InputPlugin } from '@tributary/core';
import { cpuInput } from './cpu.js';
import { dummyInput } from './dummy.js';
import { forwardInput } from './forward.js';
import { httpInput } from './http.js';
import { memInput } from './mem.js';
import { createStdinInput, stdinInput } from './stdin.js';
import { syslogInput } from './syslog.js';
import { tailInput } from './tail.js';
import { tcpInput } from './tcp.js';

export { cpuInput, createStdinInput, dummyInput, forwardInput, httpInput, memInput, stdinInput, syslogInput, tailInput, tcpInput };

/** Every built-in input, for a plugin registry. */
export const builtinInputs: readonly InputPlugin[] = [cpuInput, dummyInput, forwardInput, httpInput, memInput, stdinInput, syslogInput, tailInput, tcpInput];
