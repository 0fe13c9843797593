import { realpathSync } from 'node:fs';
import type { SourceLocation } from '@tributary/base';
import koffi, { type LibraryHandle } from 'koffi';
import {
  CUSTOM_PLUGIN,
  DEF,
  FLB_OUTPUT_LOGS,
  INPUT_PLUGIN,
  INPUT_SYMBOLS,
  OUTPUT_PLUGIN,
  PROXY_CUSTOM_PLUGIN,
  PROXY_GOLANG,
  PROXY_INPUT_PLUGIN,
  PROXY_OUTPUT_PLUGIN,
  SYMBOLS,
} from './abi.js';
import { fluentBitGoVersion } from './fluent-bit-go-version.js';
import { GoPluginError } from './go-plugin-error.js';
import { allocCString, allocZeroed, readCString, readInt, writePointer, type Pointer } from './native-memory.js';
import { sharedLibraryProblem } from './shared-library-file.js';

type KoffiFunction = ReturnType<LibraryHandle['func']>;

/** The plugin's optional entry points, resolved by presence as Fluent Bit does. */
export interface GoPluginSymbols {
  readonly init: KoffiFunction;
  readonly flush?: KoffiFunction;
  readonly flushCtx?: KoffiFunction;
  readonly exit?: KoffiFunction;
  readonly exitCtx?: KoffiFunction;
  readonly outputPreRun?: KoffiFunction;
  readonly outputPreExit?: KoffiFunction;
  readonly unregister?: KoffiFunction;
}

/** A Go input plugin's entry points (one of the callbacks is required). */
export interface GoInputSymbols {
  readonly callback?: KoffiFunction;
  readonly callbackCtx?: KoffiFunction;
  readonly cleanup?: KoffiFunction;
  readonly cleanupCtx?: KoffiFunction;
  readonly preRun?: KoffiFunction;
  readonly preExit?: KoffiFunction;
  readonly pause?: KoffiFunction;
  readonly resume?: KoffiFunction;
}

/** What a Go plugin registers as (`def->type`). */
export type GoPluginKind = 'input' | 'output' | 'custom';

const KINDS: Record<number, GoPluginKind> = { [PROXY_INPUT_PLUGIN]: 'input', [PROXY_OUTPUT_PLUGIN]: 'output', [PROXY_CUSTOM_PLUGIN]: 'custom' };
const STRUCT_SIZE: Record<GoPluginKind, number> = { input: INPUT_PLUGIN.size, output: OUTPUT_PLUGIN.size, custom: CUSTOM_PLUGIN.size };

const loaded = new Map<string, GoPluginLibrary>();

/**
 * One Fluent Bit Go plugin `.so` (output, input or custom), loaded and registered. Each path is loaded once per
 * process and never unloaded (a Go runtime cannot be); `FLBPluginUnregister` runs once, at
 * shutdown. Loading the same file again returns the same library.
 */
export class GoPluginLibrary {
  /** What it registered as: an output, an input or a custom plugin. */
  readonly kind: GoPluginKind;
  /** The registered name `Name`/`-i`/`-o` refer to. */
  readonly name: string;
  readonly description: string;
  /** `event_type` from the def (0 means logs). */
  readonly eventType: number;
  /** The fluent-bit-go version it was built against, when the binary says. */
  readonly fluentBitGoVersion: string | undefined;
  readonly symbols: GoPluginSymbols;
  /** An input plugin's own entry points (empty for other kinds). */
  readonly input: GoInputSymbols;
  /** The one `struct flbgo_<kind>_plugin` its instances share. */
  readonly pluginStruct: Pointer;
  private readonly def: Pointer;
  private unregistered = false;
  private readonly registration: { readonly preRegister: KoffiFunction | undefined; readonly register: KoffiFunction };

  /** Loads `path`; `source` (where the path was written) prefixes any error. */
  static load(path: string, source?: SourceLocation): GoPluginLibrary {
    const problem = sharedLibraryProblem(path);
    if (problem) throw GoPluginError.load(path, problem, source);
    const real = realpathSync(path);
    let library = loaded.get(real);
    if (!library) {
      library = new GoPluginLibrary(path, real, source);
      loaded.set(real, library);
    }
    return library;
  }

  private constructor(
    readonly path: string,
    /** The resolved path: dlopen reads a name without a slash (`out_x.so`) as a library to search for, not a file here. */
    realPath: string,
    source?: SourceLocation,
  ) {
    const fail = (problem: string) => GoPluginError.load(path, problem, source);
    let handle: LibraryHandle;
    try {
      handle = koffi.load(realPath, { lazy: true });
    } catch (error) {
      throw fail(`dlopen failed: ${(error as Error).message}`);
    }
    const symbol = (prototype: string): KoffiFunction | undefined => {
      try {
        return handle.func(prototype);
      } catch {
        return undefined;
      }
    };
    const register = symbol(SYMBOLS.register);
    const init = symbol(SYMBOLS.init);
    if (!register) throw fail('it does not export FLBPluginRegister; is it a Fluent Bit Go plugin built with fluent-bit-go?');
    if (!init) throw fail('it does not export FLBPluginInit, which Fluent Bit requires.');
    const flush = symbol(SYMBOLS.flush);
    const flushCtx = symbol(SYMBOLS.flushCtx);
    this.symbols = {
      init,
      flush,
      flushCtx,
      exit: symbol(SYMBOLS.exit),
      exitCtx: symbol(SYMBOLS.exitCtx),
      outputPreRun: symbol(SYMBOLS.outputPreRun),
      outputPreExit: symbol(SYMBOLS.outputPreExit),
      unregister: symbol(SYMBOLS.unregister),
    };

    const preRegister = symbol(SYMBOLS.preRegister);
    this.registration = { preRegister, register };
    if (preRegister && (preRegister(0) as number) === -1) throw fail('FLBPluginPreRegister returned -1: the plugin refused to register.');
    this.def = allocZeroed(DEF.size);
    if ((register(this.def) as number) === -1) throw fail('FLBPluginRegister returned -1: the plugin refused to register.');

    const type = readInt(this.def, DEF.type);
    const proxy = readInt(this.def, DEF.proxy);
    if (proxy !== PROXY_GOLANG) throw fail(`FLBPluginRegister set proxy=${proxy}; a Go plugin sets ${PROXY_GOLANG}.`);
    const kind = KINDS[type];
    if (kind === undefined) throw fail(`FLBPluginRegister set an unknown plugin type ${type} (1 input, 2 output, 3 custom).`);
    this.kind = kind;
    this.input =
      kind === 'input'
        ? {
            callback: symbol(INPUT_SYMBOLS.callback),
            callbackCtx: symbol(INPUT_SYMBOLS.callbackCtx),
            cleanup: symbol(INPUT_SYMBOLS.cleanup),
            cleanupCtx: symbol(INPUT_SYMBOLS.cleanupCtx),
            preRun: symbol(INPUT_SYMBOLS.preRun),
            preExit: symbol(INPUT_SYMBOLS.preExit),
            pause: symbol(INPUT_SYMBOLS.pause),
            resume: symbol(INPUT_SYMBOLS.resume),
          }
        : {};
    // Fluent Bit calls a NULL pointer in these cases; refuse the plugin instead.
    if (kind === 'output' && !flush && !flushCtx) throw fail('it exports neither FLBPluginFlush nor FLBPluginFlushCtx.');
    if (kind === 'input' && !this.input.callback && !this.input.callbackCtx) {
      throw fail('it registers an input but exports neither FLBPluginInputCallback nor FLBPluginInputCallbackCtx.');
    }
    const name = readCString(this.def, DEF.name);
    if (!name) throw fail('FLBPluginRegister did not set a plugin name.');
    this.name = name;
    this.description = readCString(this.def, DEF.description) ?? '';
    this.eventType = readInt(this.def, DEF.eventType);
    // 0 (unset, as fluent-bit-go before 2025-10 leaves it) and FLB_OUTPUT_LOGS mean logs.
    if (kind === 'output' && this.eventType !== 0 && this.eventType !== FLB_OUTPUT_LOGS) {
      throw fail(`it registers for event type ${this.eventType} (metrics 2, traces 4 ...); Tributary delivers log records only.`);
    }
    this.fluentBitGoVersion = fluentBitGoVersion(path);
    this.pluginStruct = allocZeroed(STRUCT_SIZE[kind]);
    writePointer(this.pluginStruct, OUTPUT_PLUGIN.name, allocCString(name));
  }

  /**
   * A hot reload: Fluent Bit tears the plugin down (Unregister) and registers the still-loaded
   * library again — `FLBPluginPreRegister(1)`, then `FLBPluginRegister` — before the new
   * instances' Inits. The library is never unloaded.
   */
  async reregister(): Promise<void> {
    const { preRegister, register } = this.registration;
    if (preRegister && (await callAsync(preRegister, [1])) === -1) throw GoPluginError.load(this.path, 'FLBPluginPreRegister(1) returned -1 at a hot reload: the plugin refused to register again.');
    if ((await callAsync(register, [this.def])) === -1) throw GoPluginError.load(this.path, 'FLBPluginRegister returned -1 at a hot reload: the plugin refused to register again.');
    this.unregistered = false;
  }

  /**
   * `FLBPluginUnregister(def)`, once, after every instance has exited. The plugin frees the
   * name and description it allocated; the def itself stays allocated, as the library does.
   */
  async unregister(): Promise<void> {
    if (this.unregistered) return;
    this.unregistered = true;
    const unregister = this.symbols.unregister;
    if (unregister) await callAsync(unregister, [this.def]);
  }
}

/** Runs a plugin entry point on the libuv thread pool, never on the event loop. */
export function callAsync<T = number>(fn: KoffiFunction, args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    fn.async(...args, (error: unknown, result: T) => (error ? reject(error) : resolve(result)));
  });
}
