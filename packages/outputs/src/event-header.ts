import { EventTime, type MsgpackKind, type MsgpackReader } from '@tributary/msgpack';

/**
 * Reads the header of the event the reader is in (after its `[header, body]` array): a v2
 * `[time, meta]` — the metadata printed by `printMeta` when given, else skipped — or a legacy
 * bare time. A time that is neither EventTime nor a number reads as 0, as Fluent Bit's decoder
 * leaves it.
 */
export function readEventHeader(reader: MsgpackReader, printMeta?: (reader: MsgpackReader) => string): { time: EventTime; metadata: string } {
  const kind = reader.next();
  if (kind !== 'array') return { time: timeOf(reader, kind), metadata: '{}' };
  const items = reader.size;
  const time = timeOf(reader, reader.next());
  let metadata = '{}';
  if (items > 1) {
    if (printMeta) metadata = printMeta(reader);
    else reader.skip();
  }
  for (let i = 2; i < items; i++) reader.skip();
  return { time, metadata };
}

function timeOf(reader: MsgpackReader, kind: MsgpackKind): EventTime {
  return reader.eventTime(kind) ?? new EventTime(0, 0);
}
