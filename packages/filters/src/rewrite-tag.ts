import { atLocation, parseBoolean, splitQuoted } from '@tributary/base';
import { compileRecordAccessor, compileRecordTemplate, CoreError, defineFilter, type Property, type RecordAccessor, type RecordTemplate } from '@tributary/core';
import { compileFilterRegex } from './filter-regex.js';

interface RewriteRule {
  readonly field: RecordAccessor;
  readonly regex: RegExp;
  /** Whether `$0`…`$9` are filled: only when the regex has a capture group, as in Fluent Bit. */
  readonly captures: boolean;
  readonly tag: RecordTemplate;
  readonly keep: boolean;
}

/**
 * Fluent Bit's `rewrite_tag` (`plugins/filter_rewrite_tag/rewrite_tag.c`): the first `Rule $KEY
 * REGEX NEW_TAG KEEP` whose regex finds KEY's string value re-emits the record under NEW_TAG
 * through the filter's emitter input, where it starts the pipeline again (every filter matching
 * the new tag, then the outputs); KEEP says whether the original goes on too. A record the
 * emitter refuses (over its Mem_Buf_Limit) is kept.
 */
export const rewriteTagFilter = defineFilter({
  name: 'rewrite_tag',
  description: 'Rewrite records tags',
  configMap: {
    rule: { type: 'string', multiple: true, description: '$KEY REGEX NEW_TAG KEEP' },
    emitter_name: { type: 'string', description: 'the name of the emitter input (default emitter_for_<filter name>)' },
    'emitter_storage.type': { type: 'string', default: 'memory', description: 'memory (filesystem needs durable buffering, not yet in Tributary)' },
    emitter_mem_buf_limit: { type: 'size', default: '10M', description: "the emitter input's Mem_Buf_Limit" },
  },
  init(ctx) {
    const rules = ctx.properties.filter((p) => p.key.toLowerCase() === 'rule').map((p) => rewriteRule(p, ctx.name));
    if (rules.length === 0) throw new CoreError('INVALID_PROPERTY', `${ctx.name}: no Rule is set: add one such as 'Rule $log ^error error.$TAG false'.`);
    const storage = ctx.config['emitter_storage.type'].toLowerCase();
    if (storage !== 'memory') {
      throw new CoreError('INVALID_PROPERTY', `${ctx.name}: Emitter_Storage.type ${storage} is not supported: Tributary buffers in memory only so far. Remove it or set memory.`);
    }
    const emitter = ctx.emitter({ name: ctx.config.emitter_name ?? `emitter_for_${ctx.name}`, memBufLimit: ctx.config.emitter_mem_buf_limit });
    let refusals = 0;
    return {
      filter(event, tag) {
        for (const rule of rules) {
          const text = rule.field.text(event.body);
          if (text === undefined) continue;
          const match = rule.regex.exec(text);
          if (match === null) continue;
          const emitted = emitter.emit(rule.tag(tag, event.body, rule.captures ? match : null), event);
          if (!emitted && refusals++ === 0) ctx.log.warn(`${emitter.name} refused a record (paused: its Mem_Buf_Limit); records it refuses are kept under their tag '${tag}'.`);
          return rule.keep || !emitted ? 'keep' : 'drop';
        }
        return 'keep';
      },
    };
  },
});

function rewriteRule(property: Property, instance: string): RewriteRule {
  const parts = splitQuoted(property.value, 4);
  if (parts === undefined || parts.length < 4) {
    throw new CoreError('INVALID_PROPERTY', atLocation(property.source, `${instance}: property 'rule' expects 4 values (only ${parts?.length ?? 0} were found): $KEY REGEX NEW_TAG KEEP, e.g. 'Rule $log ^error error.$TAG false'.`));
  }
  const [key, pattern, tag, keepText] = parts as [string, string, string, string];
  const keep = parseBoolean(keepText);
  if (keep === undefined) throw new CoreError('INVALID_PROPERTY', atLocation(property.source, `${instance}: the KEEP of rule '${property.value}' must be true or false, not '${keepText}'.`));
  const regex = compileFilterRegex(pattern, instance, `Rule ${property.value}`);
  // A regex has a capture group when an empty match of "it or nothing" reports more than the whole match.
  const captures = new RegExp(`${regex.source}|`, regex.flags).exec('')!.length > 1;
  return { field: compileRecordAccessor(key), regex, captures, tag: compileRecordTemplate(tag), keep };
}
