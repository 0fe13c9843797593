import { OUTPUT_PLUGIN } from './abi.js';
import { GoPluginError } from './go-plugin-error.js';
import { callAsync, type GoPluginLibrary } from './go-plugin-library.js';
import { allocZeroed, readPointer, writePointer, type Pointer } from './native-memory.js';
import { propertyApi, registerInstanceProperties, type InstanceProperty } from './property-api.js';

/** Serialises FLBPluginInit per library: instances share one plugin struct, as in Fluent Bit. */
const initQueues = new WeakMap<GoPluginLibrary, Promise<unknown>>();

/** One initialised Go instance: the context block Fluent Bit gave it, and what the plugin stored there. */
export interface GoInstanceContext {
  readonly context: Pointer;
  /** `remote_context` after Init: passed verbatim (NULL included) to every *Ctx callback. */
  readonly remote: Pointer | null;
}

/**
 * Fluent Bit's `proxy_go_<kind>_init`: points the library's shared struct at the API table,
 * this instance's property handle and a fresh zeroed context of `contextSize` bytes, then
 * calls FLBPluginInit on the thread pool — one instance of a library at a time. A result ≤ 0
 * fails the instance. (The struct's `api`, instance and `context` offsets are the same for
 * outputs, inputs and customs.)
 */
export async function initGoInstance(
  library: GoPluginLibrary,
  instance: string,
  properties: readonly InstanceProperty[],
  contextSize: number,
  remoteContextOffset: number,
): Promise<GoInstanceContext> {
  const handle = registerInstanceProperties(properties);
  const context = allocZeroed(contextSize);
  const previous = initQueues.get(library) ?? Promise.resolve();
  const initialised = previous.then(() => {
    writePointer(library.pluginStruct, OUTPUT_PLUGIN.api, propertyApi());
    writePointer(library.pluginStruct, OUTPUT_PLUGIN.outputInstance, handle);
    writePointer(library.pluginStruct, OUTPUT_PLUGIN.context, context);
    return callAsync(library.symbols.init, [library.pluginStruct]);
  });
  initQueues.set(library, initialised.catch(() => undefined));
  const result = await initialised;
  if (result <= 0) {
    throw new GoPluginError('GO_PLUGIN_INIT', `Go plugin '${library.name}' failed to initialize ${instance} (FLBPluginInit returned ${result}).`);
  }
  return { context, remote: readPointer(context, remoteContextOffset) };
}
