import type { OutputPlugin } from '@tributary/core';
import { fileOutput } from './file.js';
import { forwardOutput } from './forward/forward-output.js';
import { httpOutput } from './http.js';
import { nullOutput } from './null.js';
import { createStdoutOutput, stdoutOutput, type TextSink } from './stdout.js';

export { createStdoutOutput, fileOutput, forwardOutput, httpOutput, nullOutput, stdoutOutput, type TextSink };
export { printMsgpackObject } from './fluent-bit-text.js';
export { msgpackToJson } from './fluent-bit-json.js';

/** Every built-in output, for a plugin registry. */
export const builtinOutputs: readonly OutputPlugin[] = [stdoutOutput, nullOutput, fileOutput, httpOutput, forwardOutput] as readonly OutputPlugin[];
