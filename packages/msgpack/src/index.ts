export { EventTime, readClock, type MutableTime } from './event-time.js';
export { Float64 } from './float64.js';
export { MsgpackFormatError, type MsgpackErrorCode } from './msgpack-error.js';
export { MsgpackFramer, type MessageHandler, type MsgpackFramerOptions } from './msgpack-framer.js';
export { MsgpackReader, type MsgpackExt, type MsgpackKind, type MsgpackReaderOptions } from './msgpack-reader.js';
export { encodeString, MsgpackWriter, type MsgpackValue, type MsgpackWriterOptions } from './msgpack-writer.js';
export { packJson } from './pack-json.js';
export { JsonBytePacker } from './pack-json-bytes.js';
export { skipItem, strBounds } from './msgpack-skip.js';
