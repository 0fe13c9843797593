import type { FilterPlugin } from './filter-plugin.js';
import type { CustomPlugin, InputPlugin, OutputPlugin } from './plugin.js';

/**
 * The plugins a process knows, looked up by name case-insensitively. As in Fluent Bit, the
 * first registered plugin of a name wins, so built-ins registered first cannot be shadowed by
 * a loaded plugin of the same name.
 */
export class PluginRegistry {
  private readonly inputList: InputPlugin[] = [];
  private readonly outputList: OutputPlugin[] = [];
  private readonly customList: CustomPlugin[] = [];
  private readonly filterList: FilterPlugin[] = [];

  constructor(
    plugins: { inputs?: readonly InputPlugin[]; filters?: readonly FilterPlugin[]; outputs?: readonly OutputPlugin[]; customs?: readonly CustomPlugin[] } = {},
  ) {
    for (const input of plugins.inputs ?? []) this.addInput(input);
    for (const filter of plugins.filters ?? []) this.addFilter(filter);
    for (const output of plugins.outputs ?? []) this.addOutput(output);
    for (const custom of plugins.customs ?? []) this.addCustom(custom);
  }

  addFilter(plugin: FilterPlugin): void {
    this.filterList.push(plugin);
  }

  filter(name: string): FilterPlugin | undefined {
    return find(this.filterList, name);
  }

  get filters(): readonly FilterPlugin[] {
    return this.filterList;
  }

  addCustom(plugin: CustomPlugin): void {
    this.customList.push(plugin);
  }

  custom(name: string): CustomPlugin | undefined {
    return find(this.customList, name);
  }

  get customs(): readonly CustomPlugin[] {
    return this.customList;
  }

  addInput(plugin: InputPlugin): void {
    this.inputList.push(plugin);
  }

  addOutput(plugin: OutputPlugin): void {
    this.outputList.push(plugin);
  }

  input(name: string): InputPlugin | undefined {
    return find(this.inputList, name);
  }

  output(name: string): OutputPlugin | undefined {
    return find(this.outputList, name);
  }

  get inputs(): readonly InputPlugin[] {
    return this.inputList;
  }

  get outputs(): readonly OutputPlugin[] {
    return this.outputList;
  }
}

function find<T extends { name: string }>(list: readonly T[], name: string): T | undefined {
  const wanted = name.toLowerCase();
  return list.find((plugin) => plugin.name.toLowerCase() === wanted);
}
