import { CoreError, type FlushResult } from '@tributary/core';

/** What a response status means for the chunk, as out_http's `http_request`: 200–205 delivered, a 4xx other than 408 and 429 dropped, anything else retried. */
export function statusResult(status: number): FlushResult {
  if (status >= 200 && status <= 205) return 'ok';
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'error';
  return 'retry';
}

/** A `Header NAME VALUE` property: the name, and the rest of the line as the value. */
export function splitHeader(text: string, instance: string): [string, string] {
  const match = /^\s*(\S+)\s+(.*)$/.exec(text);
  if (!match) throw new CoreError('INVALID_PROPERTY', `${instance}: Header '${text}' needs a name and a value, e.g. 'Header X-Key secret'.`);
  return [match[1]!, match[2]!.trim()];
}
