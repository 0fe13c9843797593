import { readFileSync } from 'node:fs';
import { create, fromBinary, fromJson, toBinary, toJson, type DescMessage, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { ListValueSchema, StructSchema, ValueSchema, type Struct, type Value } from '@bufbuild/protobuf/wkt';
import {
  AuthenticateArgsSchema,
  BoolSchema,
  ByteStringSchema,
  ConsumerSpecSchema,
  ExitArgsSchema,
  IntSchema,
  KVSchema,
  NumberSchema,
  RawBodyResultSchema,
  StringSchema,
  TargetSchema,
  UriCapturesResultSchema,
} from './gen/pluginsocket_pb.js';
import { valueOfLua } from './kong-pdk-values.js';
import { KongRpcProtocolError } from './protocol-error.js';

/**
 * The plugin's side of a ProtoBuf:1 PDK call, the mirror of `kong-pdk-values.ts`: a JS call's
 * arguments as the method's input message (what go-pdk sends for the same call), and the
 * reply message as the JS value a plugin gets over MsgPack:1 for the same call — so a plugin
 * written for kong-pdk sees the same values on either protocol.
 */

const bytesOf = (value: unknown): Uint8Array => (value instanceof Uint8Array ? value : Buffer.from(String(value ?? '')));
const text = (value: unknown): string => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value ?? ''));

/** A header or query table as a Struct of lists of strings (go-pdk's `WrapHeaders`); Kong takes a string or a list. */
function multimapOf(table: unknown): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries((table ?? {}) as Record<string, unknown>)) {
    out[key] = Array.isArray(value) ? value.map(text) : [text(value)];
  }
  return out;
}

/** The input message of `input` for a call with `args`. */
export function inputOf(input: DescMessage, args: readonly unknown[]): Uint8Array {
  const [first, second, third] = args;
  switch (input.typeName) {
    case 'google.protobuf.Empty': return new Uint8Array(0);
    case KVSchema.typeName: return toBinary(KVSchema, create(KVSchema, { k: text(first), v: valueOfLua(second) }));
    case BoolSchema.typeName: return toBinary(BoolSchema, create(BoolSchema, { v: Boolean(first) }));
    case IntSchema.typeName: return toBinary(IntSchema, create(IntSchema, { v: first === undefined || first === null ? 0 : Math.trunc(Number(first)) }));
    case NumberSchema.typeName: return toBinary(NumberSchema, create(NumberSchema, { v: Number(first ?? 0) }));
    case StringSchema.typeName: return toBinary(StringSchema, create(StringSchema, { v: text(first) }));
    case ByteStringSchema.typeName: return toBinary(ByteStringSchema, create(ByteStringSchema, { v: bytesOf(first) }));
    case ExitArgsSchema.typeName:
      return toBinary(
        ExitArgsSchema,
        create(ExitArgsSchema, { status: Math.trunc(Number(first ?? 200)), body: second === undefined || second === null ? new Uint8Array(0) : bytesOf(second), ...(third === undefined || third === null ? {} : { headers: multimapOf(third) }) }),
      );
    case TargetSchema.typeName: return toBinary(TargetSchema, create(TargetSchema, { host: text(first), port: Math.trunc(Number(second ?? 0)) }));
    case ConsumerSpecSchema.typeName: return toBinary(ConsumerSpecSchema, create(ConsumerSpecSchema, { id: text(first), byUsername: Boolean(second) }));
    case AuthenticateArgsSchema.typeName: {
      const json: JsonObject = {};
      if (first !== undefined && first !== null) json.consumer = first as JsonValue;
      if (second !== undefined && second !== null) json.credential = second as JsonValue;
      return toBinary(AuthenticateArgsSchema, fromJson(AuthenticateArgsSchema, json, { ignoreUnknownFields: true }));
    }
    case 'google.protobuf.ListValue': return toBinary(ListValueSchema, create(ListValueSchema, { values: args.map(valueOfLua) }));
    case 'google.protobuf.Struct': {
      // The setters of headers and query take a multimap, as go-pdk wraps them.
      return toBinary(StructSchema, fromJson(StructSchema, multimapOf(first)));
    }
    default: return toBinary(input, fromJson(input, (first ?? {}) as JsonValue, { ignoreUnknownFields: true }));
  }
}

/** A Value as a JS value, as msgpack would carry Kong's Lua value: nil is null. */
function jsOfValue(value: Value | undefined): unknown {
  const kind = value?.kind;
  switch (kind?.case) {
    case 'boolValue': return kind.value;
    case 'stringValue': return kind.value;
    case 'numberValue': return kind.value;
    case 'structValue': return jsOfStruct(kind.value);
    case 'listValue': return kind.value.values.map(jsOfValue);
    default: return null;
  }
}

function jsOfStruct(struct: Struct): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(struct.fields)) out[key] = jsOfValue(value);
  return out;
}

/** Kong's `fix_mmap` as MsgPack:1 plugins see headers and query: a list per name, `true` (a bare query flag) an empty one. */
function multimapValue(table: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(table)) out[key] = value === true ? [] : Array.isArray(value) ? (value as string[]) : [String(value)];
  return out;
}

const MULTIMAP_METHODS = new Set(['kong.request.get_query', 'kong.request.get_headers', 'kong.response.get_headers', 'kong.service.response.get_headers']);

/** The JS value of the reply to `method`, whose output message is `output`. */
export function valueOf(method: string, output: DescMessage, payload: Uint8Array): unknown {
  switch (output.typeName) {
    case 'google.protobuf.Empty': return null;
    case BoolSchema.typeName: return fromBinary(BoolSchema, payload).v;
    case IntSchema.typeName: return fromBinary(IntSchema, payload).v;
    case NumberSchema.typeName: return fromBinary(NumberSchema, payload).v;
    case StringSchema.typeName: return fromBinary(StringSchema, payload).v;
    case ByteStringSchema.typeName: return Buffer.from(fromBinary(ByteStringSchema, payload).v);
    case 'google.protobuf.Value': return jsOfValue(fromBinary(ValueSchema, payload));
    case 'google.protobuf.Struct': {
      const table = jsOfStruct(fromBinary(StructSchema, payload));
      return MULTIMAP_METHODS.has(method) ? multimapValue(table) : table;
    }
    case RawBodyResultSchema.typeName: {
      const kind = fromBinary(RawBodyResultSchema, payload).kind;
      if (kind.case === 'content') return Buffer.from(kind.value);
      // Kong's file of a large body: read here, as go-pdk reads it (the sidecar shares Kong's filesystem).
      if (kind.case === 'bodyFilepath') return readFileSync(kind.value);
      throw new KongRpcProtocolError(kind.value ?? "Can't read request body");
    }
    case UriCapturesResultSchema.typeName: {
      const captures = fromBinary(UriCapturesResultSchema, payload);
      const utf8 = (value: Uint8Array) => Buffer.from(value).toString('utf8');
      return { unnamed: captures.unnamed.map(utf8), named: Object.fromEntries(Object.entries(captures.named).map(([key, value]) => [key, utf8(value)])) };
    }
    default:
      return payload.length === 0 ? null : toJson(output, fromBinary(output, payload), { useProtoFieldName: true });
  }
}
