import { messageOf } from '@tributary/base';
import { CoreError } from '@tributary/core';
import { translateOnigmo } from '@tributary/parsers';

/**
 * A filter's regular expression as Fluent Bit compiles one (`flb_regex_create`: Onigmo, Ruby
 * syntax, `/…/imx` delimiters honoured), for an unanchored search. A pattern JavaScript cannot
 * run the same way is an error naming the instance and the property.
 */
export function compileFilterRegex(pattern: string, instance: string, property: string): RegExp {
  try {
    return translateOnigmo(pattern, `${instance} ${property}`).regex;
  } catch (error) {
    throw new CoreError('INVALID_PROPERTY', `${instance}: '${property}' has a regular expression that does not compile: ${messageOf(error)}`, { cause: error });
  }
}

/** The text of a value a regex is matched against, as Fluent Bit reads one: a string (or bytes as text); anything else never matches. */
export function matchableText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
  return undefined;
}
