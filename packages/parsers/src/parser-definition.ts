import type { DecodeRule } from './field-decoders.js';

/** One `[PARSER]` section, typed: what `createParser` builds a parser from. */
export interface ParserDefinition {
  readonly name: string;
  readonly format: 'regex' | 'json' | 'logfmt' | 'ltsv';
  /** `Regex` (Onigmo, Ruby syntax): required for regex. */
  readonly regex?: string;
  /** `Time_Key`, default `time`. */
  readonly timeKey?: string;
  /** `Time_Format`: without it no time is read and the time key stays. */
  readonly timeFormat?: string;
  /** `Time_Keep`, default false. */
  readonly timeKeep?: boolean;
  /** `Time_Strict`, default true. */
  readonly timeStrict?: boolean;
  /** `Time_Offset`: `Z`, `±HHMM`, `±HH:MM`. */
  readonly timeOffset?: string;
  /** `Time_Zone`: an IANA name. */
  readonly timeZone?: string;
  /** `Time_System_Timezone`, default false. */
  readonly timeSystemTimezone?: boolean;
  /** `Types`: `key:type ...` (regex, logfmt, ltsv). */
  readonly types?: string;
  readonly decoders?: readonly DecodeRule[];
  /** `Skip_Empty_Values` (regex), default true. */
  readonly skipEmptyValues?: boolean;
  /** `logfmt_no_bare_keys`, default false. */
  readonly logfmtNoBareKeys?: boolean;
}
