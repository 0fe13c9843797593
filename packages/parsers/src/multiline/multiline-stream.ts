import { translateOnigmo } from '../onigmo-regex.js';
import { ParserError } from '../parser-error.js';
import type { Timestamp } from '../time-format.js';
import type { MultilineDefinition } from './multiline-definition.js';

interface CompiledRule {
  readonly regex: RegExp;
  readonly start: boolean;
  /** The rules that may follow this one (those whose from-states include its to-state). */
  next: CompiledRule[];
  /** Whether a start rule may follow: the message is complete once this rule matched. */
  ends: boolean;
}

/** A multiline parser ready to run: its definition and, for regex ones, the compiled state machine. */
export class MultilineParser {
  readonly flushMs: number;
  readonly startRules: CompiledRule[] = [];

  constructor(readonly definition: MultilineDefinition) {
    const { name } = definition;
    this.flushMs = definition.flushMs !== undefined && definition.flushMs > 0 ? definition.flushMs : 4000;
    if (this.flushMs < 500) throw new ParserError('PARSER_DEFINITION', `multiline parser '${name}': flush_timeout must be at least 500 ms.`);
    if (definition.type !== 'regex') {
      if (definition.matchString === undefined) throw new ParserError('PARSER_DEFINITION', `multiline parser '${name}' of type ${definition.type} needs a match_string.`);
      return;
    }
    const rules = definition.rules ?? [];
    if (rules.length === 0 || !rules[0]!.from.includes('start_state')) {
      throw new ParserError('PARSER_DEFINITION', `multiline parser '${name}': its first rule must start from "start_state".`);
    }
    const compiled = rules.map((rule) => ({ rule, regex: translateOnigmo(rule.regex, name).regex, start: rule.from.includes('start_state'), next: [] as CompiledRule[], ends: false }));
    for (const entry of compiled) {
      const to = entry.rule.to;
      if (to === undefined) continue;
      if (!compiled.some((other) => other.rule.from.includes(to))) {
        throw new ParserError('PARSER_DEFINITION', `multiline parser '${name}': no rule starts from state '${to}'.`);
      }
      entry.next = compiled.filter((other) => other.rule.from.includes(to));
      entry.ends = entry.next.some((other) => other.start);
    }
    this.startRules.push(...compiled.filter((entry) => entry.start));
  }
}

/** The lines of one message being joined. */
interface Group {
  readonly parser: MultilineParser;
  readonly map: Record<string, unknown> | undefined;
  readonly time: Timestamp | undefined;
  buffer: string;
  rule: CompiledRule | undefined;
}

/** A joined message: its record, the time of its first line (undefined: now), and whether it was cut at the buffer limit. */
export type MultilineEmit = (record: Record<string, unknown>, time: Timestamp | undefined, truncated: boolean) => void;

/** `[SERVICE] multiline_buffer_limit`'s default: 2MB. */
export const MULTILINE_BUFFER_LIMIT = 2_000_000;

/**
 * Fluent Bit's multiline engine for one stream (a tailed file): each text line is offered to
 * the parsers, the last one that took a line first; a parser takes a line when its sub-parser
 * (if any) parses it and its type takes it — `endswith`/`equal` join lines until one ends with
 * (equals) `match_string`, `regex` runs its rules' state machine. A line no parser takes
 * flushes what is pending and is emitted alone. `flush` (on the caller's `flushMs` timer)
 * emits every pending message. Records are composed as `flb_ml_flush_stream_group` does.
 */
export class MultilineStream {
  private readonly groups = new Map<string, Group>();
  private last = 0;

  constructor(
    private readonly parsers: readonly MultilineParser[],
    private readonly emit: MultilineEmit,
    /** The most characters one message may hold; past it the message is cut, flushed and marked (`multiline_truncated`). */
    private readonly bufferLimit = MULTILINE_BUFFER_LIMIT,
    /** The key whose text records given to `appendRecord` join (the multiline filter's `multiline.key_content`), for every parser. */
    private readonly keyContent?: string,
  ) {}

  /** The key content a parser joins: the stream's override, else the parser's own. */
  private keyContentOf(def: MultilineDefinition): string | undefined {
    return this.keyContent ?? def.keyContent;
  }

  /** The timer period: the longest of the parsers' flush timeouts. */
  get flushMs(): number {
    return Math.max(...this.parsers.map((parser) => parser.flushMs));
  }

  append(text: string, time?: Timestamp): void {
    if (this.take(text, undefined, time)) return;
    const first = this.parsers[0]!.definition;
    const key = this.keyContentOf(first);
    this.emit({ [key ?? 'log']: key ? text : `${text}\n` }, time, false);
  }

  /**
   * Joins a record's `keyContent` text (Fluent Bit's `flb_ml_append_event`): a message keeps its
   * first record's other keys. A record without that text, or one no parser takes, goes on as it is.
   */
  appendRecord(record: Record<string, unknown>, time?: Timestamp): void {
    const key = this.keyContent ?? this.parsers[0]!.definition.keyContent ?? 'log';
    const text = record[key];
    if (typeof text === 'string' && this.take(text, record, time)) return;
    this.flush();
    this.emit(record, time, false);
  }

  /** Offers a line to the parsers, the last one that took a line first; false (everything pending flushed) when none takes it. */
  private take(text: string, record: Record<string, unknown> | undefined, time: Timestamp | undefined): boolean {
    const order = [this.last, ...this.parsers.map((_, index) => index).filter((index) => index !== this.last)];
    for (const index of order) {
      if (this.offer(index, text, time, record)) {
        this.last = index;
        return true;
      }
    }
    this.flush();
    return false;
  }

  /** Emits every pending message. */
  flush(): void {
    for (const key of [...this.groups.keys()]) this.flushGroup(key);
  }

  private offer(index: number, text: string, time: Timestamp | undefined, record: Record<string, unknown> | undefined): boolean {
    const parser = this.parsers[index]!;
    const def = parser.definition;
    const keyContent = this.keyContentOf(def);
    let map: Record<string, unknown> | undefined = record;
    let stamp = time;
    if (record === undefined && def.parser) {
      const parsed = def.parser.parse(text);
      if (!parsed) return false;
      map = parsed.record;
      stamp = parsed.time ?? time;
    }
    let content = text;
    if (record === undefined && map && keyContent) {
      const value = map[keyContent];
      if (typeof value !== 'string') return false;
      content = value;
    }
    const key = `${index}\0${map && def.keyGroup ? String(map[def.keyGroup] ?? '') : ''}`;
    let group = this.groups.get(key);
    if (def.type !== 'regex') {
      const pattern = map && def.keyPattern ? String(map[def.keyPattern] ?? '') : content;
      const complete = (def.type === 'endswith' ? content.endsWith(def.matchString!) : pattern === def.matchString) !== (def.negate ?? false);
      this.flushOthers(index);
      if (!group) {
        group = { parser, map, time: stamp, buffer: content, rule: undefined };
        this.groups.set(key, group);
      } else group.buffer = (keyContent ? group.buffer : breakline(group.buffer)) + content;
      if (this.overflowed(key, group)) return true;
      if (complete) this.flushGroup(key);
      return true;
    }
    if (group?.rule) {
      for (const rule of group.rule.next) {
        if (rule.start || !rule.regex.test(content)) continue;
        this.flushOthers(index);
        // As flb_ml_rule_process: a line break between lines whatever key_content is, and an empty line kept as one.
        group.buffer = breakline(group.buffer) + (content === '' ? '\n' : content);
        group.rule = rule;
        if (this.overflowed(key, group)) return true;
        if (rule.ends) this.flushGroup(key);
        return true;
      }
    }
    for (const rule of parser.startRules) {
      if (!rule.regex.test(content)) continue;
      this.flushOthers(index);
      if (group) this.flushGroup(key);
      group = { parser, map, time: stamp, buffer: content, rule };
      this.groups.set(key, group);
      if (this.overflowed(key, group)) return true;
      if (rule.ends) this.flushGroup(key);
      return true;
    }
    return false;
  }

  /**
   * A line taken by one parser ends what the others hold, so that messages come out in the
   * order their lines came in (two parsers' groups never interleave).
   */
  private flushOthers(index: number): void {
    for (const key of [...this.groups.keys()]) if (!key.startsWith(`${index}\0`)) this.flushGroup(key);
  }

  /** Past the limit the message is cut there and flushed, marked truncated; what follows starts anew. */
  private overflowed(key: string, group: Group): boolean {
    if (group.buffer.length <= this.bufferLimit) return false;
    group.buffer = group.buffer.slice(0, this.bufferLimit);
    this.flushGroup(key, true);
    return true;
  }

  private flushGroup(key: string, truncated = false): void {
    const group = this.groups.get(key);
    if (!group) return;
    this.groups.delete(key);
    const contentKey = this.keyContentOf(group.parser.definition);
    const content = contentKey ? group.buffer : breakline(group.buffer);
    const record = group.map ? { ...group.map, [contentKey ?? 'log']: content } : { [contentKey ?? 'log']: content };
    this.emit(record, group.time, truncated);
  }
}

/** Fluent Bit's breakline_prepare: a non-empty buffer ends with one line break before more is joined or it is flushed. */
function breakline(buffer: string): string {
  return buffer.length > 0 && !buffer.endsWith('\n') ? `${buffer}\n` : buffer;
}
