import { atLocation, splitQuoted } from '@tributary/base';
import { compileRecordAccessor, CoreError, defineFilter, type Property, type RecordMap } from '@tributary/core';
import { compileFilterRegex, matchableText } from './filter-regex.js';

/** A rule changes the record in place and says whether it did. */
type Rule = (body: RecordMap) => boolean;
type Condition = (body: RecordMap) => boolean;

const RULE_ARITY: Record<string, number> = {
  set: 2, add: 2, add_if_not_present: 2, remove: 1, remove_wildcard: 1, remove_regex: 1, rename: 2, hard_rename: 2,
  copy: 2, hard_copy: 2, move_to_start: 1, move_to_end: 1,
};
const CONDITION_ARITY: Record<string, number> = {
  key_exists: 1, key_does_not_exist: 1, a_key_matches: 1, no_key_matches: 1, key_value_equals: 2, key_value_does_not_equal: 2,
  key_value_matches: 2, key_value_does_not_match: 2, matching_keys_have_matching_values: 2, matching_keys_do_not_have_matching_values: 2,
};

const describeRules = (arity: Record<string, number>) =>
  Object.fromEntries(Object.keys(arity).map((key) => [key, { type: 'string' as const, multiple: true as const, description: `a rule of ${arity[key]} parameter(s)` }]));

/**
 * Fluent Bit's `modify` (`plugins/filter_modify/modify.c`): rules applied in the order written,
 * each on the result of the one before, to top-level keys, when every `Condition` holds for the
 * record as it came in. Values written by Set and Add are strings, as in Fluent Bit.
 */
export const modifyFilter = defineFilter({
  name: 'modify',
  description: 'modify records by applying rules',
  configMap: { condition: { type: 'string', multiple: true, description: 'TYPE A [B]: the rules run only when every condition holds' }, ...describeRules(RULE_ARITY) },
  init(ctx) {
    const rules: Rule[] = [];
    const conditions: Condition[] = [];
    for (const property of ctx.properties) {
      const key = property.key.toLowerCase();
      if (key === 'condition') conditions.push(condition(property, ctx.name));
      else rules.push(rule(key, property, ctx.name, (message) => ctx.log.warn(message)));
    }
    return {
      filter(event) {
        const body = event.body;
        for (const holds of conditions) if (!holds(body)) return 'keep';
        let changed = false;
        for (const apply of rules) if (apply(body)) changed = true;
        return changed ? 'modified' : 'keep';
      },
    };
  },
});

function parameters(property: Property, instance: string, expected: number): string[] {
  const parts = splitQuoted(property.value);
  if (parts === undefined || parts.length === 0 || parts.length > 3) {
    throw new CoreError('INVALID_PROPERTY', atLocation(property.source, `${instance}: Invalid config for ${property.key} '${property.value}': give ${expected === 1 ? 'a key' : 'a key and a value'}, quoting a value that holds spaces ("a b").`));
  }
  return parts;
}

/** The keys of `body` a test selects. */
const anyKey = (body: RecordMap, test: (key: string) => boolean) => {
  for (let i = 0; i < body.size; i++) if (test(body.keyAt(i))) return true;
  return false;
};

function rule(key: string, property: Property, instance: string, warn: (message: string) => void): Rule {
  const arity = RULE_ARITY[key]!;
  const parts = parameters(property, instance, arity);
  if (parts.length === 3) {
    // Fluent Bit picks a rule's kind only for 1 or 2 parameters: with 3 the rule is Rename(first, last).
    warn(atLocation(property.source, `${instance}: '${property.key} ${property.value}' has 3 parameters: Fluent Bit runs it as 'Rename ${parts[0]} ${parts[2]}', and so does Tributary. Quote a value that holds spaces.`));
    return renameRule(parts[0]!, parts[2]!, false);
  }
  if (parts.length !== arity) {
    throw new CoreError('INVALID_PROPERTY', atLocation(property.source, `${instance}: Invalid operation ${property.key} '${property.value}' in configuration: ${property.key} takes ${arity} parameter(s).`));
  }
  const [a, b] = parts as [string, string];
  const startsWithA = (k: string) => k.startsWith(a);
  switch (key) {
    case 'set':
      return (body) => (body.set(a, b), true);
    case 'add':
    case 'add_if_not_present':
      // indexOf reads the map's entries, which appending needs anyway (has() would scan its bytes first).
      return (body) => body.indexOf(a) < 0 && (body.append(a, b), true);
    case 'remove':
      return (body) => body.delete(a) > 0;
    case 'remove_wildcard':
      return (body) => body.deleteWhere(startsWithA) > 0;
    case 'remove_regex': {
      const regex = compileFilterRegex(a, instance, property.key);
      return (body) => body.deleteWhere((k) => regex.test(k)) > 0;
    }
    case 'rename':
      return renameRule(a, b, false);
    case 'hard_rename':
      return renameRule(a, b, true);
    case 'copy':
      return (body) => {
        if (body.count(a) !== 1 || body.has(b)) return false;
        const index = body.indexOf(a);
        body.copyEntry(index, b, index + 1);
        return true;
      };
    case 'hard_copy':
      return (body) => {
        if (body.count(a) !== 1 || body.count(b) > 1) return false;
        body.delete(b);
        const index = body.indexOf(a);
        body.copyEntry(index, b, index + 1);
        return true;
      };
    case 'move_to_start':
    case 'move_to_end':
      return (body) => anyKey(body, startsWithA) && (body.move(startsWithA, key === 'move_to_start' ? 'start' : 'end'), true);
  }
  throw new CoreError('INVALID_PROPERTY', atLocation(property.source, `${instance}: unknown rule '${property.key}'.`));
}

function renameRule(from: string, to: string, hard: boolean): Rule {
  return (body) => {
    if (body.indexOf(from) < 0) return false;
    if (hard) body.delete(to);
    else if (body.indexOf(to) >= 0) return false;
    for (let i = 0, size = body.size; i < size; i++) if (body.keyAt(i) === from) body.renameAt(i, to);
    return true;
  };
}

/** A value's text for Key_value_matches: a string, or a boolean as `true` / `false`. */
function valueText(body: RecordMap, index: number): string | undefined {
  const text = body.textAt(index);
  if (text !== undefined) return text;
  const value = body.valueAt(index);
  return typeof value === 'boolean' ? String(value) : undefined;
}

function condition(property: Property, instance: string): Condition {
  const parts = parameters(property, instance, 2);
  const kind = parts[0]!.toLowerCase();
  const arity = CONDITION_ARITY[kind];
  if (arity === undefined || parts.length !== arity + 1) {
    const known = Object.keys(CONDITION_ARITY).join(', ');
    throw new CoreError('INVALID_PROPERTY', atLocation(property.source, `${instance}: Invalid condition '${property.value}': ${arity === undefined ? `the conditions are ${known}` : `${parts[0]} takes ${arity} parameter(s)`}.`));
  }
  const [, a, b] = parts as [string, string, string];
  const field = compileRecordAccessor(a);
  const has = (body: RecordMap) => field.get(body) !== undefined;
  switch (kind) {
    case 'key_exists':
      return has;
    case 'key_does_not_exist':
      return (body) => !has(body);
    case 'a_key_matches':
    case 'no_key_matches': {
      const regex = compileFilterRegex(a, instance, 'Condition');
      return (body) => anyKey(body, (k) => regex.test(k)) === (kind === 'a_key_matches');
    }
    case 'key_value_equals':
    case 'key_value_does_not_equal':
      return (body) => {
        const value = field.get(body);
        return value !== undefined && (matchableText(value) === b) === (kind === 'key_value_equals');
      };
    case 'key_value_matches':
    case 'key_value_does_not_match': {
      const regex = compileFilterRegex(b, instance, 'Condition');
      return (body) => {
        const value = field.get(body);
        if (value === undefined) return false;
        const text = typeof value === 'boolean' ? String(value) : matchableText(value);
        return (text !== undefined && regex.test(text)) === (kind === 'key_value_matches');
      };
    }
    default: {
      const keys = compileFilterRegex(a, instance, 'Condition');
      const values = compileFilterRegex(b, instance, 'Condition');
      const all = (body: RecordMap) => {
        for (let i = 0; i < body.size; i++) {
          if (!keys.test(body.keyAt(i))) continue;
          const text = valueText(body, i);
          if (text === undefined || !values.test(text)) return false;
        }
        return true;
      };
      return kind === 'matching_keys_have_matching_values' ? all : (body) => !all(body);
    }
  }
}
