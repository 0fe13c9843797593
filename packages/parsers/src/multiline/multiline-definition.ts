import type { Parser } from '../parser.js';

/** One rule of a regex multiline parser: from these states, on this regex, to that state. */
export interface MultilineRule {
  readonly from: readonly string[];
  /** An Onigmo pattern, `/…/flags` allowed. */
  readonly regex: string;
  readonly to: string | undefined;
}

/** A `[MULTILINE_PARSER]` (or a built-in), typed. */
export interface MultilineDefinition {
  readonly name: string;
  readonly type: 'regex' | 'endswith' | 'equal';
  /** endswith / equal: the string the content ends with, or the pattern value equals. */
  readonly matchString?: string;
  readonly negate?: boolean;
  /** The record key whose text is matched and concatenated. */
  readonly keyContent?: string;
  /** The key whose value `equal` compares (CRI's `_p`). */
  readonly keyPattern?: string;
  /** The key splitting one stream into groups joined apart (`stream`: stdout, stderr). */
  readonly keyGroup?: string;
  /** A parser applied to each text line first; a line it cannot parse is declined. */
  readonly parser?: Parser;
  /** Milliseconds after which pending lines are flushed (default 4000, at least 500). */
  readonly flushMs?: number;
  readonly rules?: readonly MultilineRule[];
}
