import { atLocation } from '@tributary/base';
import { compileRecordAccessor, CoreError, defineFilter, type Property, type RecordAccessor } from '@tributary/core';
import { compileFilterRegex } from './filter-regex.js';

interface GrepRule {
  readonly exclude: boolean;
  readonly field: RecordAccessor;
  readonly regex: RegExp;
}

/**
 * Fluent Bit's `grep` (`plugins/filter_grep/grep.c`): `Regex KEY REGEX` keeps and `Exclude KEY
 * REGEX` drops records whose KEY (a record accessor; `log` means `$log`) holds a string the
 * regex finds. `Logical_Op legacy` (the default) walks the rules in order — a Regex decides at
 * once, an Exclude drops on a match and goes on otherwise; `AND` / `OR` combine rules of one kind.
 */
export const grepFilter = defineFilter({
  name: 'grep',
  description: 'grep events by specified field values',
  configMap: {
    regex: { type: 'string', multiple: true, description: 'KEY REGEX: keep records whose KEY matches REGEX' },
    exclude: { type: 'string', multiple: true, description: 'KEY REGEX: drop records whose KEY matches REGEX' },
    logical_op: { type: 'string', default: 'legacy', description: 'legacy, AND or OR: how several rules combine' },
  },
  init(ctx) {
    const rules = ctx.properties.flatMap((property) => grepRule(property, ctx.name));
    const op = ctx.config.logical_op.toLowerCase();
    if (op !== 'legacy' && op !== 'and' && op !== 'or') {
      throw new CoreError('INVALID_PROPERTY', `${ctx.name}: Logical_Op '${ctx.config.logical_op}' is not one of legacy, AND, OR.`);
    }
    if (op !== 'legacy' && rules.some((rule) => rule.exclude) && rules.some((rule) => !rule.exclude)) {
      throw new CoreError('INVALID_PROPERTY', `${ctx.name}: Both 'regex' and 'exclude' are set: with Logical_Op ${ctx.config.logical_op} every rule must be of one kind.`);
    }
    const matches = (rule: GrepRule, body: unknown) => {
      const text = rule.field.text(body);
      return text !== undefined && rule.regex.test(text);
    };
    const keep =
      op === 'legacy'
        ? (body: unknown) => {
            for (const rule of rules) {
              const found = matches(rule, body);
              if (!rule.exclude) return found;
              if (found) return false;
            }
            return true;
          }
        : (body: unknown) => {
            let found = false;
            for (const rule of rules) {
              found = matches(rule, body);
              if (op === 'or' ? found : !found) break;
            }
            return rules[0]?.exclude ? !found : found;
          };
    return { filter: (event) => (rules.length === 0 || keep(event.body) ? 'keep' : 'drop') };
  },
});

function grepRule(property: Property, instance: string): GrepRule[] {
  const key = property.key.toLowerCase();
  if (key !== 'regex' && key !== 'exclude') return [];
  const space = property.value.indexOf(' ');
  const field = space < 0 ? '' : property.value.slice(0, space);
  const pattern = space < 0 ? '' : property.value.slice(space + 1).trimStart();
  if (field === '' || pattern === '') {
    throw new CoreError('INVALID_PROPERTY', atLocation(property.source, `${instance}: invalid ${property.key} '${property.value}': expected a field and a regular expression, e.g. '${property.key} log ^error'.`));
  }
  return [{ exclude: key === 'exclude', field: compileRecordAccessor(field), regex: compileFilterRegex(pattern, instance, `${property.key} ${property.value}`) }];
}
