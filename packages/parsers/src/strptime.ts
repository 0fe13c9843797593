/** The broken-down time a format read from text (UTC fields unless `offsetSeconds` says otherwise). */
export interface ParsedTime {
  year: number | undefined;
  month: number | undefined;
  day: number | undefined;
  hour: number;
  minute: number;
  second: number;
  /** Seconds east of UTC the text stated (`%z`, `%Z`); undefined when it stated none. */
  offsetSeconds: number | undefined;
  /** `%s`: seconds since the epoch, which overrides the fields. */
  epoch: number | undefined;
  pm: boolean | undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** `%z`/`%Z` names Fluent Bit's strptime knows, in seconds east of UTC. */
const ZONES: Record<string, number> = {
  Z: 0, UT: 0, UTC: 0, GMT: 0,
  EST: -5 * 3600, EDT: -4 * 3600, CST: -6 * 3600, CDT: -5 * 3600,
  MST: -7 * 3600, MDT: -6 * 3600, PST: -8 * 3600, PDT: -7 * 3600,
};
const COMPOSITES: Record<string, string> = {
  D: '%m/%d/%y', F: '%Y-%m-%d', R: '%H:%M', r: '%I:%M:%S %p', T: '%H:%M:%S', c: '%a %b %e %H:%M:%S %Y', x: '%m/%d/%y', X: '%H:%M:%S',
};
/** Directives whose value Fluent Bit's strptime reads but that do not change the time (weekdays, week numbers). */
const IGNORED_NUMBERS: Record<string, [min: number, max: number, digits: number]> = {
  u: [1, 7, 1], w: [0, 6, 1], U: [0, 53, 2], W: [0, 53, 2], V: [0, 53, 2], g: [0, 99, 2], G: [0, 9999, 4],
};

/** The directives `parseTimeFormat` understands, for checking a Time_Format when a parser is built. */
export const DIRECTIVES = new Set('YymdeHkIlMSjpaAbBhntzZsCDFRrTcxXuwUWVgG%'.split(''));

export function emptyTime(): ParsedTime {
  return { year: undefined, month: undefined, day: undefined, hour: 0, minute: 0, second: 0, offsetSeconds: undefined, epoch: undefined, pm: undefined };
}

/**
 * Fluent Bit's strptime (`src/flb_strptime.c`, OpenBSD's with extensions): reads `text` from
 * `start` as `format` says into `time`, and returns where it stopped, or -1 when the text does
 * not fit. A whitespace in the format takes any run of whitespace (none included); characters
 * after the format are left for the caller (Fluent Bit ignores them).
 */
export function strptime(text: string, start: number, format: string, time: ParsedTime): number {
  let at = start;
  for (let f = 0; f < format.length; f++) {
    const c = format[f]!;
    if (isSpace(c)) {
      while (at < text.length && isSpace(text[at]!)) at++;
      continue;
    }
    if (c !== '%') {
      if (text[at] !== c) return -1;
      at++;
      continue;
    }
    let d = format[++f];
    if (d === 'E' || d === 'O') d = format[++f];
    if (d === undefined) return -1;
    const composite = COMPOSITES[d];
    if (composite !== undefined) {
      at = strptime(text, at, composite, time);
      if (at < 0) return -1;
      continue;
    }
    const ignored = IGNORED_NUMBERS[d];
    if (ignored !== undefined) {
      const read = number(text, at, ignored[2], ignored[0], ignored[1]);
      if (!read) return -1;
      at = read.end;
      continue;
    }
    const end = directive(d, text, at, time);
    if (end < 0) return -1;
    at = end;
  }
  return at;
}

function directive(d: string, text: string, at: number, time: ParsedTime): number {
  const field = (digits: number, min: number, max: number, set: (n: number) => void): number => {
    const read = number(text, at, digits, min, max);
    if (!read) return -1;
    set(read.value);
    return read.end;
  };
  switch (d) {
    case '%': return text[at] === '%' ? at + 1 : -1;
    case 'n': case 't':
      while (at < text.length && isSpace(text[at]!)) at++;
      return at;
    case 'Y': return field(4, 0, 9999, (n) => (time.year = n));
    case 'C': return field(2, 0, 99, (n) => (time.year = n * 100 + ((time.year ?? 0) % 100)));
    case 'y': return field(2, 0, 99, (n) => (time.year = n < 69 ? 2000 + n : 1900 + n));
    case 'm': return field(2, 1, 12, (n) => (time.month = n));
    case 'd': case 'e':
      while (text[at] === ' ') at++;
      return field(2, 1, 31, (n) => (time.day = n));
    case 'H': case 'k':
      while (d === 'k' && text[at] === ' ') at++;
      return field(2, 0, 23, (n) => (time.hour = n));
    case 'I': case 'l':
      while (d === 'l' && text[at] === ' ') at++;
      return field(2, 1, 12, (n) => (time.hour = n % 12));
    case 'M': return field(2, 0, 59, (n) => (time.minute = n));
    case 'S': return field(2, 0, 60, (n) => (time.second = n));
    case 'j': return field(3, 1, 366, (n) => {
      time.month = 1;
      time.day = n; // normalised by Date.UTC with the month of January
    });
    case 'p': {
      const word = text.slice(at, at + 2).toLowerCase();
      if (word !== 'am' && word !== 'pm') return -1;
      time.pm = word === 'pm';
      return at + 2;
    }
    case 'a': case 'A': return name(text, at, DAYS, DAY_NAMES, () => {});
    case 'b': case 'B': case 'h': return name(text, at, MONTHS, MONTH_NAMES, (index) => (time.month = index + 1));
    case 's': {
      const match = /^-?\d+/.exec(text.slice(at, at + 21));
      if (!match) return -1;
      time.epoch = Number(match[0]);
      return at + match[0].length;
    }
    case 'z': case 'Z': return zone(text, at, time);
    default: return -1;
  }
}

function zone(text: string, at: number, time: ParsedTime): number {
  while (text[at] === ' ') at++;
  const sign = text[at];
  if (sign === '+' || sign === '-') {
    const match = /^(\d{2})(?::?(\d{2}))?/.exec(text.slice(at + 1, at + 6));
    if (!match) return -1;
    const seconds = Number(match[1]) * 3600 + Number(match[2] ?? 0) * 60;
    time.offsetSeconds = sign === '-' ? -seconds : seconds;
    return at + 1 + match[0].length;
  }
  const word = /^[A-Za-z]+/.exec(text.slice(at, at + 5))?.[0] ?? '';
  for (const length of [3, 2, 1]) {
    const offset = ZONES[word.slice(0, length).toUpperCase()];
    if (offset !== undefined && word.length >= length) {
      time.offsetSeconds = offset;
      return at + length;
    }
  }
  return -1;
}

function name(text: string, at: number, short: readonly string[], long: readonly string[], set: (index: number) => void): number {
  const lower = text.slice(at, at + 9).toLowerCase();
  for (let i = 0; i < long.length; i++) {
    if (lower.startsWith(long[i]!)) {
      set(i);
      return at + long[i]!.length;
    }
  }
  for (let i = 0; i < short.length; i++) {
    if (lower.startsWith(short[i]!)) {
      set(i);
      return at + 3;
    }
  }
  return -1;
}

function number(text: string, at: number, digits: number, min: number, max: number): { value: number; end: number } | undefined {
  let end = at;
  let value = 0;
  while (end < text.length && end - at < digits) {
    const code = text.charCodeAt(end) - 48;
    if (code < 0 || code > 9) break;
    value = value * 10 + code;
    end++;
  }
  if (end === at || value < min || value > max) return undefined;
  return { value, end };
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}
