import { create, fromBinary, fromJson, toBinary, toJson, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import { ListValueSchema, NullValue, StructSchema, ValueSchema, type ListValue, type Struct, type Value } from '@bufbuild/protobuf/wkt';
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
import { KongRpcProtocolError } from './protocol-error.js';

/**
 * Kong's side of a ProtoBuf:1 PDK call (`pb_unwrap` / `pb_wrap` in Kong's `pb_rpc.lua`): the
 * Lua arguments a method's input message becomes, and the message a Lua result becomes. Lua
 * `nil` is `undefined` here; a table is an object or, when it has `[1]`, an array.
 */

/** A `google.protobuf.Value` as Kong hands it to Lua: `bool_value or string_value or number_value or null_value` — so `false` and null are nil. */
export function luaOfValue(value: Value | undefined): unknown {
  const kind = value?.kind;
  switch (kind?.case) {
    case 'boolValue': return kind.value ? true : undefined;
    case 'stringValue': return kind.value;
    case 'numberValue': return kind.value;
    case 'structValue': return luaOfStruct(kind.value);
    case 'listValue': return kind.value.values.map(luaOfValue);
    default: return undefined;
  }
}

/** A Struct the generated code gives as JSON, as Kong hands it to Lua (as `luaOfValue`). */
function luaOfJson(json: JsonValue): unknown {
  if (json === null || json === false) return undefined;
  if (Array.isArray(json)) return json.map(luaOfJson);
  if (typeof json === 'object') return Object.fromEntries(Object.entries(json).map(([key, item]) => [key, luaOfJson(item)]));
  return json;
}

export function luaOfStruct(struct: Struct | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(struct?.fields ?? {})) out[key] = luaOfValue(value);
  return out;
}

/** A Lua value as Kong's `pb_wrap` makes it a `google.protobuf.Value`: nil is `null_value = 1` (Kong's fix of #8211), a table with `[1]` a list, any other table a struct. */
export function valueOfLua(value: unknown): Value {
  if (value === undefined || value === null) return create(ValueSchema, { kind: { case: 'nullValue', value: 1 as NullValue } });
  if (typeof value === 'boolean') return create(ValueSchema, { kind: { case: 'boolValue', value } });
  if (typeof value === 'number') return create(ValueSchema, { kind: { case: 'numberValue', value } });
  if (typeof value === 'string') return create(ValueSchema, { kind: { case: 'stringValue', value } });
  if (Buffer.isBuffer(value)) return create(ValueSchema, { kind: { case: 'stringValue', value: value.toString('latin1') } });
  if (Array.isArray(value)) {
    if (value.length === 0) return create(ValueSchema, { kind: { case: 'structValue', value: create(StructSchema) } });
    return create(ValueSchema, { kind: { case: 'listValue', value: create(ListValueSchema, { values: value.map(valueOfLua) }) } });
  }
  if (typeof value === 'object') return create(ValueSchema, { kind: { case: 'structValue', value: structOfLua(value as Record<string, unknown>) } });
  throw new KongRpcProtocolError(`a ${typeof value} cannot be a protobuf Value`);
}

export function structOfLua(table: Record<string, unknown>): Struct {
  const fields: Record<string, Value> = {};
  for (const [key, item] of Object.entries(table)) if (item !== undefined) fields[key] = valueOfLua(item);
  return create(StructSchema, { fields });
}

const bytes = (value: Uint8Array) => Buffer.from(value.buffer, value.byteOffset, value.byteLength);
const snake = (schema: DescMessage, payload: Uint8Array) => toJson(schema, fromBinary(schema, payload), { useProtoFieldName: true });

/** The Lua arguments of a PDK call whose input message is `payload` (`pb_unwrap`; identity for entity tables). */
export function luaArgsOf(input: DescMessage, payload: Uint8Array): unknown[] {
  switch (input.typeName) {
    case 'google.protobuf.Empty': return [];
    case KVSchema.typeName: {
      const kv = fromBinary(KVSchema, payload);
      return [kv.k, luaOfValue(kv.v)];
    }
    case BoolSchema.typeName: return [fromBinary(BoolSchema, payload).v];
    case IntSchema.typeName: return [fromBinary(IntSchema, payload).v];
    case NumberSchema.typeName: return [fromBinary(NumberSchema, payload).v];
    case StringSchema.typeName: return [fromBinary(StringSchema, payload).v];
    case ByteStringSchema.typeName: return [bytes(fromBinary(ByteStringSchema, payload).v)];
    case ExitArgsSchema.typeName: {
      const exit = fromBinary(ExitArgsSchema, payload);
      const headers = exit.headers === undefined ? undefined : luaOfJson(exit.headers);
      return [exit.status, exit.body.length === 0 ? undefined : bytes(exit.body), headers];
    }
    case TargetSchema.typeName: {
      const target = fromBinary(TargetSchema, payload);
      return [target.host, target.port];
    }
    case ConsumerSpecSchema.typeName: {
      const spec = fromBinary(ConsumerSpecSchema, payload);
      return [spec.id, spec.byUsername];
    }
    case AuthenticateArgsSchema.typeName: {
      const args = fromBinary(AuthenticateArgsSchema, payload);
      const json = toJson(AuthenticateArgsSchema, args, { useProtoFieldName: true }) as Record<string, JsonValue>;
      return [args.consumer === undefined ? undefined : json.consumer, args.credential === undefined ? undefined : json.credential];
    }
    case 'google.protobuf.ListValue': return (fromBinary(ListValueSchema, payload) as ListValue).values.map(luaOfValue);
    case 'google.protobuf.Struct': return [luaOfStruct(fromBinary(StructSchema, payload))];
    default: return [snake(input, payload)];
  }
}

/** A scalar wrapper `{v = r}`: nil leaves `v` at its default (an empty frame). */
function wrapped<T>(schema: DescMessage, value: T | undefined): Uint8Array {
  return toBinary(schema, value === undefined || value === null ? create(schema) : create(schema, { v: value } as never));
}

/** The reply message of a PDK call whose Lua result is `result` (`pb_wrap`; identity for entity tables). */
export function replyOf(output: DescMessage, result: unknown): Uint8Array {
  switch (output.typeName) {
    case 'google.protobuf.Empty': return new Uint8Array(0);
    case BoolSchema.typeName: return wrapped(BoolSchema, result === undefined ? undefined : Boolean(result));
    case IntSchema.typeName: return wrapped(IntSchema, typeof result === 'number' ? Math.trunc(result) : undefined);
    case NumberSchema.typeName: return wrapped(NumberSchema, typeof result === 'number' ? result : undefined);
    case StringSchema.typeName: return wrapped(StringSchema, Buffer.isBuffer(result) ? result.toString('utf8') : (result as string | undefined));
    case ByteStringSchema.typeName: return wrapped(ByteStringSchema, typeof result === 'string' ? Buffer.from(result) : (result as Uint8Array | undefined));
    case 'google.protobuf.Value': return toBinary(ValueSchema, valueOfLua(result));
    case 'google.protobuf.Struct': return toBinary(StructSchema, structOfLua((result ?? {}) as Record<string, unknown>));
    case RawBodyResultSchema.typeName: {
      if (typeof result === 'string' || Buffer.isBuffer(result)) {
        return toBinary(RawBodyResultSchema, create(RawBodyResultSchema, { kind: { case: 'content', value: typeof result === 'string' ? Buffer.from(result) : result } }));
      }
      const file = (result as { body_filepath?: string } | undefined)?.body_filepath;
      const kind = file !== undefined ? ({ case: 'bodyFilepath', value: file } as const) : ({ case: 'error', value: "Can't read request body" } as const);
      return toBinary(RawBodyResultSchema, create(RawBodyResultSchema, { kind }));
    }
    case UriCapturesResultSchema.typeName: {
      const captures = (result ?? {}) as { unnamed?: Array<string | Uint8Array>; named?: Record<string, string | Uint8Array> };
      const asBytes = (value: string | Uint8Array) => (typeof value === 'string' ? Buffer.from(value) : value);
      return toBinary(
        UriCapturesResultSchema,
        create(UriCapturesResultSchema, {
          unnamed: (captures.unnamed ?? []).map(asBytes),
          named: Object.fromEntries(Object.entries(captures.named ?? {}).map(([key, value]) => [key, asBytes(value)])),
        }),
      );
    }
    default:
      if (result === undefined || result === null) return new Uint8Array(0);
      return toBinary(output, fromJson(output, result as JsonValue, { ignoreUnknownFields: true }));
  }
}
