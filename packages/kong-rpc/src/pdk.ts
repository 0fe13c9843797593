import type { KongPdk } from './pdk-types.js';

/** Sends one PDK call to Kong and resolves with its answer. */
export type PdkCall = (method: string, args: unknown[]) => Promise<unknown>;

/**
 * `getHeader` → `get_header`, as kong-pdk maps names, and a digit before a capital splits too
 * (`getTls1VersionStr` → `get_tls1_version_str`; kong-pdk needs `getTls1_versionStr`, which
 * maps the same). snake_case names pass through.
 */
export function luaName(name: string): string {
  return name.replace(/[a-z0-9][A-Z]/g, (pair) => `${pair[0]}_${pair[1]!.toLowerCase()}`);
}

/** Method paths by parent path and property, shared by every event: names are mapped once. */
const paths = new Map<string, Map<string, string>>();

function childPath(parent: string, property: string): string {
  let children = paths.get(parent);
  if (!children) paths.set(parent, (children = new Map()));
  let path = children.get(property);
  if (path === undefined) children.set(property, (path = `${parent}.${luaName(property)}`));
  return path;
}

/**
 * The dynamic `kong` object: any property chain becomes a Kong method path, so every PDK
 * function Kong exposes is reachable, typed or not. `then` and symbols are undefined, so
 * awaiting or returning a PDK namespace never sends a bogus `kong.x.then` call.
 */
export function createPdk(call: PdkCall): KongPdk {
  const cache = new Map<string, unknown>();
  const node = (path: string): unknown => {
    let existing = cache.get(path);
    if (existing) return existing;
    const target = (...args: unknown[]) => call(path, args);
    existing = new Proxy(target, {
      get(_target, property) {
        if (typeof property === 'symbol' || property === 'then') return undefined;
        return node(childPath(path, property));
      },
    });
    cache.set(path, existing);
    return existing;
  };
  return node('kong') as KongPdk;
}
