import koffi from 'koffi';
import { API } from './abi.js';
import { allocCString, allocZeroed, writePointer, type Pointer } from './native-memory.js';

/** One property as Fluent Bit stores it for `output_get_property`. */
export interface InstanceProperty {
  readonly key: string;
  readonly value: string;
}

const GetProperty = koffi.proto('void *TributaryGetOutputProperty(const char *key, void *instance)');

/** Property values of each instance, by the address of its `o_ins` handle. */
const instances = new Map<Pointer, Map<string, Pointer | null>>();
let apiTable: Pointer | undefined;

/**
 * The process-wide `struct flb_api` whose `output_get_property`, `input_get_property` and
 * `custom_get_property` serve every Go instance.
 * Go may call it from any thread; koffi runs it on the main thread, which is never blocked on
 * Go (every call into a plugin after registration is asynchronous), so it cannot deadlock.
 */
export function propertyApi(): Pointer {
  if (apiTable === undefined) {
    const callback = koffi.register((key: string | null, instance: Pointer | null) => {
      if (key === null || instance === null) return null;
      return instances.get(instance)?.get(key.toLowerCase()) ?? null;
    }, koffi.pointer(GetProperty));
    apiTable = allocZeroed(API.size);
    // Every instance handle is looked up in one map, so one callback serves outputs, inputs and customs.
    writePointer(apiTable, API.outputGetProperty, callback);
    writePointer(apiTable, API.inputGetProperty, callback);
    writePointer(apiTable, API.customGetProperty, callback);
  }
  return apiTable;
}

/**
 * Creates the opaque `o_ins` handle of one instance and the C strings `FLBPluginConfigKey`
 * returns for it: keys match case-insensitively, the first occurrence wins, and an empty value
 * is NULL (the plugin sees ""), as in Fluent Bit.
 */
export function registerInstanceProperties(properties: readonly InstanceProperty[]): Pointer {
  const values = new Map<string, Pointer | null>();
  for (const { key, value } of properties) {
    const lower = key.toLowerCase();
    if (!values.has(lower)) values.set(lower, value === '' ? null : allocCString(value));
  }
  const handle = allocZeroed(8);
  instances.set(handle, values);
  return handle;
}
