import { existsSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { atLocation, messageOf } from '@tributary/base';
import { CoreError, defineFilter, RecordMap, type FilterEvent } from '@tributary/core';

/** A record as a script sees it: a plain object of JSON-like values (bytes as Buffers). */
export type ScriptRecord = Record<string, unknown>;

/**
 * Lua's return codes: −1 drop the record, 0 keep it unchanged, 1 replace it and its time, 2
 * replace it and keep the original time.
 */
export type ScriptCode = -1 | 0 | 1 | 2;

/**
 * The function a `[FILTER] Name js` calls, with the Lua filter's contract: the tag, the time in
 * seconds (a fraction for the nanoseconds) and the record in; the code, the time and the record
 * — or an array of records — out.
 */
export type ScriptFilter = (tag: string, timestamp: number, record: ScriptRecord) => readonly [code: ScriptCode, timestamp: number, record: ScriptRecord | readonly ScriptRecord[]];

/** Types a script function for `Call`: `export const enrich = defineScriptFilter((tag, ts, record) => [1, ts, { ...record, env: 'prod' }])`. */
export function defineScriptFilter(fn: ScriptFilter): ScriptFilter {
  return fn;
}

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

async function importScript(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  if (!TS_EXTENSIONS.has(extname(path))) return (await import(url)) as Record<string, unknown>;
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
}

function isRecord(value: unknown): value is ScriptRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * The JavaScript/TypeScript filter — what `lua` is to Fluent Bit, without a build step:
 * `Script ./enrich.ts` (relative to the config file), `Call enrich` (an export of it), and
 * the Lua filter's calling contract (`ScriptFilter`). A call that throws or returns something
 * else is counted and the record kept.
 */
export const jsFilter = defineFilter({
  name: 'js',
  description: 'Filter records with a JavaScript or TypeScript function',
  configMap: {
    script: { type: 'string', description: 'the .js, .mjs or .ts file to load, relative to the config file' },
    call: { type: 'string', description: 'the exported function to call for each record' },
  },
  async init(ctx) {
    const { script, call } = ctx.config;
    const where = (key: string) => ctx.properties.find((p) => p.key.toLowerCase() === key)?.source;
    if (script === undefined || call === undefined) {
      throw new CoreError('INVALID_PROPERTY', `${ctx.name}: Script and Call are both required, e.g. 'Script ./enrich.ts' and 'Call enrich'.`);
    }
    const source = where('script');
    const path = isAbsolute(script) ? script : resolve(source?.file ? dirname(source.file) : process.cwd(), script);
    if (!existsSync(path)) throw new CoreError('INVALID_PROPERTY', atLocation(source, `${ctx.name}: Script ${path} does not exist. Give the path of a .js or .ts file, relative to the config file.`));
    let exports: Record<string, unknown>;
    try {
      exports = await importScript(path);
    } catch (error) {
      throw new CoreError('INVALID_PROPERTY', atLocation(source, `${ctx.name}: Script ${path} failed to load: ${messageOf(error)}`), { cause: error });
    }
    const fn = exports[call] ?? (exports.default as Record<string, unknown> | undefined)?.[call];
    if (typeof fn !== 'function') {
      const named = Object.keys(exports).filter((key) => typeof exports[key] === 'function');
      throw new CoreError(
        'INVALID_PROPERTY',
        atLocation(where('call'), `${ctx.name}: Call ${call} is not a function exported by ${path}.${named.length > 0 ? ` It exports: ${named.join(', ')}.` : ' It exports no function.'}`),
      );
    }
    const callback = fn as ScriptFilter;
    const invalid = (what: string): never => {
      throw new Error(`${call} returned ${what}; return [code, timestamp, record] with code -1, 0, 1 or 2`);
    };
    const eventOf = (record: unknown, base: FilterEvent, sec: number, nsec: number): FilterEvent => {
      if (!isRecord(record)) invalid('a record that is not an object');
      return { sec, nsec, metadata: base.metadata, body: RecordMap.from(record as ScriptRecord) };
    };
    return {
      filter(event, tag) {
        const seconds = event.sec + event.nsec / 1e9;
        const result = callback(tag, seconds, event.body.toObject());
        if (!Array.isArray(result)) return invalid(typeof result);
        const [code, timestamp, record] = result as [unknown, unknown, unknown];
        if (code === -1) return 'drop';
        if (code === 0) return 'keep';
        if (code !== 1 && code !== 2) return invalid(`code ${String(code)}`);
        let { sec, nsec } = event;
        if (code === 1 && timestamp !== seconds) {
          if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return invalid('a timestamp that is not a number');
          sec = Math.floor(timestamp);
          nsec = Math.min(999_999_999, Math.round((timestamp - sec) * 1e9));
        }
        if (Array.isArray(record)) return record.map((item) => eventOf(item, event, sec, nsec));
        if (!isRecord(record)) return invalid('a record that is not an object');
        event.body = RecordMap.from(record);
        event.sec = sec;
        event.nsec = nsec;
        return 'modified';
      },
    };
  },
});
