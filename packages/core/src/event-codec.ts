import { EventTime, MsgpackReader, type MsgpackValue, type MsgpackWriter } from '@tributary/msgpack';
import { CoreError } from './errors.js';
import { RecordMap } from './record-map.js';

/**
 * How records are laid out in a chunk: `v2` is Fluent Bit ≥ 2.1's
 * `[[EventTime, {metadata}], {body}]`; `legacy` is `[EventTime, {body}]`, which fluent-bit-go
 * decoders older than July 2023 need.
 */
export type EventFormat = 'v2' | 'legacy';

/** A record body or metadata map: an object to encode, msgpack bytes of a map already encoded, or a filter's RecordMap. */
export type EncodedOrObject = { readonly [key: string]: MsgpackValue } | Uint8Array | RecordMap;

/** One decoded log event. */
export interface LogEvent {
  time: EventTime;
  metadata: Record<string, unknown>;
  body: Record<string, unknown>;
}

const EMPTY_MAP = new Uint8Array([0x80]);

/**
 * Writes one record envelope straight into `writer`. Bodies and metadata given as bytes are
 * copied verbatim, so an input that encodes its payload once (e.g. `dummy`) costs a memcpy.
 */
export function writeEvent(
  writer: MsgpackWriter,
  format: EventFormat,
  sec: number,
  nsec: number,
  body: EncodedOrObject,
  metadata?: EncodedOrObject,
): void {
  writer.writeArrayHeader(2);
  if (format === 'v2') {
    writer.writeArrayHeader(2);
    writer.writeEventTime(sec, nsec);
    writeMapOrBytes(writer, metadata ?? EMPTY_MAP);
  } else {
    writer.writeEventTime(sec, nsec);
  }
  writeMapOrBytes(writer, body);
}

function writeMapOrBytes(writer: MsgpackWriter, value: EncodedOrObject): void {
  if (value instanceof Uint8Array) writer.writeRaw(value);
  else if (value instanceof RecordMap) value.writeTo(writer);
  else writer.writeMap(value);
}

function formatError(message: string): CoreError {
  return new CoreError('EVENT_FORMAT', message);
}

/**
 * Decodes the records of a chunk. Accepts every shape Fluent Bit's own decoder does: v2
 * `[[time, meta], body]`, legacy `[time, body]`, and times given as EventTime, an integer or a
 * float number of seconds.
 */
export function* decodeEvents(bytes: Uint8Array): Generator<LogEvent> {
  const reader = new MsgpackReader(bytes);
  while (!reader.done) yield decodeOne(reader);
}

function decodeOne(reader: MsgpackReader): LogEvent {
  const at = reader.offset;
  const record = reader.read();
  if (!Array.isArray(record) || record.length !== 2) throw formatError(`record at byte ${at} is not a 2-element array [header, body]`);
  const [header, body] = record as [unknown, unknown];
  if (!isMap(body)) throw formatError(`record at byte ${at} has a body that is not a map`);
  if (Array.isArray(header)) {
    const [time, metadata] = header as [unknown, unknown];
    return { time: toEventTime(time, at), metadata: isMap(metadata) ? metadata : {}, body };
  }
  return { time: toEventTime(header, at), metadata: {}, body };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof EventTime);
}

function toEventTime(value: unknown, at: number): EventTime {
  if (value instanceof EventTime) return value;
  if (typeof value === 'number') return EventTime.fromSeconds(value);
  if (typeof value === 'bigint') return new EventTime(Number(value), 0);
  throw formatError(`record at byte ${at} has a timestamp that is neither EventTime nor a number`);
}

/**
 * Rewrites v2 records `[[time, meta], body]` as legacy `[time, body]` by copying byte ranges
 * (metadata is dropped); legacy records pass through unchanged.
 */
export function toLegacyEvents(bytes: Uint8Array, writer: MsgpackWriter): void {
  const reader = new MsgpackReader(bytes);
  while (!reader.done) {
    const recordStart = reader.offset;
    if (reader.next() !== 'array' || reader.size !== 2) throw formatError(`record at byte ${recordStart} is not a 2-element array [header, body]`);
    const headerStart = reader.offset;
    if (reader.next() !== 'array') {
      reader.offset = headerStart;
      reader.skip();
      reader.skip();
      writer.writeRaw(reader.bytes.subarray(recordStart, reader.offset));
      continue;
    }
    const headerItems = reader.size;
    const timeStart = reader.offset;
    reader.skip();
    const timeEnd = reader.offset;
    for (let i = 1; i < headerItems; i++) reader.skip();
    const bodyStart = reader.offset;
    reader.skip();
    writer.writeArrayHeader(2);
    writer.writeRaw(reader.bytes.subarray(timeStart, timeEnd));
    writer.writeRaw(reader.bytes.subarray(bodyStart, reader.offset));
  }
}

/** One event of a chunk as byte ranges: its time, and its metadata and body maps as msgpack. */
export type RawEventVisitor = (sec: number, nsec: number, metadata: Uint8Array | undefined, body: Uint8Array) => void;

/**
 * Walks already-encoded events — v2 `[[time, meta], body]` or legacy `[time, body]`, with
 * EventTime or numeric times, back to back — handing each one's parts over as views of
 * `bytes`, without decoding the maps. Every event is checked before the first is visited, so
 * bytes that hold a malformed event anywhere visit none (CoreError EVENT_FORMAT, with the offset).
 */
export function forEachRawEvent(bytes: Uint8Array, visit: RawEventVisitor): number {
  const reader = new MsgpackReader(bytes);
  const events: number[] = [];
  try {
    while (!reader.done) {
      const at = reader.offset;
      if (reader.next() !== 'array' || reader.size !== 2) throw formatError(`event at byte ${at} is not a 2-element array [header, body]`);
      const headerAt = reader.offset;
      let kind = reader.next();
      let metaStart = -1;
      let metaEnd = -1;
      let headerItems = 0;
      if (kind === 'array') {
        headerItems = reader.size;
        if (headerItems < 1) throw formatError(`event at byte ${at} has an empty header`);
        kind = reader.next();
      }
      const time = reader.eventTime(kind);
      if (!time) throw formatError(`event at byte ${headerAt} has a timestamp that is neither EventTime nor a number`);
      if (headerItems >= 2) {
        metaStart = reader.offset;
        if (reader.next() !== 'map') throw formatError(`event at byte ${at} has metadata that is not a map`);
        reader.offset = metaStart;
        reader.skip();
        metaEnd = reader.offset;
        for (let i = 2; i < headerItems; i++) reader.skip();
      }
      const bodyStart = reader.offset;
      if (reader.next() !== 'map') throw formatError(`event at byte ${at} has a body that is not a map`);
      reader.offset = bodyStart;
      reader.skip();
      events.push(time.sec, time.nsec, metaStart, metaEnd, bodyStart, reader.offset);
    }
  } catch (error) {
    if (error instanceof CoreError) throw error;
    throw formatError(`bytes are not msgpack events: ${(error as Error).message}`);
  }
  for (let i = 0; i < events.length; i += 6) {
    const metaStart = events[i + 2]!;
    const metadata = metaStart < 0 ? undefined : bytes.subarray(metaStart, events[i + 3]);
    visit(events[i]!, events[i + 1]!, metadata, bytes.subarray(events[i + 4], events[i + 5]));
  }
  return events.length / 6;
}
