import { TributaryError } from '@tributary/base';
import type { PluginProtocol } from '@tributary/kong-rpc';

/** What the sidecar was asked to do. */
export interface SidecarOptions {
  kongPrefix: string;
  /** Socket file name inside the prefix; dedicated mode defaults to `<plugin>.socket`. */
  sockName: string | undefined;
  pluginsDirectory: string | undefined;
  /** Dedicated mode (Kong 3.9+): serve only this plugin. */
  plugin: string | undefined;
  dumpPluginInfo: string | undefined;
  dumpAllPlugins: boolean;
  /** `--dump`: JSON `[info]` of the dedicated plugin, what Kong 3.9's query command reads. */
  dump: boolean;
  /** `--protocol`: the protocol Kong is to speak to this server (MsgPack:1 by default). */
  protocol: PluginProtocol;
  /** `--workers N`: worker threads for JS/TS plugins (1, the default, runs them on the main thread). */
  workers: number;
  /** A Fluent Bit classic config whose pipeline receives what plugins emit. */
  pipeline: string | undefined;
  verbosity: number;
  version: boolean;
  help: boolean;
}

/** A command line the sidecar cannot run; the message says how to fix it. */
export class UsageError extends TributaryError<'SIDECAR_USAGE'> {
  constructor(message: string) {
    super('SIDECAR_USAGE', `${message} Run 'kong-sidecar --help' for the options.`);
    this.name = 'UsageError';
  }
}

type Setter = (options: SidecarOptions, value: string) => void;
const setPrefix: Setter = (o, v) => void (o.kongPrefix = v);
const setDirectory: Setter = (o, v) => void (o.pluginsDirectory = v);

/** Options that take a value, by every spelling accepted. */
const VALUE_FLAGS: Record<string, Setter> = {
  p: setPrefix,
  'kong-prefix': setPrefix,
  d: setDirectory,
  'plugins-directory': setDirectory,
  'sock-name': (o, v) => void (o.sockName = v),
  'dump-plugin-info': (o, v) => void (o.dumpPluginInfo = v),
  plugin: (o, v) => void (o.plugin = v),
  pipeline: (o, v) => void (o.pipeline = v),
  workers: (o, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--workers is a whole number from 1 to 256, not '${v}'.`);
    o.workers = n;
  },
  protocol: (o, v) => {
    if (v !== 'msgpack' && v !== 'protobuf') throw new UsageError(`--protocol is msgpack or protobuf, not '${v}'.`);
    o.protocol = v;
  },
};

/**
 * Parses kong-js-pluginserver's flags (`-p/--kong-prefix`, `--sock-name`,
 * `-d/--plugins-directory`, `--dump-plugin-info NAME`, `--dump-all-plugins`, `-v`), the
 * go-style single-dash spellings Kong's examples use (`-kong-prefix`, `-dump`), and ours:
 * `--plugin NAME` (one plugin per process, for Kong 3.9+) and `--pipeline FILE`.
 */
export function parseSidecarOptions(argv: readonly string[]): SidecarOptions {
  const options: SidecarOptions = {
    kongPrefix: '/usr/local/kong',
    sockName: undefined,
    pluginsDirectory: undefined,
    plugin: undefined,
    dumpPluginInfo: undefined,
    dumpAllPlugins: false,
    dump: false,
    protocol: 'msgpack',
    workers: 1,
    pipeline: undefined,
    verbosity: 0,
    version: false,
    help: false,
  };
  const args = [...argv];
  while (args.length > 0) {
    const arg = args.shift()!;
    const match = /^--?([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument '${arg}'.`);
    const name = match[1]!;
    const inline = match[2];
    if (/^v+$/.test(name) && arg.startsWith('-') && !arg.startsWith('--')) {
      options.verbosity += name.length;
      continue;
    }
    const set = VALUE_FLAGS[name];
    if (set) {
      const value = inline ?? args.shift();
      if (value === undefined || value === '') throw new UsageError(`option '${arg}' requires a value.`);
      set(options, value);
      continue;
    }
    switch (name) {
      case 'dump-all-plugins': options.dumpAllPlugins = true; break;
      case 'dump': options.dump = true; break;
      case 'verbose': options.verbosity++; break;
      case 'version': options.version = true; break;
      case 'h': case 'help': options.help = true; break;
      default: throw new UsageError(`unknown option '${arg}'.`);
    }
  }
  return options;
}

export const USAGE = `Usage: kong-sidecar -d <plugins directory> [options]

Kong external plugin server for TypeScript/JavaScript plugins (kong-js-pluginserver compatible).

  -d, --plugins-directory DIR   directory of plugins (.js, .mjs, .cjs, .ts files or directories, and
                                go-pdk plugin executables, run as supervised children)
  -p, --kong-prefix DIR         Kong prefix holding the socket (default /usr/local/kong)
      --sock-name NAME          socket file name (default js_pluginserver.sock; <plugin>.socket with --plugin)
      --plugin NAME             serve only this plugin (one server per plugin, as Kong 3.9+ needs)
      --dump                    print [PluginInfo] of --plugin as JSON and exit (Kong 3.9 query_cmd)
      --dump-all-plugins        print every plugin's info as JSON and exit (query_cmd)
      --dump-plugin-info NAME   print one plugin's info as msgpack and exit (legacy)
      --protocol msgpack|protobuf
                                speak MsgPack:1 (default) or ProtoBuf:1 (go-pdk's protocol); the
                                dump then names it, as go-pdk's -dump does
      --workers N               run JS/TS plugin instances on N worker threads (default 1: the
                                main thread), events routed to the thread that holds them
      --pipeline FILE           run a Fluent Bit classic config; plugins' emit() and the built-in
                                tributary-log plugin feed its outputs (Go plugins included)
  -v, --verbose                 more logging on stderr (repeat for debug)
      --version                 print the version
`;
