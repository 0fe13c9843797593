import type { LoadedPlugin } from './plugin-loader.js';
import type { SchemaFields } from './schema.js';

/** What Kong reads of a plugin (GetPluginInfo, and every entry of the query command's dump). */
export interface PluginInfo {
  Name: string;
  Version: string;
  Priority: number;
  Phases: string[];
  Schema: { name: string; fields: [{ config: { type: 'record'; fields: SchemaFields } }] };
}

export function pluginInfo(plugin: LoadedPlugin): PluginInfo {
  return {
    Name: plugin.name,
    Version: plugin.version,
    Priority: plugin.priority,
    Phases: [...plugin.phases],
    Schema: { name: plugin.name, fields: [{ config: { type: 'record', fields: plugin.schema } }] },
  };
}
