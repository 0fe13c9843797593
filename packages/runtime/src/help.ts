import { networkConfigMap, type ConfigMap, type FilterPlugin, type InputPlugin, type OutputPlugin, type PluginRegistry } from '@tributary/core';

const OPTIONS: ReadonlyArray<readonly [string, string]> = [
  ['-c  --config=FILE', 'specify an optional configuration file'],
  ['-D, --dry-run', 'dry run'],
  ['    --dump-yaml', 'print the -c classic config as YAML and exit'],
  ['-e, --plugin=FILE', 'load an external plugin (shared lib)'],
  ['-f, --flush=SECONDS', 'flush timeout in seconds (default: 1)'],
  ['-C, --custom=CUSTOM', 'enable a custom plugin'],
  ['-F  --filter=FILTER', 'set a filter'],
  ['-i, --input=INPUT', 'set an input'],
  ['-m, --match=MATCH', 'set plugin match, same as \'-p match=abc\''],
  ['-o, --output=OUTPUT', 'set an output'],
  ['-p, --prop="A=B"', 'set plugin configuration property'],
  ['-R, --parser=FILE', 'specify a parser configuration file'],
  ['-l, --log_file=FILE', 'write log info to a file'],
  ['-t, --tag=TAG', 'set plugin tag, same as \'-p tag=abc\''],
  ['-v, --verbose', 'increase logging verbosity (default: info)'],
  ['-w, --workdir', 'set the working directory'],
  ['-H, --http', 'enable monitoring HTTP server'],
  ['-P, --port', 'set HTTP server TCP port (default: 2020)'],
  ['-L, --listen', 'set HTTP server listen address (default: 0.0.0.0)'],
  ['-q, --quiet', 'quiet mode'],
  ['-Y, --enable-hot-reload', 'enable for hot reloading'],
  ['-W, --disable-thread-safety-on-hot-reload', 'disable thread safety on hot reloading'],
  ['-h, --help', 'print this help'],
  ['-V, --version', 'show version number'],
];

/** The general help: usage, options, and every input, filter and output, loaded Go plugins included. */
export function generalHelp(registry: PluginRegistry, command = 'agent'): string {
  const lines = [`Usage: ${command} [OPTION]`, '', 'Available Options'];
  for (const [flag, text] of OPTIONS) lines.push(`  ${flag.padEnd(22)}${text}`);
  lines.push('', 'Inputs');
  for (const plugin of registry.inputs) lines.push(`  ${plugin.name.padEnd(22)}${plugin.description}`);
  lines.push('', 'Filters');
  for (const plugin of registry.filters) lines.push(`  ${plugin.name.padEnd(22)}${plugin.description}`);
  lines.push('', 'Outputs');
  for (const plugin of registry.outputs) lines.push(`  ${plugin.name.padEnd(22)}${plugin.description}`);
  lines.push('', 'Internal', ' Event Loop  = Node.js libuv', '');
  return lines.join('\n');
}

/**
 * One plugin's help: its description and every property with type, default and meaning — the
 * network keys (`Listen`/`Host`, `Port`, `tls.*`, `net.*`) of a plugin that declares a network.
 */
export function pluginHelp(plugin: InputPlugin | FilterPlugin | OutputPlugin): string {
  const lines = ['HELP', `${plugin.name} ${plugin.kind} plugin`, '', 'DESCRIPTION', plugin.description, '', 'OPTIONS'];
  const configMap: ConfigMap | undefined = plugin.configMap;
  if (configMap === undefined) {
    lines.push('This plugin declares no properties (a Go plugin): every property is passed to it as written.');
  } else {
    const network = plugin.kind === 'filter' ? undefined : plugin.network;
    const all = network ? { ...configMap, ...networkConfigMap(network) } : configMap;
    if (Object.keys(all).length === 0) lines.push('This plugin has no properties.');
    for (const [key, spec] of Object.entries(all)) {
      lines.push(`${key} `.padEnd(20) + spec.description);
      lines.push(' '.repeat(20) + `> type: ${spec.type}` + (spec.default === undefined ? '' : `, default: ${spec.default}`));
      lines.push('');
    }
  }
  return `${lines.join('\n')}\n`;
}
