import { readClassicConfig } from './classic-reader.js';
import { nodeFileSystem, type ConfigFileSystem } from './file-system.js';
import type { RawConfig } from './raw-config.js';
import { readYamlConfig } from './yaml-reader.js';

/** Whether Fluent Bit reads `file` as YAML: by its extension, `.yaml` or `.yml` (no sniffing). */
export function isYamlFile(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

/** A config, parsers, plugins or upstream file in either of Fluent Bit's formats, chosen as `flb_cf_create_from_file` does. */
export function readConfigFile(file: string, fsys: ConfigFileSystem = nodeFileSystem): RawConfig {
  return isYamlFile(file) ? readYamlConfig(file, fsys) : readClassicConfig(file, fsys);
}
