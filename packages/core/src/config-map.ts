import { TributaryError, formatLocation, type SourceLocation } from './errors.js';

/** The value types a plugin property can declare, with Fluent Bit's parsing rules. */
export type PropertyType = 'string' | 'int' | 'double' | 'bool' | 'size';

/** One entry of a plugin's config map. */
export interface PropertySpec {
  readonly type: PropertyType;
  /** Default as the text a user would write; absent means the property is optional. */
  readonly default?: string;
  readonly description: string;
}

/** A plugin's declared properties, keyed by lower-case name. */
export type ConfigMap = { readonly [key: string]: PropertySpec };

interface PropertyValueOf {
  string: string;
  int: number;
  double: number;
  bool: boolean;
  size: number;
}

/** The typed configuration a config map produces: defaulted keys are always present. */
export type ConfigOf<M extends ConfigMap> = {
  readonly [K in keyof M]: M[K] extends { default: string }
    ? PropertyValueOf[M[K]['type']]
    : PropertyValueOf[M[K]['type']] | undefined;
};

/** One `key value` property of a plugin instance, as written by the user. */
export interface Property {
  readonly key: string;
  readonly value: string;
  readonly source?: SourceLocation;
}

/** Thrown for a property that is unknown or whose value does not parse. */
export class PropertyError extends TributaryError {
  constructor(message: string) {
    super('INVALID_PROPERTY', message);
    this.name = 'PropertyError';
  }
}

/**
 * Checks `properties` against `configMap` and returns the typed configuration. An unknown key
 * is an error that lists the allowed ones; the first occurrence of a key wins, as in Fluent Bit.
 */
export function resolveConfig<M extends ConfigMap>(
  instance: string,
  configMap: M,
  properties: readonly Property[],
): ConfigOf<M> {
  const values: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const property of properties) {
    const key = property.key.toLowerCase();
    const spec = configMap[key];
    if (!spec) {
      const allowed = Object.keys(configMap).sort().join(', ') || '(none)';
      throw new PropertyError(
        `${at(property)}unknown property '${property.key}' for ${instance}. ` +
          `The allowed properties are: ${allowed}. See 'agent -h ${instance.replace(/\.\d+$/, '')}'.`,
      );
    }
    if (seen.has(key)) continue;
    seen.add(key);
    values[key] = parseValue(instance, key, spec.type, property.value, property);
  }
  for (const [key, spec] of Object.entries(configMap)) {
    if (!seen.has(key)) values[key] = spec.default === undefined ? undefined : parseValue(instance, key, spec.type, spec.default);
  }
  return values as ConfigOf<M>;
}

function at(property: Property | undefined): string {
  const where = formatLocation(property?.source);
  return where ? `${where}: ` : '';
}

function parseValue(instance: string, key: string, type: PropertyType, text: string, property?: Property): unknown {
  const value = text.trim();
  const fail = (expected: string, example: string): never => {
    throw new PropertyError(
      `${at(property)}property '${key}' of ${instance} expects ${expected}, for example '${key} ${example}', but got '${text}'.`,
    );
  };
  switch (type) {
    case 'string':
      return text;
    case 'int': {
      if (!/^[-+]?\d+$/.test(value)) fail('an integer', '5');
      return Number.parseInt(value, 10);
    }
    case 'double': {
      const parsed = Number(value);
      if (value === '' || !Number.isFinite(parsed)) fail('a number', '1.5');
      return parsed;
    }
    case 'bool': {
      const parsed = parseBoolean(value);
      if (parsed === undefined) fail('on/off, true/false or yes/no', 'on');
      return parsed;
    }
    case 'size': {
      const parsed = parseSize(value);
      if (parsed === undefined) fail('a size such as 512K, 5M or 1G', '5M');
      return parsed;
    }
  }
}

/** Fluent Bit's `flb_utils_bool`: true/on/yes and false/off/no, any case. */
export function parseBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'true' || value === 'on' || value === 'yes') return true;
  if (value === 'false' || value === 'off' || value === 'no') return false;
  return undefined;
}

/**
 * Fluent Bit's `flb_utils_size_to_bytes`: a number with an optional K/KB/M/MB/G/GB suffix in
 * decimal units (1K = 1000), and `false` meaning 0.
 */
export function parseSize(text: string): number | undefined {
  const value = text.trim();
  if (value.toLowerCase() === 'false') return 0;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(value);
  if (!match) return undefined;
  const unit = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(match[1]) * unit);
}
