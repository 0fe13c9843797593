import * as path from 'node:path';
import type { SourceLocation } from '@tributary/base';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { ConfigError } from './config-error.js';
import { decodeConfigText } from './config-text.js';
import { nodeFileSystem, type ConfigFileSystem } from './file-system.js';
import type { RawConfig, RawEntry, RawSection, SectionType } from './raw-config.js';

const MAX_FILES = 1000;

/** The plugin lists of `pipeline` (and `customs`), and the section each item becomes. */
const PIPELINE_LISTS: Readonly<Record<string, SectionType>> = { inputs: 'input', filters: 'filter', outputs: 'output' };

interface YamlFile {
  readonly file: string;
  readonly lines: LineCounter;
}

/**
 * Reads a Fluent Bit YAML config (`flb_cf_yaml.c`) and its `includes` into the same sections
 * the classic reader makes, so one `buildPipelineConfig` serves both: `service`, every item of
 * `pipeline.inputs/filters/outputs` and `customs` (a list value repeats the key, as repeated
 * lines do), `parsers`, `multiline_parsers` (rules as classic `rule` lines), `plugins`, and `env`
 * as variables. Keys are case-insensitive; scalars are taken as written. Errors name
 * file:line:column.
 */
export function readYamlConfig(file: string, fsys: ConfigFileSystem = nodeFileSystem): RawConfig {
  const sections: RawSection[] = [];
  const variables = new Map<string, string>();
  const files: string[] = [];
  const read = (current: string, from: SourceLocation | undefined) => {
    if (files.length >= MAX_FILES) throw new ConfigError('CONFIG_TOO_MANY_FILES', from, `more than ${MAX_FILES} files are included.`);
    if (files.includes(path.resolve(current))) throw new ConfigError('CONFIG_INCLUDE_LOOP', from, `'${current}' includes itself (through includes).`);
    if (!fsys.exists(current)) throw new ConfigError('CONFIG_FILE_NOT_FOUND', from, `cannot open '${current}': no such file.`);
    files.push(path.resolve(current));
    const lines = new LineCounter();
    const bytes = fsys.readFile(current);
    const text = typeof bytes === 'string' ? bytes : decodeConfigText(bytes, current);
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    const yaml: YamlFile = { file: current, lines };
    if (doc.errors.length > 0) {
      const error = doc.errors[0]!;
      const at = lines.linePos(error.pos[0]);
      throw new ConfigError('CONFIG_INVALID_VALUE', { file: current, line: at.line, column: at.col }, `invalid YAML: ${error.message.split('\n')[0]}`);
    }
    const root = doc.contents;
    if (root === null) return;
    if (!isMap(root)) throw new ConfigError('CONFIG_INVALID_VALUE', where(yaml, root), 'a YAML config is a map of sections (service, pipeline, parsers ...).');
    let service = false;
    for (const pair of root.items) {
      const key = keyOf(yaml, pair).toLowerCase();
      const value = pair.value as Node | null;
      switch (key) {
        case 'env':
          readEnv(yaml, value, variables);
          break;
        case 'includes':
          for (const item of list(yaml, value, 'includes')) read(path.resolve(path.dirname(current), scalarText(yaml, item, 'an include')), where(yaml, item));
          break;
        case 'service':
          if (service) throw new ConfigError('CONFIG_INVALID_VALUE', where(yaml, pair.key as Node), 'a second service section: a file has at most one.');
          service = true;
          sections.push(section(yaml, 'service', 'service', value));
          break;
        case 'pipeline':
          for (const part of map(yaml, value, 'pipeline').items) {
            const list_ = keyOf(yaml, part).toLowerCase();
            const type = PIPELINE_LISTS[list_];
            if (!type) throw new ConfigError('CONFIG_INVALID_VALUE', where(yaml, part.key as Node), `pipeline holds inputs, filters and outputs, not '${list_}'.`);
            for (const item of list(yaml, part.value as Node | null, list_)) sections.push(section(yaml, type, type, item));
          }
          break;
        case 'customs':
          for (const item of list(yaml, value, 'customs')) sections.push(section(yaml, 'custom', 'custom', item));
          break;
        case 'parsers':
          for (const item of list(yaml, value, 'parsers')) sections.push(section(yaml, 'parser', 'parser', item));
          break;
        case 'multiline_parsers':
          for (const item of list(yaml, value, 'multiline_parsers')) sections.push(section(yaml, 'multiline_parser', 'multiline_parser', item));
          break;
        case 'plugins':
          sections.push({
            type: 'plugins',
            header: 'plugins',
            source: where(yaml, pair.key as Node),
            entries: list(yaml, value, 'plugins').map((item) => ({ key: 'path', value: scalarText(yaml, item, 'a plugin path'), source: where(yaml, item) })),
          });
          break;
        case 'upstream_servers':
          sections.push(...upstreamSections(yaml, value));
          break;
        default:
          sections.push({ type: 'other', header: key, entries: [], source: where(yaml, pair.key as Node) });
      }
    }
  };
  read(file, undefined);
  return { sections, variables, files };
}

function where(yaml: YamlFile, node: Node | null | undefined): SourceLocation {
  const offset = node?.range?.[0] ?? 0;
  const at = yaml.lines.linePos(offset);
  return { file: yaml.file, line: at.line, column: at.col };
}

function keyOf(yaml: YamlFile, pair: Pair): string {
  const key = pair.key as Node | null;
  if (!isScalar(key)) throw new ConfigError('CONFIG_INVALID_VALUE', where(yaml, key), 'a key must be a plain name.');
  return String(key.value);
}

function map(yaml: YamlFile, node: Node | null, what: string): YAMLMap {
  if (!isMap(node)) throw new ConfigError('CONFIG_INVALID_VALUE', where(yaml, node), `${what} must be a map of key: value.`);
  return node;
}

function list(yaml: YamlFile, node: Node | null, what: string): Node[] {
  if (node === null) return [];
  if (!isSeq(node)) throw new ConfigError('CONFIG_INVALID_VALUE', where(yaml, node), `${what} must be a list (items starting with '- ').`);
  return node.items as Node[];
}

/** A scalar as written (`on`, `5M`, `1.50` stay text, as Fluent Bit reads them). */
function scalarText(yaml: YamlFile, node: Node | null, what: string): string {
  if (!isScalar(node)) throw new ConfigError('CONFIG_INVALID_VALUE', where(yaml, node), `${what} must be a single value.`);
  const source = (node as { source?: unknown }).source;
  // The text as written: `null`, `on` and `5M` are names and values to Fluent Bit, not YAML types.
  return typeof source === 'string' ? source : node.value === null ? '' : String(node.value);
}

/**
 * One plugin (or service, parser) map as a section: scalars are entries, a list of scalars is
 * the key repeated, `rules` of a multiline parser become classic `rule` lines, `processors` of
 * an input or output become its processor sections; other nested maps are refused.
 */
function section(yaml: YamlFile, type: SectionType, header: string, node: Node | null): RawSection {
  const entries: RawEntry[] = [];
  let processors: RawSection[] | undefined;
  const body = map(yaml, node, header);
  for (const pair of body.items) {
    const key = keyOf(yaml, pair).toLowerCase();
    const value = pair.value as Node | null;
    const source = where(yaml, pair.key as Node);
    if (key === 'processors' && (type === 'input' || type === 'output')) {
      if (processors !== undefined) throw new ConfigError('CONFIG_INVALID_VALUE', source, `a second 'processors' on this ${type}: give it one.`);
      processors = processorSections(yaml, value);
      continue;
    }
    if (type === 'multiline_parser' && key === 'rules') {
      for (const rule of list(yaml, value, 'rules')) {
        const fields = map(yaml, rule, 'a rule');
        const field = (name: string) => {
          const pairOf = fields.items.find((item) => keyOf(yaml, item).toLowerCase() === name);
          if (!pairOf) throw new ConfigError('CONFIG_INVALID_VALUE', where(yaml, rule), `a rule needs state, regex and next_state; '${name}' is missing.`);
          return scalarText(yaml, pairOf.value as Node | null, name);
        };
        entries.push({ key: 'rule', value: [field('state'), field('regex'), field('next_state')].map(quoted).join(' '), source: where(yaml, rule) });
      }
      continue;
    }
    if (isSeq(value)) {
      for (const item of value.items as Node[]) entries.push({ key, value: scalarText(yaml, item, `each item of '${key}'`), source: where(yaml, item) });
    } else if (isMap(value)) {
      throw new ConfigError('CONFIG_INVALID_VALUE', source, `'${key}' is a map: ${header} properties are single values or lists of them.`);
    } else entries.push({ key, value: scalarText(yaml, value, `'${key}'`), source });
  }
  return { type, header, entries, source: where(yaml, node), ...(processors === undefined ? {} : { processors }) };
}

/**
 * `processors` of an input or output: a map of `logs`, `metrics`, `traces`, each a list of
 * processor maps (`name` + properties). Tributary carries logs only: the filters serve as log
 * processors; metrics and traces processors are refused.
 */
function processorSections(yaml: YamlFile, node: Node | null): RawSection[] {
  if (isSeq(node)) throw new ConfigError('CONFIG_INVALID_VALUE', where(yaml, node), "processors is a map of 'logs', 'metrics' and 'traces', each a list: put the list under 'logs:'.");
  const sections: RawSection[] = [];
  for (const pair of map(yaml, node, 'processors').items) {
    const signal = keyOf(yaml, pair).toLowerCase();
    if (signal === 'metrics' || signal === 'traces') {
      throw new ConfigError('CONFIG_INVALID_VALUE', where(yaml, pair.key as Node), `${signal} processors are not supported: Tributary's pipeline carries logs only. Keep the 'logs' processors and remove '${signal}'.`);
    }
    if (signal !== 'logs') throw new ConfigError('CONFIG_INVALID_VALUE', where(yaml, pair.key as Node), `processors holds logs, metrics and traces, not '${signal}'.`);
    for (const item of list(yaml, pair.value as Node | null, 'processors.logs')) sections.push(section(yaml, 'filter', 'processor', item));
  }
  return sections;
}

/**
 * `upstream_servers` (an upstream file's): a list of `{name, nodes: [...]}`, of which Fluent Bit
 * uses the last, as the classic file's `[UPSTREAM]` and `[NODE]` sections.
 */
function upstreamSections(yaml: YamlFile, node: Node | null): RawSection[] {
  const groups = list(yaml, node, 'upstream_servers');
  const group = groups.at(-1);
  if (group === undefined) return [];
  const body = map(yaml, group, 'an upstream server');
  const upstream: RawEntry[] = [];
  const nodes: RawSection[] = [];
  for (const pair of body.items) {
    const key = keyOf(yaml, pair).toLowerCase();
    if (key === 'nodes') for (const item of list(yaml, pair.value as Node | null, 'nodes')) nodes.push(section(yaml, 'other', 'NODE', item));
    else upstream.push({ key, value: scalarText(yaml, pair.value as Node | null, `'${key}'`), source: where(yaml, pair.key as Node) });
  }
  return [{ type: 'upstream_servers', header: 'UPSTREAM', entries: upstream, source: where(yaml, group) }, ...nodes];
}

/** A multiline rule field as the classic `rule` line quotes it. */
function quoted(text: string): string {
  return `"${text.replace(/"/g, '\\"')}"`;
}

/** `env`: a map of NAME: value, or a list of {name, value}. */
function readEnv(yaml: YamlFile, node: Node | null, variables: Map<string, string>): void {
  if (isMap(node)) {
    for (const pair of node.items) variables.set(keyOf(yaml, pair), scalarText(yaml, pair.value as Node | null, 'an env value'));
    return;
  }
  for (const item of list(yaml, node, 'env')) {
    const fields = map(yaml, item, 'an env entry');
    const get = (name: string) => fields.items.find((pair) => keyOf(yaml, pair).toLowerCase() === name);
    const name = get('name');
    const value = get('value');
    if (!name || !value) throw new ConfigError('CONFIG_INVALID_VALUE', where(yaml, item), "an env entry needs 'name' and 'value' (uri: file:// is not in Tributary yet).");
    variables.set(scalarText(yaml, name.value as Node | null, 'name'), scalarText(yaml, value.value as Node | null, 'value'));
  }
}
