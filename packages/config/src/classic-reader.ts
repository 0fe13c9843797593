import * as path from 'node:path';
import { excerpt, type SourceLocation } from '@tributary/base';
import { ConfigError } from './config-error.js';
import { decodeConfigText } from './config-text.js';
import { expandGlob, nodeFileSystem, type ConfigFileSystem } from './file-system.js';
import type { RawConfig, RawSection, SectionType } from './raw-config.js';

const MAX_FILES = 1000;

/** Section names in the order Fluent Bit tries them; a header matches a name it is a prefix of. */
const SECTION_NAMES: ReadonlyArray<readonly [string, SectionType]> = [
  ['service', 'service'],
  ['parser', 'parser'],
  ['multiline_parser', 'multiline_parser'],
  ['stream_processor', 'stream_processor'],
  ['plugins', 'plugins'],
  ['upstream_servers', 'upstream_servers'],
  ['customs', 'custom'],
  ['inputs', 'input'],
  ['filters', 'filter'],
  ['outputs', 'output'],
];

function sectionType(header: string): SectionType {
  const name = header.toLowerCase();
  if (name === '') return 'other';
  for (const [full, type] of SECTION_NAMES) if (full.startsWith(name)) return type;
  return 'other';
}

interface ReaderState {
  readonly fsys: ConfigFileSystem;
  readonly rootDir: string;
  readonly sections: RawSection[];
  readonly variables: Map<string, string>;
  readonly files: string[];
  readonly identities: Set<string>;
  current: RawSection | undefined;
}

/**
 * Reads a Fluent Bit classic config file and everything it `@INCLUDE`s, following
 * `flb_cf_fluentbit.c`: per-file indentation, column-0 section headers, lower-cased keys,
 * no inline comments, `@SET` variables. Variables are collected here and expanded later,
 * when values are applied, as Fluent Bit does.
 */
export function readClassicConfig(file: string, fsys: ConfigFileSystem = nodeFileSystem): RawConfig {
  const state: ReaderState = {
    fsys,
    rootDir: path.dirname(path.resolve(file)),
    sections: [],
    variables: new Map(),
    files: [],
    identities: new Set(),
    current: undefined,
  };
  readFile(state, file, undefined);
  return { sections: state.sections, variables: state.variables, files: state.files };
}

/** Reads classic config text that has no file behind it (e.g. tests, embedding). */
export function parseClassicConfig(text: string, file = '<config>'): RawConfig {
  const state: ReaderState = {
    fsys: nodeFileSystem,
    rootDir: process.cwd(),
    sections: [],
    variables: new Map(),
    files: [file],
    identities: new Set(),
    current: undefined,
  };
  readText(state, text, file);
  return { sections: state.sections, variables: state.variables, files: state.files };
}

function readFile(state: ReaderState, file: string, includedFrom: SourceLocation | undefined): void {
  if (!state.fsys.exists(file)) {
    throw new ConfigError(
      'CONFIG_FILE_NOT_FOUND',
      includedFrom,
      `cannot open configuration file '${file}'. Check the path; a relative path is tried from the current directory, then from the main config file's directory.`,
    );
  }
  const identity = state.fsys.identity(file);
  if (state.identities.has(identity)) {
    throw new ConfigError('CONFIG_INCLUDE_LOOP', includedFrom, `'${file}' is already included: a file may be included only once. Remove the repeated @INCLUDE.`);
  }
  if (state.files.length >= MAX_FILES) {
    throw new ConfigError('CONFIG_TOO_MANY_FILES', includedFrom, `more than ${MAX_FILES} configuration files are included.`);
  }
  state.identities.add(identity);
  state.files.push(file);
  const content = state.fsys.readFile(file);
  readText(state, typeof content === 'string' ? content : decodeConfigText(content, file), file);
}

function readText(state: ReaderState, text: string, file: string): void {
  let indent: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const source: SourceLocation = { file, line: i + 1 };
    if (line.trim() === '' || line[0] === '#') continue;

    if (line[0] === '@') {
      readMeta(state, line, source);
      continue;
    }
    if (line[0] === '[') {
      const end = line.indexOf(']');
      if (end < 0) {
        throw new ConfigError('CONFIG_BAD_HEADER', source, `bad header definition '${excerpt(line)}': a section header needs a closing ']', for example '[INPUT]'.`);
      }
      const header = line.slice(1, end).trim();
      const type = sectionType(header);
      if (type === 'service') {
        const existing = state.sections.find((s) => s.type === 'service');
        if (existing) {
          state.current = existing;
          continue;
        }
      }
      state.current = { type, header, entries: [], source };
      state.sections.push(state.current);
      continue;
    }

    const leading = /^[ \t]*/.exec(line)![0];
    const content = line.slice(leading.length);
    if (leading === '') {
      throw new ConfigError(
        'CONFIG_NOT_INDENTED',
        source,
        `'${excerpt(line)}' is not indented. Keys go on indented lines under a [SECTION] header, for example '    Name dummy'; only headers, comments and @ commands start in column 0.`,
      );
    }
    if (indent === undefined) indent = leading;
    if (leading !== indent) {
      checkIndent(leading, indent, source);
      // Exactly two levels is group content (e.g. processors); Tributary has no groups yet.
      throw new ConfigError('CONFIG_GROUPS_UNSUPPORTED', source, `indented group content is not supported. Use one indentation level for keys.`);
    }
    if (content[0] === '#') continue;
    if (content[0] === '[') {
      throw new ConfigError('CONFIG_GROUPS_UNSUPPORTED', source, `group headers such as '${excerpt(content)}' inside a section are not supported.`);
    }
    if (!state.current) {
      throw new ConfigError('CONFIG_KEY_OUTSIDE_SECTION', source, `'${excerpt(content)}' is not inside a section. Put a header such as '[INPUT]' above it.`);
    }
    const space = content.indexOf(' ');
    if (space < 0) {
      throw new ConfigError('CONFIG_UNDEFINED_VALUE', source, `undefined value for key '${excerpt(content)}': write the key, a space, then the value, for example '    Flush 1'.`);
    }
    const key = content.slice(0, space).trim().toLowerCase();
    const value = content.slice(space + 1).trim();
    if (value === '') {
      throw new ConfigError('CONFIG_EMPTY_VALUE', source, `key '${key}' has an empty value. Give it a value or remove the line.`);
    }
    state.current.entries.push({ key, value, source });
  }
}

function checkIndent(leading: string, indent: string, source: SourceLocation): void {
  const tabs = (s: string) => s.includes('\t');
  const spaces = (s: string) => s.includes(' ');
  if ((tabs(leading) && spaces(indent)) || (spaces(leading) && tabs(indent)) || (tabs(leading) && spaces(leading))) {
    throw new ConfigError('CONFIG_INDENTATION', source, `inconsistent use of tab and space. Indent every key of a file the same way as its first key (${describe(indent)}).`);
  }
  if (leading.length < indent.length) {
    throw new ConfigError('CONFIG_INDENTATION', source, `indentation level is too low. Indent keys like the first key of this file (${describe(indent)}).`);
  }
  if (leading !== indent + indent) {
    throw new ConfigError('CONFIG_INDENTATION', source, `extra indentation level found. Indent keys like the first key of this file (${describe(indent)}).`);
  }
}

function describe(indent: string): string {
  const n = indent.length;
  return indent.includes('\t') ? `${n} tab${n === 1 ? '' : 's'}` : `${n} space${n === 1 ? '' : 's'}`;
}

function readMeta(state: ReaderState, line: string, source: SourceLocation): void {
  if (/^@include /i.test(line)) {
    const target = line.slice('@include '.length).trim();
    for (const file of resolveInclude(state, target, source)) readFile(state, file, source);
    return;
  }
  if (line.length <= 3) return;
  const match = /^@(\S+)\s*(.*)$/.exec(line)!;
  if (match[1]!.toLowerCase() !== 'set') return;
  const body = match[2]!;
  const eq = body.indexOf('=');
  if (eq <= 0) {
    throw new ConfigError('CONFIG_BAD_SET', source, `'${excerpt(line)}' is not a variable definition. Write '@SET name=value'.`);
  }
  state.variables.set(body.slice(0, eq).trim(), body.slice(eq + 1).trim());
}

function resolveInclude(state: ReaderState, target: string, source: SourceLocation): string[] {
  const candidates = [target];
  if (!path.isAbsolute(target)) candidates.push(path.join(state.rootDir, target));
  for (const candidate of candidates) {
    const files = expandGlob(candidate, state.fsys);
    if (target.includes('*')) {
      if (files.length > 0) return files;
    } else if (state.fsys.exists(candidate)) {
      return [candidate];
    }
  }
  if (target.includes('*')) return [];
  throw new ConfigError(
    'CONFIG_FILE_NOT_FOUND',
    source,
    `cannot include '${target}': no such file in the current directory or in '${state.rootDir}'. Check the @INCLUDE path.`,
  );
}
