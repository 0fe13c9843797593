import { CoreError, defineFilter, RecordMap, type FilterEvent, type MultilineJoiner } from '@tributary/core';
import type { MsgpackValue } from '@tributary/msgpack';

/**
 * Fluent Bit's `multiline` filter (`plugins/filter_multiline/ml.c`, mode `parser`): the text at
 * `multiline.key_content` of each record is joined by the `multiline.parser`s — the same engine
 * as tail's — one stream per tag, a message keeping its first record's other keys. Buffered (the
 * default), records are held and joined messages re-emitted under their tag through the filter's
 * emitter, pending ones every `flush_ms`; with `buffer off` a record comes out in the call that
 * completes its message. What is pending at shutdown is emitted before the inputs stop. Joined
 * messages carry no metadata. `mode partial_message` is not in Tributary yet.
 */
export const multilineFilter = defineFilter({
  name: 'multiline',
  description: 'Concatenate multiline messages',
  configMap: {
    'multiline.parser': { type: 'list', multiple: true, description: 'the multiline parsers to try: docker, cri, go, java, python, ruby or a [MULTILINE_PARSER]' },
    'multiline.key_content': { type: 'string', description: 'the key whose text is joined' },
    mode: { type: 'string', default: 'parser', description: 'parser (partial_message is not in Tributary yet)' },
    buffer: { type: 'bool', default: 'true', description: 're-emit joined messages through an emitter (needed for inputs that append records one by one)' },
    flush_ms: { type: 'int', default: '2000', description: 'milliseconds after which pending lines are flushed' },
    emitter_name: { type: 'string', description: 'the name of the emitter input (default emitter_for_<filter name>)' },
    'emitter_storage.type': { type: 'string', default: 'memory', description: 'memory (filesystem needs durable buffering, not yet in Tributary)' },
    emitter_mem_buf_limit: { type: 'size', default: '10M', description: "the emitter input's Mem_Buf_Limit" },
    debug_flush: { type: 'bool', default: 'false', description: 'print flushed messages', unsupported: 'use a stdout output to see them' },
  },
  init(ctx) {
    const { config, name } = ctx;
    const parsers = config['multiline.parser'].flat();
    if (parsers.length === 0) throw new CoreError('INVALID_PROPERTY', `${name}: multiline.parser is required, e.g. 'multiline.parser java, go'.`);
    const keyContent = config['multiline.key_content'];
    if (keyContent === undefined) throw new CoreError('INVALID_PROPERTY', `${name}: multiline.key_content is required: the key holding the text to join, e.g. 'multiline.key_content log'.`);
    if (config.mode.toLowerCase() !== 'parser') throw new CoreError('INVALID_PROPERTY', `${name}: mode ${config.mode} is not supported by Tributary yet: use mode parser.`);
    if (config['emitter_storage.type'].toLowerCase() !== 'memory') {
      throw new CoreError('INVALID_PROPERTY', `${name}: Emitter_Storage.type ${config['emitter_storage.type']} is not supported: Tributary buffers in memory only so far.`);
    }
    // Check the parser names now: a name that is not defined fails the start, naming it.
    ctx.multiline(parsers, () => {}, { keyContent });
    const streams = new Map<string, MultilineJoiner>();
    let ready: FilterEvent[] = [];
    const stream = (tag: string, sink: (event: FilterEvent) => void) => {
      let joiner = streams.get(tag);
      if (joiner === undefined) {
        joiner = ctx.multiline(
          parsers,
          (record, time) => {
            const stamp = time ?? { sec: Math.floor(Date.now() / 1000), nsec: (Date.now() % 1000) * 1e6 };
            sink({ sec: stamp.sec, nsec: stamp.nsec, metadata: RecordMap.from({}), body: RecordMap.from(record) });
          },
          { keyContent },
        );
        streams.set(tag, joiner);
      }
      return joiner;
    };
    if (!config.buffer) {
      return {
        filter(event, tag) {
          ready = [];
          stream(tag, (out) => ready.push(out)).appendRecord(event.body.toObject(), { sec: event.sec, nsec: event.nsec });
          return ready;
        },
      };
    }
    const emitter = ctx.emitter({ name: config.emitter_name ?? `emitter_for_${name}`, memBufLimit: config.emitter_mem_buf_limit });
    // Messages the emitter refused while paused (its Mem_Buf_Limit; the inputs feeding this
    // filter are paused with it, so this holds at most what was pending then): offered again first.
    const waiting: Array<[string, FilterEvent]> = [];
    const offerWaiting = () => {
      while (waiting.length > 0 && emitter.emit(waiting[0]![0], waiting[0]![1])) waiting.shift();
      return waiting.length === 0;
    };
    const sinks = new Map<string, (event: FilterEvent) => void>();
    const sinkFor = (tag: string) => {
      let sink = sinks.get(tag);
      if (sink === undefined) {
        sink = (out: FilterEvent) => {
          if (!offerWaiting() || !emitter.emit(tag, out)) waiting.push([tag, out]);
        };
        sinks.set(tag, sink);
      }
      return sink;
    };
    ctx.every(Math.max(100, config.flush_ms), () => {
      offerWaiting();
      for (const joiner of streams.values()) joiner.flush();
    });
    return {
      filter(event, tag) {
        stream(tag, sinkFor(tag)).appendRecord(event.body.toObject() as Record<string, MsgpackValue>, { sec: event.sec, nsec: event.nsec });
        // The emitter takes every record, joined or not: none goes on from here.
        return 'drop';
      },
      drain() {
        for (const joiner of streams.values()) joiner.flush();
        if (!offerWaiting()) ctx.log.warn(`${waiting.length} joined messages are lost at shutdown: ${emitter.name} is paused (its Mem_Buf_Limit).`);
      },
    };
  },
});
