import { ParserError } from './parser-error.js';

/** An Onigmo (Ruby syntax) pattern as a JavaScript RegExp, and its named groups in definition order. */
export interface TranslatedRegex {
  readonly regex: RegExp;
  /** `[JavaScript group name, field name]`: names JavaScript rejects (`a-b`) are renamed. */
  readonly groups: ReadonlyArray<readonly [string, string]>;
}

const POSIX: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\v\\f\\r', blank: ' \\t',
  xdigit: '0-9a-fA-F', word: '\\w', punct: '!-\\/:-@\\[-`{-~', cntrl: '\\x00-\\x1f\\x7f', print: '\\x20-\\x7e', graph: '\\x21-\\x7e',
};
/** Ruby's `\s` is ASCII whitespace; JavaScript's includes Unicode spaces. */
const SPACE = '[\\t\\n\\v\\f\\r ]';

/**
 * Translates a Fluent Bit `Regex` (Onigmo, Ruby syntax, `src/flb_regex.c`) into a JavaScript
 * RegExp that matches the same lines: `^`/`$` are line anchors (flag m), `/…/imx` delimiters and
 * flags as Fluent Bit strips them (Ruby's m is JavaScript's s), `\A \z \Z \h \H`, POSIX
 * brackets, `(?'name')`, `(?#…)` and names JavaScript rejects. Plain groups do not capture when
 * the pattern has named ones, as in Onigmo. Constructs JavaScript cannot express the same way
 * (possessive quantifiers, atomic groups, inline options, `\K`, `\R`, `\G`, `\p{…}`, class set
 * operations, duplicate names, subexpression calls) are refused with the construct named —
 * never translated into something that matches differently.
 */
export function translateOnigmo(source: string, parser: string): TranslatedRegex {
  const refuse = (construct: string, at: number): never => {
    throw new ParserError(
      'PARSER_REGEX_UNSUPPORTED',
      `parser '${parser}': the Regex uses ${construct} (at character ${at + 1}), which JavaScript regular expressions cannot express the same way. Rewrite that part without it.`,
    );
  };
  let pattern = source;
  let flags = 'm';
  let extended = false;
  const delimited = /^\/(.*)\/([imxo]*)$/s.exec(source);
  if (delimited) {
    pattern = delimited[1]!;
    if (delimited[2]!.includes('i')) flags += 'i';
    if (delimited[2]!.includes('m')) flags += 's';
    extended = delimited[2]!.includes('x');
  }
  const hasNamedGroups = /\(\?(<[A-Za-z_]|')/.test(pattern);
  const groups: Array<readonly [string, string]> = [];
  const jsNames = new Map<string, string>();
  const nameFor = (name: string, at: number): string => {
    if (jsNames.has(name)) refuse(`the group name '${name}' twice`, at);
    const js = /^[A-Za-z_$][\w$]*$/.test(name) ? name : `g${groups.length}_${name.replace(/[^\w$]/g, '_')}`;
    jsNames.set(name, js);
    groups.push([js, name]);
    return js;
  };
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return refuse('a trailing backslash', i);
      i++;
      switch (next) {
        case 'A': out += inClass ? refuse('\\A in a character class', i) : '(?<![\\s\\S])'; break;
        case 'z': out += inClass ? refuse('\\z in a character class', i) : '(?![\\s\\S])'; break;
        case 'Z': out += inClass ? refuse('\\Z in a character class', i) : '(?=\\n?(?![\\s\\S]))'; break;
        case 'h': out += inClass ? '0-9a-fA-F' : '[0-9a-fA-F]'; break;
        case 'H': out += inClass ? refuse('\\H in a character class', i) : '[^0-9a-fA-F]'; break;
        case 's': out += inClass ? ' \\t\\n\\v\\f\\r' : SPACE; break;
        case 'S': out += inClass ? '\\S' : '[^\\t\\n\\v\\f\\r ]'; break;
        case 'K': case 'R': case 'G': case 'X': case 'p': case 'P': case 'g': refuse(`\\${next}`, i - 1); break;
        case 'k': {
          const ref = /^<([^>]+)>/.exec(pattern.slice(i + 1));
          const js = ref ? jsNames.get(ref[1]!) : undefined;
          if (!ref || js === undefined) return refuse('\\k with a name not defined before it', i - 1);
          out += `\\k<${js}>`;
          i += ref[0].length;
          break;
        }
        case 'x': {
          const braced = /^\{([0-9a-fA-F]{1,4})\}/.exec(pattern.slice(i + 1));
          if (braced) {
            out += `\\u${braced[1]!.padStart(4, '0')}`;
            i += braced[0].length;
          } else out += '\\x';
          break;
        }
        default:
          if (/[1-9]/.test(next) && hasNamedGroups && !inClass) refuse(`the numbered backreference \\${next} beside named groups (Onigmo refuses it too; use \\k<name>)`, i - 1);
          out += `\\${next}`;
      }
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (c === '[') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i));
        if (posix) {
          if (posix[1] || POSIX[posix[2]!] === undefined) refuse(`the POSIX bracket ${posix[0]}`, i);
          out += POSIX[posix[2]!];
          i += posix[0].length - 1;
          continue;
        }
        refuse('a nested character class', i);
      } else if (c === '&' && pattern[i + 1] === '&') refuse('a character class intersection (&&)', i);
      out += c;
      continue;
    }
    if (extended && /\s/.test(c)) continue;
    if (extended && c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += `\\${pattern[++i]}`; // a leading ] is literal in Ruby
      continue;
    }
    if ((c === '*' || c === '+' || c === '?' || c === '}') && pattern[i + 1] === '+') refuse(`the possessive quantifier ${c}+`, i);
    if (c === '(') {
      const rest = pattern.slice(i + 1);
      if (rest.startsWith('?#')) {
        const end = pattern.indexOf(')', i);
        i = end < 0 ? pattern.length : end;
        continue;
      }
      const named = /^\?(?:<([A-Za-z_][\w-]*)>|'([A-Za-z_][\w-]*)')/.exec(rest);
      if (named) {
        out += `(?<${nameFor(named[1] ?? named[2]!, i)}>`;
        i += named[0].length;
        continue;
      }
      if (rest.startsWith('?>')) refuse('an atomic group (?>…)', i);
      if (rest.startsWith('?~')) refuse('an absent operator (?~…)', i);
      const options = /^\?([imx-]+)(:|\))/.exec(rest);
      if (options) {
        // The java built-in's empty (?x:) group matches the empty string whatever its options.
        if (options[2] === ':' && rest[options[0].length] === ')') {
          out += '(?:)';
          i += options[0].length + 1;
          continue;
        }
        refuse(`the inline options (?${options[1]}${options[2]}`, i);
      }
      if (!rest.startsWith('?') && hasNamedGroups) {
        out += '(?:';
        continue;
      }
    }
    out += c;
  }
  try {
    return { regex: new RegExp(out, flags), groups };
  } catch (error) {
    throw new ParserError('PARSER_DEFINITION', `parser '${parser}': the Regex is not a valid regular expression: ${(error as Error).message}.`);
  }
}
