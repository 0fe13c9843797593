import { MsgpackReader } from '@tributary/msgpack';

/** What routing needs of a MessagePack-RPC request: its method, and the one field that names its server. */
export interface RpcHeader {
  /** The request's msgid, which its response echoes. */
  readonly msgid: number;
  readonly method: string;
  /** `InstanceId` of HandleEvent, `EventId` of a Step, the bare id of CloseInstance/InstanceStatus. */
  readonly id: number | undefined;
  /** `Name` of StartInstance. */
  readonly name: string | undefined;
}

const ROUTING_KEYS = new Set(['InstanceId', 'EventId', 'Name']);

/**
 * Reads the header of a request `[0, msgid, method, [param]]` without decoding the rest:
 * the msgid (a uint, as Kong numbers its requests), the method, then of the first param only the routing field (a map's `InstanceId`,
 * `EventId` or `Name`, other values skipped unread, or a bare number). Undefined for anything
 * that is not such a request (it is then decoded and answered as usual).
 */
export function readRpcHeader(reader: MsgpackReader, bytes: Uint8Array, start: number, end: number): RpcHeader | undefined {
  try {
    reader.reset(bytes, start, end);
    if (reader.next() !== 'array' || reader.size < 4) return undefined;
    if (reader.next() !== 'uint' || reader.value !== 0) return undefined;
    if (reader.next() !== 'uint') return undefined;
    const msgid = Number(reader.value);
    if (reader.next() !== 'str') return undefined;
    const method = String(reader.string());
    if (reader.next() !== 'array' || reader.size === 0) return { msgid, method, id: undefined, name: undefined };
    const kind = reader.next();
    if (kind === 'uint' || kind === 'int') return { msgid, method, id: Number(reader.value), name: undefined };
    if (kind !== 'map') return { msgid, method, id: undefined, name: undefined };
    let id: number | undefined;
    let name: string | undefined;
    for (let pairs = reader.size; pairs > 0; pairs--) {
      if (reader.next() !== 'str') return undefined; // not Kong's shape: decode it whole
      const key = String(reader.string());
      if (!ROUTING_KEYS.has(key)) {
        reader.skip();
        continue;
      }
      const value = reader.next();
      if (key === 'Name' && value === 'str') name = String(reader.string());
      else if ((value === 'uint' || value === 'int') && key !== 'Name') id = Number(reader.value);
      else if (value === 'array' || value === 'map') return undefined;
    }
    return { msgid, method, id, name };
  } catch {
    return undefined;
  }
}
