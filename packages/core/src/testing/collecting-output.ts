import { decodeEvents, type LogEvent } from '../event-codec.js';
import { defineOutput, type FlushChunk, type FlushResult } from '../plugin.js';

/** A flush as the output received it: the chunk (bytes copied), and when. */
export interface CollectedFlush extends FlushChunk {
  readonly at: number;
}

/**
 * An output that keeps every chunk it gets and answers with scripted results (then 'ok'), and
 * records its pre-exit and exit calls in order.
 */
export function collectingOutput(results: Array<FlushResult | Promise<FlushResult>> = [], name = 'collector') {
  const flushes: CollectedFlush[] = [];
  const calls: string[] = [];
  const plugin = defineOutput({
    name,
    description: 'test output: keeps what it receives',
    configMap: {},
    init() {
      return {
        flush(chunk: FlushChunk) {
          flushes.push({ ...chunk, data: Uint8Array.from(chunk.data), at: Date.now() });
          return results.shift() ?? 'ok';
        },
        preExit: () => void calls.push('preExit'),
        exit: () => void calls.push('exit'),
      };
    },
  });
  return {
    plugin,
    flushes,
    calls,
    /** Every record received so far, decoded, with its chunk's tag. */
    events(): Array<LogEvent & { tag: string }> {
      return flushes.flatMap((flush) => [...decodeEvents(flush.data)].map((event) => ({ ...event, tag: flush.tag })));
    },
  };
}
