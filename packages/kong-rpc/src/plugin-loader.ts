import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { KongPdk } from './pdk-types.js';
import { isDefinedPlugin, PHASES, type DefinedPlugin, type Phase, type PhaseContext } from './plugin-definition.js';
import type { SchemaFields } from './schema.js';
import { messageOf, type Logger } from '@tributary/base';
import { PluginLoadError } from './kong-rpc-error.js';
import { resolveOwnPackageForPlugins } from './own-package-resolution.js';
import { GoPdkPlugin } from './go-pdk/go-pdk-plugin.js';
import type { PdkFrames } from './protobuf/pdk-methods.js';

/** A running plugin instance: one config, its phase handlers. */
export interface PluginInstanceRuntime {
  /** Runs one phase; `frames` is given when the front speaks ProtoBuf:1 (a proxied go-pdk plugin forwards its frames unchanged). */
  run(phase: Phase, kong: KongPdk, context: PhaseContext<unknown>, frames?: PdkFrames): Promise<void>;
  /** Kong closed the instance, or it was dropped idle (a go-pdk plugin closes its child's instance). */
  close?(): void;
}

/** A plugin ready to serve: what Kong's dump needs, and a way to start instances. */
export interface LoadedPlugin {
  readonly name: string;
  readonly version: string;
  readonly priority: number;
  readonly phases: readonly Phase[];
  /** The config fields (the inner `fields` of the `config` record). */
  readonly schema: SchemaFields;
  readonly path: string | undefined;
  /** Unix seconds. */
  readonly loadTime: number;
  readonly modTime: number;
  start(config: Record<string, unknown>): PluginInstanceRuntime;
  /** Releases what the plugin runs outside this process (a go-pdk plugin's child); called when the server stops. */
  close?(): Promise<void>;
}

const SOURCE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);
const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);
/** Files that live beside plugins (package.json, tsconfig.json, README.md, source maps): skipped quietly. */
const COMPANION_EXTENSIONS = new Set(['.json', '.md', '.map']);

/** A kong-pdk module: `Plugin` class with phase methods, `Schema`, `Version`, `Priority`, `Name`. */
interface KongPdkModule {
  Plugin: new (config: Record<string, unknown>) => Record<string, unknown>;
  Schema?: SchemaFields;
  Version?: unknown;
  Priority?: unknown;
  Name?: string;
}

/** A plugin file that could not be loaded, and why. */
export interface PluginLoadFailure {
  readonly path: string;
  readonly message: string;
}

/** What a plugins directory holds: the plugins that loaded and the files that failed to. */
export interface PluginDirectory {
  readonly plugins: LoadedPlugin[];
  readonly failures: PluginLoadFailure[];
}

/**
 * Loads every plugin of a directory as kong-pluginserver does: `.js`, `.mjs`, `.cjs` and `.ts`
 * files (TypeScript without a build step), and sub-directories with a `package.json` or an
 * `index` file. Dotfiles, `node_modules` and companion files (`.json`, `.md`, `.d.ts`, `.map`)
 * are ignored; anything else that is not a plugin is skipped with a warning. A plugin file that fails to load is logged as an error and returned
 * among the `failures`, so that a caller can refuse to report a plugin set Kong would later
 * miss a plugin of (the dump commands), while a serving server keeps the plugins that loaded.
 */
export async function scanPluginDirectory(dir: string, log: Logger, options: { goPlugins?: boolean } = {}): Promise<PluginDirectory> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new PluginLoadError(`plugins directory '${dir}' does not exist or is not a directory. Pass the directory that holds your plugins with -d.`);
  }
  const plugins: LoadedPlugin[] = [];
  const failures: PluginLoadFailure[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || entry === 'node_modules') continue;
    const path = join(dir, entry);
    const stat = statSync(path);
    if (stat.isFile() && (stat.mode & 0o111) !== 0 && !SOURCE_EXTENSIONS.has(extname(entry)) && !COMPANION_EXTENSIONS.has(extname(entry))) {
      if (options.goPlugins === false) continue;
      // An executable: a go-pdk plugin if it answers -dump as go-pdk's server does.
      try {
        const plugin = await GoPdkPlugin.load(path, log);
        if (plugin === undefined) log.warn(`skipping '${path}': an executable that does not answer -dump as a go-pdk plugin does`);
        else if (plugins.some((p) => p.name === plugin.name)) log.warn(`skipping '${path}': plugin '${plugin.name}' is already loaded`);
        else {
          plugins.push(plugin);
          log.debug(`loaded go-pdk plugin '${plugin.name}' ${plugin.version} from ${path}`);
        }
      } catch (error) {
        failures.push({ path, message: messageOf(error) });
        log.error(`plugin '${path}' failed to load and is not served: ${messageOf(error)}`);
      }
      continue;
    }
    const entryFile = stat.isDirectory() ? directoryEntry(path) : path;
    if (!entryFile) {
      log.warn(`skipping '${path}': a plugin directory needs a package.json "main" or an index.js/index.ts`);
      continue;
    }
    if (entry.endsWith('.d.ts') || !SOURCE_EXTENSIONS.has(extname(entryFile))) {
      const message = `skipping '${path}': not a plugin (plugins are .js, .mjs, .cjs or .ts files, or directories)`;
      if (entry.endsWith('.d.ts') || COMPANION_EXTENSIONS.has(extname(entry))) log.debug(message);
      else log.warn(message);
      continue;
    }
    try {
      const plugin = await loadPluginFile(entryFile, basename(path, extname(path)));
      const duplicate = plugins.find((p) => p.name === plugin.name);
      if (duplicate) {
        log.warn(`skipping '${path}': plugin '${plugin.name}' is already loaded from ${duplicate.path}`);
        continue;
      }
      plugins.push(plugin);
      log.debug(`loaded plugin '${plugin.name}' ${plugin.version} from ${entryFile}`);
    } catch (error) {
      const failure = { path, message: messageOf(error) };
      failures.push(failure);
      log.error(`plugin '${path}' failed to load and is not served: ${failure.message}`);
    }
  }
  return { plugins, failures };
}

/** The plugins of a directory that load (failures are logged as errors); see `scanPluginDirectory`. */
export async function loadPluginDirectory(dir: string, log: Logger): Promise<LoadedPlugin[]> {
  return (await scanPluginDirectory(dir, log)).plugins;
}

function directoryEntry(dir: string): string | undefined {
  const manifest = join(dir, 'package.json');
  if (existsSync(manifest)) {
    const main = (JSON.parse(readFileSync(manifest, 'utf8')) as { main?: string }).main;
    if (main && existsSync(join(dir, main))) return join(dir, main);
  }
  for (const index of ['index.ts', 'index.js', 'index.mjs', 'index.cjs']) {
    if (existsSync(join(dir, index))) return join(dir, index);
  }
  return undefined;
}

/** Loads one plugin module (`.ts` through tsx, others through `import()`). */
export async function loadPluginFile(path: string, fallbackName = basename(path, extname(path))): Promise<LoadedPlugin> {
  resolveOwnPackageForPlugins();
  const url = pathToFileURL(path).href;
  let exports: Record<string, unknown>;
  if (TS_EXTENSIONS.has(extname(path))) {
    const { tsImport } = await import('tsx/esm/api');
    exports = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  } else {
    exports = (await import(url)) as Record<string, unknown>;
  }
  return pluginFromModule(exports, fallbackName, path);
}

/**
 * A plugin from a module's exports: a `definePlugin(...)` default export, or kong-pdk's
 * `{ Plugin, Schema, Version, Priority, Name }` (as CommonJS `module.exports` or ESM named
 * exports), so existing kong-pdk plugins load unchanged.
 */
export function pluginFromModule(exports: Record<string, unknown>, fallbackName: string, path?: string): LoadedPlugin {
  const where = path ?? fallbackName;
  const modTime = path ? statSync(path).mtimeMs / 1000 : Date.now() / 1000;
  const candidates = [exports.default, exports, (exports.default as Record<string, unknown> | undefined)?.default];
  const defined = candidates.find(isDefinedPlugin);
  if (defined) return fromDefinition(defined, where, path, modTime);
  const kongPdk = candidates.find(
    (c): c is KongPdkModule => typeof c === 'object' && c !== null && typeof (c as KongPdkModule).Plugin === 'function',
  );
  if (kongPdk) return fromKongPdkModule(kongPdk, fallbackName, where, path, modTime);
  throw new PluginLoadError(
    `${where} does not export a Kong plugin: export { Plugin, Schema, Version, Priority } as kong-pdk plugins do, or a default export made with definePlugin().`,
  );
}

/** What both plugin styles provide, before Kong's rules on version and priority are checked. */
interface PluginParts {
  readonly name: string;
  readonly version: unknown;
  readonly priority: unknown;
  readonly phases: readonly Phase[];
  readonly schema: SchemaFields;
  readonly start: LoadedPlugin['start'];
}

/** Checks what Kong 3.x refuses (a version that is not "x.y.z", a priority that is not an integer). */
function loadedPlugin(parts: PluginParts, where: string, path: string | undefined, modTime: number): LoadedPlugin {
  const { name, version, priority } = parts;
  if (typeof version !== 'string' || !/^\d+(\.\d+){0,2}$/.test(version)) {
    throw new PluginLoadError(
      `plugin '${name}' (${where}) has Version ${JSON.stringify(version)}; Kong 3.x refuses plugins whose version is not "x.y.z". Export Version = '1.0.0', for example.`,
    );
  }
  if (typeof priority !== 'number' || !Number.isInteger(priority)) {
    throw new PluginLoadError(
      `plugin '${name}' (${where}) has Priority ${JSON.stringify(priority)}; Kong 3.x refuses plugins whose priority is not an integer. Export Priority = 1000, for example.`,
    );
  }
  return { ...parts, version, priority, path, loadTime: Date.now() / 1000, modTime };
}

function fromKongPdkModule(mod: KongPdkModule, fallbackName: string, where: string, path: string | undefined, modTime: number): LoadedPlugin {
  const Plugin = mod.Plugin;
  const parts: PluginParts = {
    name: (mod.Name ?? fallbackName).toLowerCase(),
    version: mod.Version,
    // kong-pdk defaults a missing Priority to 0; a missing Version is an error Kong 3.x would raise.
    priority: mod.Priority ?? 0,
    phases: PHASES.filter((phase) => typeof Plugin.prototype[phase] === 'function'),
    schema: mod.Schema ?? [],
    start(config) {
      const instance = new Plugin(config);
      return {
        async run(phase, kong) {
          await (instance[phase] as (kong: KongPdk) => unknown).call(instance, kong);
        },
      };
    },
  };
  return loadedPlugin(parts, where, path, modTime);
}

function fromDefinition(plugin: DefinedPlugin, where: string, path: string | undefined, modTime: number): LoadedPlugin {
  const parts: PluginParts = {
    name: plugin.name.toLowerCase(),
    version: plugin.version,
    priority: plugin.priority,
    phases: PHASES.filter((phase) => typeof plugin.phases[phase] === 'function'),
    schema: plugin.schema,
    start: () => ({
      async run(phase, kong, context) {
        await plugin.phases[phase]!(kong, context as never);
      },
    }),
  };
  return loadedPlugin(parts, where, path, modTime);
}
