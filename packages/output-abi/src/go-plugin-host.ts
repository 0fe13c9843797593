import type { Logger, SourceLocation } from '@tributary/base';
import type { PluginRegistry } from '@tributary/core';
import { GoPluginLibrary } from './go-plugin-library.js';
import { goInputPlugin } from './go-input-plugin.js';
import { goOutputPlugin } from './go-output-plugin.js';
import { goCustomPlugin } from './go-custom-plugin.js';

/** A `.so` to load, with where it was named (for error messages). */
export interface GoPluginFile {
  readonly path: string;
  readonly source?: SourceLocation;
}

/**
 * The Go plugins of one process (outputs, inputs and customs): loads `.so` files into a registry (built-ins keep their
 * names, as in Fluent Bit) and unregisters each library once at shutdown.
 */
export class GoPluginHost implements AsyncDisposable {
  private readonly libraries: GoPluginLibrary[] = [];

  constructor(private readonly log?: Logger) {}

  /** Loads and registers each file in order; a file loaded before is not loaded again. */
  load(files: readonly GoPluginFile[], registry: PluginRegistry): void {
    for (const file of files) {
      const library = GoPluginLibrary.load(file.path, file.source);
      if (this.libraries.includes(library)) continue;
      this.libraries.push(library);
      const existing = library.kind === 'input' ? registry.input(library.name) : library.kind === 'custom' ? registry.custom(library.name) : registry.output(library.name);
      if (existing) {
        this.log?.warn(`[go] plugin '${library.name}' from ${file.path} has the name of an existing ${library.kind}, which keeps it`);
      }
      if (library.kind === 'input') registry.addInput(goInputPlugin(library));
      else if (library.kind === 'custom') registry.addCustom(goCustomPlugin(library));
      else registry.addOutput(goOutputPlugin(library));
    }
  }

  get loaded(): readonly GoPluginLibrary[] {
    return this.libraries;
  }

  /** FLBPluginUnregister of every library, once; call after the engine has stopped. */
  async unregisterAll(): Promise<void> {
    for (const library of this.libraries) await library.unregister();
  }

  /** A hot reload: every library unregistered, then registered again (`PreRegister(1)`, `Register`); none is unloaded. */
  async reregisterAll(): Promise<void> {
    await this.unregisterAll();
    for (const library of this.libraries) await library.reregister();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.unregisterAll();
  }
}
