const MARKER = 'tributary.error';
const symbol = Symbol.for(MARKER);

/**
 * The base of every error Tributary raises for a problem a user can fix: the message says what
 * is wrong, where, and how to fix it, so a CLI prints it alone, without a stack trace. `code`
 * is a typed union per package (`ConfigErrorCode`, `CoreErrorCode` ...).
 *
 * `isInstance` checks a marker rather than the prototype chain, so an error thrown by another
 * copy of a package (two versions in one `node_modules`) is still recognised.
 */
export class TributaryError<Code extends string = string> extends Error {
  private readonly [symbol] = true; // what isInstance looks for

  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TributaryError';
  }

  /** Whether `error` is a TributaryError of any package, from any copy of this one. */
  static isInstance(error: unknown): error is TributaryError {
    return TributaryError.hasMarker(error, MARKER);
  }

  /** For subclasses with a marker of their own: `static isInstance(e) { return hasMarker(e, 'tributary.config') }`. */
  protected static hasMarker(error: unknown, marker: string): boolean {
    const symbol = Symbol.for(marker);
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[symbol] === true;
  }
}

/** The message of anything thrown, for log lines. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
