import { ParserError } from './parser-error.js';
import { DIRECTIVES, emptyTime, strptime, type ParsedTime } from './strptime.js';

/** A parser's time settings: `Time_Format`, `Time_Offset`, `Time_Zone`, `Time_System_Timezone`, `Time_Strict`. */
export interface TimeSettings {
  readonly format: string;
  /** `Time_Offset` in seconds east of UTC, for texts whose format states no zone. */
  readonly offsetSeconds?: number;
  /** `Time_Zone`: an IANA name, for texts whose format states no zone. */
  readonly zone?: string;
  /** `Time_System_Timezone`: read zone-less texts in the host's local time. */
  readonly systemZone?: boolean;
  /** `Time_Strict` (default true): a text that does not fit the format has no time. */
  readonly strict?: boolean;
}

/** Seconds and nanoseconds since the epoch. */
export interface Timestamp {
  readonly sec: number;
  readonly nsec: number;
}

/**
 * A compiled `Time_Format` as Fluent Bit reads one (`flb_parser_time_lookup`): `%L` (the first
 * one) is a fraction of up to 9 digits read between the two halves of the format; a format
 * without a year (`%Y`, `%y`, `%s`) gets the current year; one without a zone (`%z`, `%Z`, a
 * literal Z after `%S` or `%L`) is shifted by `Time_Offset`, or read in `Time_Zone` or the
 * system's zone.
 */
export class TimeFormat {
  private readonly before: string;
  private readonly after: string | undefined;
  private readonly yearless: boolean;
  private readonly statesZone: boolean;
  private readonly zoneFormat: Intl.DateTimeFormat | undefined;

  constructor(
    private readonly settings: TimeSettings,
    parser: string,
  ) {
    const format = settings.format;
    for (const match of format.matchAll(/%[EO]?(.)/g)) {
      if (match[1] !== 'L' && !DIRECTIVES.has(match[1]!)) {
        throw new ParserError('PARSER_TIME_FORMAT', `parser '${parser}': Time_Format '${format}' has %${match[1]}, which Fluent Bit's strptime does not read.`);
      }
    }
    const split = format.indexOf('%L');
    this.before = split < 0 ? format : format.slice(0, split);
    this.after = split < 0 ? undefined : format.slice(split + 2);
    this.yearless = !/%[EO]?[Yys]/.test(format);
    this.statesZone = /%z|%Z|%SZ|%S\.%LZ/.test(format);
    if (settings.zone !== undefined) {
      try {
        this.zoneFormat = new Intl.DateTimeFormat('en-US', {
          timeZone: settings.zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
        });
      } catch {
        throw new ParserError('PARSER_TIME_FORMAT', `parser '${parser}': Time_Zone '${settings.zone}' is not an IANA time zone name such as Europe/Berlin.`);
      }
    }
  }

  /** The time `text` says, or undefined when it does not fit the format (strict). */
  parse(text: string, now = Date.now()): Timestamp | undefined {
    const time = emptyTime();
    let nsec = 0;
    let at = strptime(text, 0, this.before, time);
    if (at >= 0 && this.after !== undefined) {
      const digits = /^\d{1,9}/.exec(text.slice(at, at + 9))?.[0];
      if (digits === undefined) at = -1;
      else {
        // Through a double, as Fluent Bit does: strtod("0.<digits>") * 1e9, truncated.
        nsec = Math.trunc(Number(`0.${digits}`) * 1e9);
        at = strptime(text, at + digits.length, this.after, time);
      }
    }
    if (at < 0 && this.settings.strict !== false) return undefined;
    if (time.epoch !== undefined) return { sec: time.epoch, nsec };
    return { sec: this.seconds(time, now), nsec };
  }

  private seconds(time: ParsedTime, now: number): number {
    const today = new Date(now);
    const year = this.yearless || time.year === undefined ? today.getUTCFullYear() : time.year;
    const month = time.month ?? today.getUTCMonth() + 1;
    const day = time.day ?? today.getUTCDate();
    const hour = time.hour + (time.pm ? 12 : 0);
    const wall = Date.UTC(year, month - 1, day, hour, time.minute, time.second) / 1000;
    if (time.offsetSeconds !== undefined) return wall - time.offsetSeconds;
    if (this.statesZone) return wall;
    if (this.zoneFormat) return wall - this.zoneOffset(wall);
    if (this.settings.systemZone) return new Date(year, month - 1, day, hour, time.minute, time.second).getTime() / 1000;
    return wall - (this.settings.offsetSeconds ?? 0);
  }

  /** Seconds east of UTC of `Time_Zone` at about the wall time `wall` (read as if UTC). */
  private zoneOffset(wall: number): number {
    let offset = 0;
    for (let i = 0; i < 2; i++) {
      const parts = Object.fromEntries(this.zoneFormat!.formatToParts(new Date((wall - offset) * 1000)).map((p) => [p.type, p.value]));
      const shown = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) / 1000;
      offset = shown - (wall - offset);
    }
    return offset;
  }
}

/** `Time_Offset`: `Z`, `±HHMM` or `±HH:MM`, in seconds east of UTC; undefined for anything else. */
export function parseTimeOffset(text: string): number | undefined {
  const value = text.trim();
  if (value === 'Z' || value === 'z') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(value);
  if (!match) return undefined;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
  return match[1] === '-' ? -seconds : seconds;
}
