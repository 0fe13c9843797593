import type { EventFormat, FlushResult, Lifecycle, OutputInstance, OutputPlugin } from '@tributary/core';
import { cFlag, FLB_OK, FLB_RETRY, PROXY_CONTEXT } from './abi.js';
import { chooseEventFormat, EVENT_FORMAT_PROPERTY } from './fluent-bit-go-version.js';
import { initGoInstance } from './go-instance-init.js';
import { callAsync, type GoPluginLibrary } from './go-plugin-library.js';
import { chooseIsolation } from './isolation-settings.js';
import { IsolatedGoOutput } from './isolated-go-output.js';
import type { Pointer } from './native-memory.js';

/**
 * The Go plugin as an output of the engine, driven exactly as Fluent Bit's Go proxy does:
 * per instance FLBPluginInit with the shared struct pointing at this instance's properties and
 * context, FLBPluginOutputPreRun, then FlushCtx (else Flush) with the remote context passed
 * verbatim — NULL included — and at exit OutputPreExit then ExitCtx (else Exit). Every call
 * runs on the libuv thread pool, so a slow flush never blocks the event loop and `workers N`
 * gives N concurrent flushes. With `tributary.isolation process` the instance runs in a host
 * process of its own instead (IsolatedGoOutput), where a crash costs a respawn, not the agent.
 */
export function goOutputPlugin(library: GoPluginLibrary): OutputPlugin {
  return {
    kind: 'output',
    name: library.name,
    description: library.description,
    configMap: undefined,
    async init(ctx) {
      const isolation = chooseIsolation(ctx.name, ctx.properties);
      if (isolation.isolated) {
        const { name, workers, log, metrics } = ctx;
        return IsolatedGoOutput.start({ path: library.path, name, properties: isolation.properties, workers, flushTimeoutMs: isolation.flushTimeoutMs, log, metrics, lifecycle: ctx.lifecycle });
      }
      const formatProperty = isolation.properties.find((p) => p.key.toLowerCase() === EVENT_FORMAT_PROPERTY);
      const eventFormat = chooseEventFormat(ctx.name, library.fluentBitGoVersion, formatProperty);
      const properties = isolation.properties.filter((p) => p !== formatProperty);
      const { remote } = await initGoInstance(library, ctx.name, properties, PROXY_CONTEXT.size, PROXY_CONTEXT.remoteContext);
      ctx.log.debug(`initialized (fluent-bit-go ${library.fluentBitGoVersion ?? 'version unknown'}, ${eventFormat} records)`);
      return goInstance(library, remote, eventFormat, ctx.lifecycle);
    },
  };
}

function goInstance(library: GoPluginLibrary, remote: Pointer | null, eventFormat: EventFormat, lifecycle: Lifecycle | undefined): OutputInstance {
  const { flushCtx, flush, outputPreRun, outputPreExit, exitCtx, exit } = library.symbols;
  return {
    eventFormat,
    async preRun() {
      if (outputPreRun) await callAsync(outputPreRun, [cFlag(lifecycle?.hotReloadEnabled)]);
    },
    async flush(chunk): Promise<FlushResult> {
      if (chunk.data.length === 0) return 'ok';
      // The Buffer is referenced by this closure until the call returns: Go reads it in place.
      const size = BigInt(chunk.data.length);
      const code = flushCtx
        ? await callAsync(flushCtx, [remote, chunk.data, size, chunk.tag])
        : await callAsync(flush!, [chunk.data, size, chunk.tag]);
      return code === FLB_OK ? 'ok' : code === FLB_RETRY ? 'retry' : 'error';
    },
    async preExit() {
      if (outputPreExit) await callAsync(outputPreExit, [cFlag(lifecycle?.hotReloading)]);
    },
    async exit() {
      if (exitCtx) await callAsync(exitCtx, [remote]);
      else if (exit) await callAsync(exit, []);
    },
  };
}
