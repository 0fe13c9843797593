import { atLocation, parseBoolean, parseDuration, parseInteger, parseNumber, parseSize, type SourceLocation } from '@tributary/base';
import { CoreError } from './errors.js';

/**
 * The value types a plugin property can declare, with Fluent Bit's parsing rules (`flb_config_map`):
 * `time` is whole seconds with an optional s/m/h/d suffix, `list` a comma-separated list.
 */
export type PropertyType = 'string' | 'int' | 'double' | 'bool' | 'size' | 'time' | 'list';

/** One entry of a plugin's config map. */
export interface PropertySpec {
  readonly type: PropertyType;
  /** Default as the text a user would write; absent means the property is optional. */
  readonly default?: string;
  readonly description: string;
  /** The key may be given several times, and every value is kept in order (Fluent Bit's FLB_CONFIG_MAP_MULT). */
  readonly multiple?: boolean;
  /**
   * Set for a key Fluent Bit has and Tributary accepts but does not act on: why, shown in the
   * help and in the warning logged when a config sets it.
   */
  readonly unsupported?: string;
}

/** A plugin's declared properties, keyed by lower-case name. */
export type ConfigMap = { readonly [key: string]: PropertySpec };

interface PropertyValueOf {
  string: string;
  int: number;
  double: number;
  bool: boolean;
  size: number;
  time: number;
  list: string[];
}

type ValueOf<S extends PropertySpec> = S extends { multiple: true } ? PropertyValueOf[S['type']][] : PropertyValueOf[S['type']];

/** The typed configuration a config map produces: defaulted and repeatable keys are always present. */
export type ConfigOf<M extends ConfigMap> = {
  readonly [K in keyof M]: M[K] extends { default: string } | { multiple: true } ? ValueOf<M[K]> : ValueOf<M[K]> | undefined;
};

/** One `key value` property of a plugin instance, as written by the user. */
export interface Property {
  readonly key: string;
  readonly value: string;
  readonly source?: SourceLocation;
}

/**
 * Checks `properties` against `configMap` and returns the typed configuration. An unknown key
 * is an error that lists the allowed ones; for a key that is not `multiple` the first occurrence
 * wins, as in Fluent Bit.
 */
export function resolveConfig<M extends ConfigMap>(
  instance: string,
  configMap: M,
  properties: readonly Property[],
  warn: (message: string) => void = () => {},
): ConfigOf<M> {
  const values: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const property of properties) {
    const key = property.key.toLowerCase();
    const spec = configMap[key];
    if (!spec) {
      const allowed = Object.keys(configMap).sort().join(', ') || '(none)';
      throw new CoreError(
        'INVALID_PROPERTY',
        atLocation(
          property.source,
          `unknown property '${property.key}' for ${instance}. The allowed properties are: ${allowed}. See 'agent -h ${pluginNameOf(instance)}'.`,
        ),
      );
    }
    const value = parseProperty(instance, key, spec.type, property.value, property.source);
    if (spec.unsupported !== undefined && !seen.has(key)) {
      warn(atLocation(property.source, `'${property.key}' of ${instance} has no effect: ${spec.unsupported}.`));
    }
    if (spec.multiple) ((values[key] ??= []) as unknown[]).push(value);
    else if (!seen.has(key)) values[key] = value;
    seen.add(key);
  }
  for (const [key, spec] of Object.entries(configMap)) {
    if (seen.has(key)) continue;
    if (spec.multiple) values[key] = spec.default === undefined ? [] : [parseProperty(instance, key, spec.type, spec.default)];
    else values[key] = spec.default === undefined ? undefined : parseProperty(instance, key, spec.type, spec.default);
  }
  return values as ConfigOf<M>;
}

/** `dummy.0` → `dummy`, for the help hint. */
function pluginNameOf(instance: string): string {
  return instance.replace(/\.\d+$/, '');
}

const EXPECTED: Record<Exclude<PropertyType, 'string' | 'list'>, readonly [expected: string, example: string]> = {
  int: ['an integer', '5'],
  double: ['a number', '1.5'],
  bool: ['on/off, true/false or yes/no', 'on'],
  size: ['a size such as 512K, 5M or 1G', '5M'],
  time: ['a duration in seconds, optionally with s, m, h or d, such as 30s or 5m', '5m'],
};

/** Parses one value of `type`; a value that does not parse is an error naming the key, what it expects and an example. */
export function parseProperty(instance: string, key: string, type: PropertyType, text: string, source?: SourceLocation): unknown {
  switch (type) {
    case 'string':
      return text;
    case 'list':
      return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
    default: {
      const parsed = PARSERS[type](text);
      if (parsed !== undefined) return parsed;
      const [expected, example] = EXPECTED[type];
      throw new CoreError(
        'INVALID_PROPERTY',
        atLocation(source, `property '${key}' of ${instance} expects ${expected}, for example '${key} ${example}', but got '${text}'.`),
      );
    }
  }
}

const PARSERS: Record<Exclude<PropertyType, 'string' | 'list'>, (text: string) => number | boolean | undefined> = {
  int: parseInteger,
  double: parseNumber,
  bool: parseBoolean,
  size: parseSize,
  time: parseDuration,
};
