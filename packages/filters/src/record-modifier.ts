import { randomUUID } from 'node:crypto';
import { atLocation, splitQuoted } from '@tributary/base';
import { CoreError, defineFilter } from '@tributary/core';

/** A Remove_key / Allowlist_key entry: case-insensitive, exact, or a prefix when it ends in `*`. */
function keyMatcher(pattern: string): (key: string) => boolean {
  const lower = pattern.toLowerCase();
  if (lower.endsWith('*')) {
    const prefix = lower.slice(0, -1);
    return (key) => key.toLowerCase().startsWith(prefix);
  }
  return (key) => key.length === lower.length && key.toLowerCase() === lower;
}

/**
 * Fluent Bit's `record_modifier` (`plugins/filter_record_modifier/filter_modifier.c`): removes
 * `Remove_key`s or keeps only `Allowlist_key`s (case-insensitive, `*` suffix for a prefix), then
 * appends every `Record KEY VALUE` (without looking for the key: it may then appear twice, as
 * in Fluent Bit) and a `UUID_key` holding a random UUID. A record left with no key is dropped.
 */
export const recordModifierFilter = defineFilter({
  name: 'record_modifier',
  description: 'modify record',
  configMap: {
    record: { type: 'string', multiple: true, description: 'KEY VALUE appended to every record' },
    remove_key: { type: 'string', multiple: true, description: 'a key to remove (a trailing * matches a prefix)' },
    allowlist_key: { type: 'string', multiple: true, description: 'a key to keep, all others removed' },
    whitelist_key: { type: 'string', multiple: true, description: 'an alias of allowlist_key' },
    uuid_key: { type: 'string', description: 'a key to add holding a random UUID v4' },
  },
  init(ctx) {
    const records: Array<readonly [string, string]> = [];
    for (const property of ctx.properties) {
      if (property.key.toLowerCase() !== 'record') continue;
      const parts = splitQuoted(property.value, 2);
      if (parts === undefined || parts.length !== 2) {
        // Fluent Bit skips such an entry with this error and goes on.
        ctx.log.error(atLocation(property.source, `invalid record parameters, expects 'KEY VALUE': '${property.value}' is skipped. Quote a value that holds spaces: Record ${parts?.[0] ?? 'key'} "a b".`));
        continue;
      }
      records.push([parts[0]!, parts[1]!]);
    }
    const remove = ctx.config.remove_key.map(keyMatcher);
    const allow = [...ctx.config.allowlist_key, ...ctx.config.whitelist_key].map(keyMatcher);
    if (remove.length > 0 && allow.length > 0) {
      throw new CoreError('INVALID_PROPERTY', `${ctx.name}: remove_key and allowlist_key are exclusive: set one of them.`);
    }
    const removes = remove.length > 0 ? (key: string) => remove.some((match) => match(key)) : allow.length > 0 ? (key: string) => !allow.some((match) => match(key)) : undefined;
    const uuidKey = ctx.config.uuid_key;
    if (removes === undefined && records.length === 0 && uuidKey === undefined) return { filter: () => 'keep' };
    return {
      filter(event) {
        const body = event.body;
        if (removes !== undefined) body.deleteWhere(removes);
        for (const [key, value] of records) body.append(key, value);
        if (uuidKey !== undefined) body.append(uuidKey, randomUUID());
        return body.size === 0 ? 'drop' : 'modified';
      },
    };
  },
});
