import { messageOf } from '@tributary/base';
import { compileRecordAccessor, CoreError, defineFilter, RecordMap, type TextParser } from '@tributary/core';
import { matchableText } from './filter-regex.js';

/**
 * Fluent Bit's `parser` filter (`plugins/filter_parser/filter_parser.c`): parses the text at
 * `Key_Name` with the first of its `Parser`s that succeeds; the parsed map becomes the record
 * (and the parsed time its time), with the other original keys after it under `Reserve_Data`
 * and the original field too under `Preserve_Key`. A record no parser reads passes unchanged.
 */
export const parserFilter = defineFilter({
  name: 'parser',
  description: 'Parse events',
  configMap: {
    key_name: { type: 'string', description: 'the field to parse (a record accessor when it starts with $)' },
    parser: { type: 'string', multiple: true, description: 'a parser name; several are tried in order' },
    reserve_data: { type: 'bool', default: 'false', description: 'keep the other fields of the original record' },
    preserve_key: { type: 'bool', default: 'false', description: 'keep the original Key_Name field' },
    unescape_key: { type: 'bool', default: 'false', description: 'deprecated', unsupported: 'Fluent Bit deprecated it and it has no effect there either' },
  },
  init(ctx) {
    const { config, name } = ctx;
    const keyName = config.key_name;
    if (keyName === undefined || keyName === '') throw new CoreError('INVALID_PROPERTY', `${name}: Key_Name is required: the field to parse, e.g. 'Key_Name log'.`);
    const parsers: TextParser[] = [];
    for (const parserName of config.parser) {
      try {
        parsers.push(ctx.parser(parserName));
      } catch (error) {
        ctx.log.error(`${messageOf(error)} It is ignored.`);
      }
    }
    if (parsers.length === 0) throw new CoreError('INVALID_PROPERTY', `${name}: Invalid 'parser': name at least one parser that is defined, e.g. 'Parser json'.`);
    const field = compileRecordAccessor(keyName);
    // Fluent Bit's record accessor form (`$…`) never takes the field out of the reserved keys.
    const accessorForm = keyName.startsWith('$');
    const { reserve_data: reserve, preserve_key: preserve } = config;
    return {
      filter(event) {
        const body = event.body;
        const text = field.text(body) ?? matchableText(field.get(body));
        if (text === undefined) return 'keep';
        for (const parser of parsers) {
          const parsed = parser.parse(text);
          if (parsed === undefined) continue;
          const out = RecordMap.from(parsed.record);
          // The original keys come after the parsed ones, a key of the same name included, as in Fluent Bit.
          if (reserve) {
            if (!accessorForm && !preserve) body.delete(keyName);
            out.appendAll(body);
          } else if (preserve && !accessorForm) out.appendAll(body.take((key) => key === keyName));
          event.body = out;
          if (parsed.time !== undefined && (parsed.time.sec !== 0 || parsed.time.nsec !== 0)) {
            event.sec = parsed.time.sec;
            event.nsec = parsed.time.nsec;
          }
          return 'modified';
        }
        return 'keep';
      },
    };
  },
});
