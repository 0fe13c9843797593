import type { DescMessage, DescMethod } from '@bufbuild/protobuf';
import { getOption, hasOption } from '@bufbuild/protobuf';
import { Kong, MethodName } from './gen/pluginsocket_pb.js';

/** One PDK function a ProtoBuf:1 plugin may call: its Kong name and the messages of its argument and result. */
export interface PdkMethod {
  /** The name on the wire, e.g. `kong.request.get_header`. */
  readonly name: string;
  /** The name in UTF-8, as its frame carries it. */
  readonly nameBytes: Uint8Array;
  readonly input: DescMessage;
  readonly output: DescMessage;
}

/**
 * A PDK call as ProtoBuf:1 frames, for a front that speaks the protocol itself: the method and
 * its argument message out, the reply's payload back — undefined for the terminal
 * `kong.response.exit`, which is never answered. A go-pdk plugin's calls pass through unchanged.
 */
export type PdkFrames = (method: PdkMethod, args: Uint8Array) => Promise<Uint8Array | undefined>;

/**
 * Kong's name for an `rpc` of `service Kong` (`load_service` in Kong's `pb_rpc.lua`): the
 * `MethodName` option when set, otherwise `Kong.<Rpc>` with `_` as `.` and camel case as
 * snake case, lower-cased: `Service_Request_SetRawBody` → `kong.service.request.set_raw_body`,
 * `Nginx_GetTls1VersionStr` → `kong.nginx.get_tls1_version_str`.
 */
export function kongMethodName(method: DescMethod): string {
  if (hasOption(method, MethodName)) return getOption(method, MethodName);
  return `Kong.${method.name}`
    .replace(/_/g, '.')
    .replace(/([a-z]\d*)([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Every PDK function of the protocol (74 in Kong 3.9 and go-pdk v0.11.2), by Kong name; nothing else can be called over ProtoBuf:1. */
export const PDK_METHODS: ReadonlyMap<string, PdkMethod> = new Map(
  Kong.methods.map((method) => {
    const name = kongMethodName(method);
    return [name, { name, nameBytes: new TextEncoder().encode(name), input: method.input, output: method.output }];
  }),
);
