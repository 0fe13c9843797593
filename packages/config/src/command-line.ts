import { COMMAND_LINE as CLI } from '@tributary/base';
import { ConfigError } from './config-error.js';
import type { PluginFile } from './pipeline-config.js';
import type { RawEntry, RawSection, SectionType } from './raw-config.js';

/** What `agent -h` asked for: the general help, or one plugin's. */
export type HelpRequest = { kind: 'general' } | { kind: 'plugin'; type: 'input' | 'output' | 'filter' | 'custom'; name: string };

/** The command line of Fluent Bit (`src/fluent-bit.c`), parsed. */
export interface CommandLine {
  /** `-c`: the config file. */
  configFile: string | undefined;
  /** `-e`: shared libraries, in order. */
  plugins: PluginFile[];
  /** Sections built by `-i/-o/-F/-C` with their `-p/-m/-t`, in order. */
  sections: RawSection[];
  /** `[SERVICE]` keys set by flags (`-f`, `-v`, `-q`, `-l`, `-H`, `-L`, `-P`, `-R`, `-b`). */
  service: RawEntry[];
  dryRun: boolean;
  /** `--dump-yaml`: print the `-c` classic config as YAML and exit. */
  dumpYaml: boolean;
  /** Set when `-h` was given; parsing stops there, as Fluent Bit prints help and exits. */
  help: HelpRequest | undefined;
  version: boolean;
  /** `-w`: change directory before loading the config. */
  workdir: string | undefined;
}


interface OptionSpec {
  short?: string;
  long: string;
  value: boolean;
}

const OPTIONS: OptionSpec[] = [
  { short: 'c', long: 'config', value: true },
  { short: 'e', long: 'plugin', value: true },
  { short: 'i', long: 'input', value: true },
  { short: 'o', long: 'output', value: true },
  { short: 'F', long: 'filter', value: true },
  { short: 'C', long: 'custom', value: true },
  { short: 'p', long: 'prop', value: true },
  { short: 'm', long: 'match', value: true },
  { short: 't', long: 'tag', value: true },
  { short: 'f', long: 'flush', value: true },
  { short: 'R', long: 'parser', value: true },
  { short: 'l', long: 'log_file', value: true },
  { short: 'L', long: 'http_listen', value: true },
  { short: 'P', long: 'http_port', value: true },
  { long: 'port', value: true },
  { short: 'b', long: 'storage_path', value: true },
  { short: 'w', long: 'workdir', value: true },
  { short: 'v', long: 'verbose', value: false },
  { short: 'q', long: 'quiet', value: false },
  { short: 'H', long: 'http', value: false },
  { long: 'http_server', value: false },
  { short: 'D', long: 'dry-run', value: false },
  { short: 'Y', long: 'enable-hot-reload', value: false },
  { short: 'W', long: 'disable-thread-safety-on-hot-reload', value: false },
  { long: 'dump-yaml', value: false },
  { short: 'h', long: 'help', value: false },
  { short: 'V', long: 'version', value: false },
];

const SECTION_FLAGS: Record<string, SectionType> = { input: 'input', output: 'output', filter: 'filter', custom: 'custom' };
const VERBOSITY = ['info', 'debug', 'trace'] as const;

/** Thrown for a command line Fluent Bit would refuse; the message says how to fix it. */
function usage(message: string): never {
  throw new ConfigError('CLI_USAGE', CLI, `${message} Run 'agent -h' for the list of options.`);
}

/**
 * Parses Fluent Bit's flags with getopt's rules (`-cFILE`, `-c FILE`, `--config=FILE`,
 * `--config FILE`, bundled `-vv`). `-p`, `-t` and `-m` apply to the most recent
 * `-i/-o/-F/-C`; `-m` only to a filter or output, as in Fluent Bit.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const result: CommandLine = {
    configFile: undefined,
    plugins: [],
    sections: [],
    service: [],
    dryRun: false,
    dumpYaml: false,
    help: undefined,
    version: false,
    workdir: undefined,
  };
  let verbosity = 0;
  const service = (key: string, value: string) => result.service.push({ key, value, source: CLI });
  const last = (flag: string): RawSection => {
    const section = result.sections.at(-1);
    if (!section) usage(`${flag} needs a plugin first: put it after -i, -o, -F or -C.`);
    return section;
  };

  const args = [...argv];
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '--') break;
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    const bundle: string[] = [];
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      spec = OPTIONS.find((o) => o.long === name);
      if (!spec) usage(`unknown option '--${name}'.`);
    } else if (arg.startsWith('-') && arg.length > 1) {
      spec = OPTIONS.find((o) => o.short === arg[1]);
      if (!spec) usage(`unknown option '-${arg[1]}'.`);
      const rest = arg.slice(2);
      if (spec.value) inline = rest === '' ? undefined : rest;
      else bundle.push(...rest);
    } else {
      usage(`unexpected argument '${arg}'.`);
    }
    let value = '';
    if (spec.value) {
      if (inline !== undefined) value = inline;
      else if (args.length > 0) value = args.shift()!;
      else usage(`option '--${spec.long}' requires a value.`);
    }
    const flags = [spec, ...bundle.map((c) => OPTIONS.find((o) => o.short === c && !o.value) ?? usage(`unknown option '-${c}'.`))];
    for (const flag of flags) {
      switch (flag.long) {
        case 'config': result.configFile = value; break;
        case 'plugin': result.plugins.push({ path: value, source: CLI }); break;
        case 'input': case 'output': case 'filter': case 'custom':
          result.sections.push({
            type: SECTION_FLAGS[flag.long]!,
            header: flag.long.toUpperCase(),
            entries: [{ key: 'name', value, source: CLI }],
            source: CLI,
          });
          break;
        case 'prop': {
          const section = last('-p');
          const eq = value.indexOf('=');
          if (eq <= 0) usage(`-p expects KEY=VALUE, for example -p 'rate=10', but got '${value}'.`);
          section.entries.push({ key: value.slice(0, eq).toLowerCase(), value: value.slice(eq + 1), source: CLI });
          break;
        }
        case 'match': {
          const section = last('-m');
          if (section.type === 'output' || section.type === 'filter') section.entries.push({ key: 'match', value, source: CLI });
          break;
        }
        case 'tag': last('-t').entries.push({ key: 'tag', value, source: CLI }); break;
        case 'flush': service('flush', value); break;
        case 'parser': service('parsers_file', value); break;
        case 'log_file': service('log_file', value); break;
        case 'http_listen': service('http_listen', value); break;
        case 'http_port': case 'port': service('http_port', value); break;
        case 'storage_path': service('storage.path', value); break;
        case 'workdir': result.workdir = value; break;
        case 'http': case 'http_server': service('http_server', 'on'); break;
        case 'verbose':
          verbosity = Math.min(verbosity + 1, VERBOSITY.length - 1);
          service('log_level', VERBOSITY[verbosity]!);
          break;
        case 'quiet': service('log_level', 'off'); break;
        case 'dry-run': result.dryRun = true; break;
        case 'enable-hot-reload': service('hot_reload', 'on'); break;
        case 'disable-thread-safety-on-hot-reload': service('hot_reload.ensure_thread_safety', 'off'); break;
        case 'dump-yaml': result.dumpYaml = true; break;
        case 'version': result.version = true; break;
        case 'help': {
          const section = result.sections.at(-1);
          const name = section?.entries.find((e) => e.key === 'name')?.value;
          result.help =
            section && name && section.type !== 'other'
              ? { kind: 'plugin', type: section.type as 'input' | 'output' | 'filter' | 'custom', name }
              : { kind: 'general' };
          return result;
        }
      }
    }
  }
  return result;
}
