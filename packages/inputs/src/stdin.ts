import type { Readable } from 'node:stream';
import { messageOf } from '@tributary/base';
import { defineInput } from '@tributary/core';
import { JsonStream, type JsonValueHandler } from './json-stream.js';

/**
 * Fluent Bit's `stdin` input (`plugins/in_stdin`): JSON values read from standard input until
 * it ends — each object a record stamped now, each array a Fluent Bit event (`[time, {record}]`
 * or `[[time, {metadata}], {record}]`, its own time kept) — then it asks the process to stop,
 * which flushes what is buffered: `cat events.json | agent -i stdin -o stdout` exits 0 once all
 * is out. Invalid JSON drops what is pending (with a warning), as Fluent Bit does.
 */
export function createStdinInput(open: () => Readable = () => process.stdin) {
  return defineInput({
    name: 'stdin',
    description: 'Standard Input',
    configMap: {
      buffer_size: { type: 'size', default: '16000', description: 'Largest JSON value read, at least 16000 bytes' },
      parser: { type: 'string', description: 'Parse the input with this parser', unsupported: 'inputs cannot use parsers in Tributary yet' },
    },
    init(ctx) {
      const limit = ctx.config.buffer_size;
      if (limit < 16000) throw new Error(`${ctx.name}: buffer_size must be at least 16000 bytes, got ${limit}.`);
      const stream = open();
      const splitter = new JsonStream(limit);
      const onValue: JsonValueHandler = (packed, first, json) => {
        if (first === 0x7b) ctx.append(packed);
        else if (first === 0x5b) ctx.appendEvents(packed);
        else ctx.log.warn(`a JSON value that is neither an object nor an event array was dropped: ${json.toString('utf8', 0, 60)}`);
      };
      stream.on('data', (bytes: Buffer) => {
        try {
          if (!splitter.push(bytes, onValue)) ctx.log.warn(`a JSON value is larger than buffer_size (${limit} bytes): dropped`);
        } catch (error) {
          ctx.log.warn(`invalid input, ${splitter.pending} pending bytes dropped: ${messageOf(error)}`);
          splitter.reset();
        }
      });
      stream.on('end', () => {
        if (splitter.pending > 0) ctx.log.warn(`end of input inside a JSON value: ${splitter.pending} bytes dropped`);
        ctx.log.info('end of input: stopping');
        ctx.requestStop('end of input');
      });
      stream.on('error', (error) => {
        ctx.log.warn(`cannot read standard input: ${error.message}: stopping`);
        ctx.requestStop('read error');
      });
      return {
        pause: () => void stream.pause(),
        resume: () => void stream.resume(),
        exit: () => void stream.pause(),
      };
    },
  });
}

/** The `stdin` input reading the process's standard input. */
export const stdinInput = createStdinInput();
