const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (value: number, width = 2, fill = '0') => String(value).padStart(width, fill);

/** Day of the year, 1-based. */
function dayOfYear(date: Date): number {
  return Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** One conversion of C's `strftime` in UTC (glibc, the C locale); undefined for one it does not define. */
function conversion(letter: string, date: Date, seconds: number): string | undefined {
  const hour = date.getUTCHours();
  switch (letter) {
    case 'Y': return String(date.getUTCFullYear());
    case 'C': return pad(Math.floor(date.getUTCFullYear() / 100));
    case 'y': return pad(date.getUTCFullYear() % 100);
    case 'm': return pad(date.getUTCMonth() + 1);
    case 'd': return pad(date.getUTCDate());
    case 'e': return pad(date.getUTCDate(), 2, ' ');
    case 'j': return pad(dayOfYear(date), 3);
    case 'H': return pad(hour);
    case 'k': return pad(hour, 2, ' ');
    case 'I': return pad(hour % 12 === 0 ? 12 : hour % 12);
    case 'l': return pad(hour % 12 === 0 ? 12 : hour % 12, 2, ' ');
    case 'M': return pad(date.getUTCMinutes());
    case 'S': return pad(date.getUTCSeconds());
    case 'p': return hour < 12 ? 'AM' : 'PM';
    case 'P': return hour < 12 ? 'am' : 'pm';
    case 'a': return DAYS[date.getUTCDay()]!.slice(0, 3);
    case 'A': return DAYS[date.getUTCDay()]!;
    case 'b': case 'h': return MONTHS[date.getUTCMonth()]!.slice(0, 3);
    case 'B': return MONTHS[date.getUTCMonth()]!;
    case 'u': return String(date.getUTCDay() === 0 ? 7 : date.getUTCDay());
    case 'w': return String(date.getUTCDay());
    case 's': return String(seconds);
    case 'z': return '+0000';
    case 'Z': return 'GMT';
    case 'F': return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
    case 'T': return `${pad(hour)}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
    case 'R': return `${pad(hour)}:${pad(date.getUTCMinutes())}`;
    case 'D': return `${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${pad(date.getUTCFullYear() % 100)}`;
    case 'n': return '\n';
    case 't': return '\t';
    case '%': return '%';
    default: return undefined;
  }
}

/**
 * `strftime(format, gmtime(seconds))` as glibc prints it in the C locale — what out_file's
 * `enable_strftime` does to Path and File with the record's time. A conversion it does not
 * know is left as written.
 */
export function strftimeUtc(format: string, seconds: number): string {
  const date = new Date(seconds * 1000);
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%' || i + 1 === format.length) {
      out += c;
      continue;
    }
    const letter = format[i + 1]!;
    const text = conversion(letter, date, seconds);
    out += text ?? `%${letter}`;
    i++;
  }
  return out;
}
