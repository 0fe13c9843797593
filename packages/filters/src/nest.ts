import { CoreError, defineFilter } from '@tributary/core';

/** A Wildcard entry: a prefix when it ends in `*`, else the exact key (case-sensitive). */
function wildcard(pattern: string): (key: string) => boolean {
  if (pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1);
    return (key) => key.startsWith(prefix);
  }
  return (key) => key === pattern;
}

/**
 * Fluent Bit's `nest` (`plugins/filter_nest/nest.c`): `Operation nest` moves the top-level keys
 * a `Wildcard` selects under `Nest_under` (after the other keys; an existing key of that name is
 * not merged: both appear, as in Fluent Bit); `Operation lift` hoists the pairs of every map at
 * `Nested_under` to the top level (after the other keys). `Add_prefix` / `Remove_prefix` rename
 * the keys moved.
 */
export const nestFilter = defineFilter({
  name: 'nest',
  description: 'nest events by specified field values',
  configMap: {
    operation: { type: 'string', description: "'nest' or 'lift'" },
    wildcard: { type: 'string', multiple: true, description: 'nest: the keys to nest (a trailing * matches a prefix)' },
    nest_under: { type: 'string', description: 'nest: the key to nest them under' },
    nested_under: { type: 'string', description: 'lift: the key whose map is lifted' },
    add_prefix: { type: 'string', description: 'a prefix added to the keys moved' },
    prefix_with: { type: 'string', description: 'an alias of add_prefix' },
    remove_prefix: { type: 'string', description: 'a prefix removed from the keys moved' },
  },
  init(ctx) {
    const { config, name } = ctx;
    const operation = config.operation?.slice(0, 4);
    if (operation !== 'nest' && operation !== 'lift') {
      throw new CoreError('INVALID_PROPERTY', `${name}: Operation must be 'nest' or 'lift' (lower case), got '${config.operation ?? ''}'.`);
    }
    const addPrefix = config.add_prefix ?? config.prefix_with;
    const removePrefix = config.remove_prefix;
    if (addPrefix !== undefined && removePrefix !== undefined) throw new CoreError('INVALID_PROPERTY', `${name}: Add_prefix and Remove_prefix are exclusive: set one of them.`);
    const rename = (key: string) =>
      addPrefix !== undefined ? addPrefix + key : removePrefix !== undefined && key.startsWith(removePrefix) ? key.slice(removePrefix.length) : key;
    if (operation === 'nest') {
      const under = config.nest_under;
      if (under === undefined || config.wildcard.length === 0) throw new CoreError('INVALID_PROPERTY', `${name}: Operation nest needs Wildcard and Nest_under.`);
      const selects = config.wildcard.map(wildcard);
      const selected = (key: string) => {
        for (const select of selects) if (select(key)) return true;
        return false;
      };
      return {
        filter(event) {
          const nested = event.body.take(selected);
          if (nested.size === 0) return 'keep';
          for (let i = 0; i < nested.size; i++) {
            const key = nested.keyAt(i);
            const renamed = rename(key);
            if (renamed !== key) nested.renameAt(i, renamed);
          }
          event.body.append(under, nested);
          return 'modified';
        },
      };
    }
    const under = config.nested_under;
    if (under === undefined) throw new CoreError('INVALID_PROPERTY', `${name}: Operation lift needs Nested_under.`);
    return {
      filter(event) {
        const body = event.body;
        const lifted: Array<ReturnType<typeof body.mapAt>> = [];
        for (let i = 0; i < body.size; i++) {
          if (body.keyAt(i) !== under) continue;
          const inner = body.mapAt(i);
          if (inner === undefined) ctx.log.debug(`value of key '${under}' is not a map: not lifted`);
          lifted.push(inner);
        }
        if (!lifted.some((inner) => inner !== undefined)) return 'keep';
        // Only the maps are lifted; an entry of that name holding anything else stays.
        let next = 0;
        body.deleteWhere((key) => key === under && lifted[next++] !== undefined);
        for (const inner of lifted) if (inner !== undefined) body.appendAll(inner, rename);
        return 'modified';
      },
    };
  },
});
