import type { SourceLocation } from '@tributary/base';
import { readConfigFile } from './config-file.js';
import { ConfigError } from './config-error.js';
import { nodeFileSystem, type ConfigFileSystem } from './file-system.js';
import type { Property } from './pipeline-config.js';
import { expandVariables } from './variables.js';

/** One `[NODE]` of an upstream file: where it is, and every other key as a property of the node. */
export interface UpstreamNode {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Every key but name, host and port (tls.*, shared_key, tag, compress ...), in order. */
  readonly properties: readonly Property[];
  readonly source: SourceLocation;
}

/** An `[UPSTREAM]` and its nodes, as `flb_upstream_ha_from_file` reads them. */
export interface UpstreamConfig {
  readonly name: string;
  readonly nodes: readonly UpstreamNode[];
}

/**
 * Reads an upstream file (Fluent Bit's `Upstream` property of out_forward): classic, one
 * `[UPSTREAM]` with a `name`, then `[NODE]` sections each with `name`, `host` and `port` — or
 * YAML, `upstream_servers: [{name, nodes: [{name, host, port, ...}]}]` (the last group);
 * `${VAR}` is expanded in every value. A node without one of those, or a file without nodes,
 * is an error naming the file and line.
 */
export function readUpstreamFile(file: string, env: Readonly<Record<string, string | undefined>> = process.env, fsys: ConfigFileSystem = nodeFileSystem): UpstreamConfig {
  const raw = readConfigFile(file, fsys);
  const scope = { variables: raw.variables, env };
  let name: string | undefined;
  const nodes: UpstreamNode[] = [];
  for (const section of raw.sections) {
    const header = section.header.toLowerCase();
    const values = section.entries.map((entry) => ({ key: entry.key, value: expandVariables(entry.value, scope), source: entry.source }));
    const get = (key: string) => values.find((entry) => entry.key === key)?.value;
    if (section.type === 'upstream_servers' && header === 'upstream') {
      name = get('name');
      if (!name) throw new ConfigError('CONFIG_MISSING_NAME', section.source, "[UPSTREAM] has no 'name'. Add a line such as '    name  forward-balancing'.");
    } else if (header === 'node') {
      const missing = ['name', 'host', 'port'].filter((key) => !get(key));
      if (missing.length > 0) throw new ConfigError('CONFIG_MISSING_NAME', section.source, `[NODE] has no ${missing.join(', ')}: every node needs name, host and port.`);
      const port = Number(get('port'));
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError('CONFIG_INVALID_VALUE', values.find((v) => v.key === 'port')!.source, `[NODE] port '${get('port')}' is not a TCP port (1-65535).`);
      nodes.push({
        name: get('name')!,
        host: get('host')!,
        port,
        properties: values.filter((entry) => !['name', 'host', 'port'].includes(entry.key)),
        source: section.source,
      });
    } else {
      throw new ConfigError('CONFIG_BAD_HEADER', section.source, `an upstream file holds [UPSTREAM] and [NODE] sections, not [${section.header}].`);
    }
  }
  if (name === undefined) throw new ConfigError('CONFIG_MISSING_NAME', { file, line: 1 }, 'the upstream file has no [UPSTREAM] section with a name.');
  if (nodes.length === 0) throw new ConfigError('CONFIG_MISSING_NAME', { file, line: 1 }, `upstream '${name}': no nodes defined. Add [NODE] sections with name, host and port.`);
  return { name, nodes };
}
