import type { CustomPlugin } from '@tributary/core';
import { PROXY_CONTEXT } from './abi.js';
import { initGoInstance } from './go-instance-init.js';
import { callAsync, type GoPluginLibrary } from './go-plugin-library.js';

/**
 * A Go custom plugin (`def->type` 3, Fluent Bit ≥ 4.0.3) as a custom of the engine, driven as
 * `proxy_go_custom_init` / `_destroy` drive one: FLBPluginInit per instance, its properties
 * through `custom_get_property`, and FLBPluginExit at shutdown. fluent-bit-go has no package
 * for customs; plugins read properties through the API table themselves.
 */
export function goCustomPlugin(library: GoPluginLibrary): CustomPlugin {
  return {
    kind: 'custom',
    name: library.name,
    description: library.description,
    configMap: undefined,
    async init(ctx) {
      await initGoInstance(library, ctx.name, ctx.properties, PROXY_CONTEXT.size, PROXY_CONTEXT.remoteContext);
      ctx.log.debug('initialized');
      const { exit } = library.symbols;
      return { exit: exit ? async () => void (await callAsync(exit, [])) : undefined };
    },
  };
}
