import { messageOf } from '@tributary/base';
import type { InputContext, InputInstance, InputPlugin } from '@tributary/core';
import koffi from 'koffi';
import { cFlag, INPUT_PROXY_CONTEXT, PROXY_CALLBACK_SECONDS } from './abi.js';
import { initGoInstance } from './go-instance-init.js';
import { callAsync, type GoPluginLibrary } from './go-plugin-library.js';
import { chooseIsolation } from './isolation-settings.js';
import { IsolatedGoInput } from './isolated-go-input.js';
import { allocZeroed, readPointer, type Pointer } from './native-memory.js';

/** libc's free(): what Fluent Bit calls on collected data when the plugin exports no cleanup. */
let libcFree: ReturnType<ReturnType<typeof koffi.load>['func']> | undefined;
const freeData = () => (libcFree ??= koffi.load('libc.so.6').func('void free(void *ptr)'));

/**
 * A Go input plugin as an input of the engine, driven as Fluent Bit's Go proxy drives one
 * (`flb_plugin_proxy.c`): per instance FLBPluginInit (properties through
 * `input_get_property`), FLBPluginInputPreRun, then every second a collection —
 * InputCallbackCtx (else InputCallback) fills `data`/`len` with msgpack events, which are
 * appended under the instance's tag, then InputCleanupCallbackCtx / InputCleanupCallback, or
 * free() when the plugin exports neither. A callback that blocks (Go plugins often sleep in
 * it) runs on the libuv thread pool and the next one starts after it returns, never two at
 * once. Mem_Buf_Limit pauses collection and calls FLBPluginInputPause / Resume; data collected
 * while a pause began is kept and appended first on resume. At exit: InputPreExit, then Exit.
 * With `tributary.isolation process` the instance runs in a host process (IsolatedGoInput).
 */
export function goInputPlugin(library: GoPluginLibrary): InputPlugin {
  return {
    kind: 'input',
    name: library.name,
    description: library.description,
    configMap: undefined,
    async init(ctx) {
      const isolation = chooseIsolation(ctx.name, ctx.properties, 'input');
      if (isolation.isolated) return IsolatedGoInput.start(library.path, ctx, isolation.properties);
      const { context, remote } = await initGoInstance(library, ctx.name, isolation.properties, INPUT_PROXY_CONTEXT.size, INPUT_PROXY_CONTEXT.remoteContext);
      ctx.log.debug(`initialized (fluent-bit-go ${library.fluentBitGoVersion ?? 'version unknown'})`);
      return new GoInputCollector(library, ctx, () => readPointer(context, INPUT_PROXY_CONTEXT.remoteContext) ?? remote).start();
    },
  };
}

/** The collection loop of one Go input instance. */
class GoInputCollector implements InputInstance {
  /** Host memory the plugin writes its `void *data` and `size_t len` into. */
  private readonly slots = allocZeroed(16);
  private running: Promise<void> | undefined;
  /** A tick came while a collection was still running: run the next one as soon as it ends. */
  private missedTick = false;
  private stopped = false;
  /** Events collected while the input was being paused, appended on resume. */
  private held: Uint8Array | undefined;

  constructor(
    private readonly library: GoPluginLibrary,
    private readonly ctx: InputContext<unknown>,
    /** The plugin may set its remote context during Init or later; read it per call, as Fluent Bit does. */
    private readonly remote: () => Pointer | null,
  ) {}

  /** PreRun, then a collection every second on the engine's scheduler (which skips paused inputs). */
  start(): this {
    const { preRun } = this.library.input;
    const ready = preRun ? callAsync(preRun, [cFlag(this.ctx.lifecycle?.hotReloadEnabled)]) : Promise.resolve();
    void ready.then(() => {
      this.ctx.collectEvery(PROXY_CALLBACK_SECONDS * 1000, () => this.tick());
    });
    return this;
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.missedTick = true;
      return;
    }
    this.running = this.collect()
      .catch((error: unknown) => this.ctx.log.error(`collection failed: ${messageOf(error)}`))
      .finally(() => {
        this.running = undefined;
        if (this.missedTick && !this.ctx.paused) {
          this.missedTick = false;
          this.tick();
        }
      });
  }

  private async collect(): Promise<void> {
    const { callback, callbackCtx, cleanup, cleanupCtx } = this.library.input;
    const dataSlot = this.slots;
    const lenSlot = this.slots + 8n;
    koffi.encode(this.slots, 0, 'uint64_t', 0n);
    koffi.encode(this.slots, 8, 'uint64_t', 0n);
    const remote = this.remote();
    const code = callbackCtx ? await callAsync(callbackCtx, [remote, dataSlot, lenSlot]) : await callAsync(callback!, [dataSlot, lenSlot]);
    const data = readPointer(this.slots, 0);
    const length = Number(koffi.decode(this.slots, 8, 'uint64_t') as bigint | number);
    // Fluent Bit: nothing collected ends the tick with no append and no cleanup.
    if (length === 0) return;
    if (code === -1 || data === null) {
      this.ctx.log.error(`FLBPluginInputCallback returned ${code} with ${length} bytes: nothing appended`);
    } else {
      // A copy: the plugin's memory is released right below.
      const events = new Uint8Array(koffi.view(data, length)).slice();
      this.append(events);
    }
    if (cleanupCtx) await callAsync(cleanupCtx, [remote, data]);
    else if (cleanup) await callAsync(cleanup, [data]);
    else if (data !== null) freeData()(data);
  }

  private append(events: Uint8Array): void {
    if (this.ctx.paused) {
      this.held = this.held ? Buffer.concat([this.held, events]) : events;
      return;
    }
    try {
      this.ctx.appendEvents(events);
    } catch (error) {
      this.ctx.log.error(`the plugin's data are not Fluent Bit events, dropped ${events.length} bytes: ${messageOf(error)}`);
    }
  }

  pause(): void {
    this.missedTick = false;
    const { pause } = this.library.input;
    if (pause) void callAsync(pause, []);
  }

  resume(): void {
    const { resume } = this.library.input;
    if (resume) void callAsync(resume, []);
    const held = this.held;
    this.held = undefined;
    if (held) this.append(held);
  }

  async exit(): Promise<void> {
    this.stopped = true;
    await this.running;
    if (this.held) this.ctx.log.warn(`${this.held.length} bytes collected while paused were not appended before shutdown`);
    const { preExit } = this.library.input;
    if (preExit) await callAsync(preExit, [cFlag(this.ctx.lifecycle?.hotReloading)]);
    const { exit } = this.library.symbols;
    if (exit) await callAsync(exit, []);
  }
}
