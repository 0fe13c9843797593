/** Where a setting came from: a config file and line, or the command line. */
export interface SourceLocation {
  file: string;
  line: number;
}

/** Renders a location as `file:line`, or the file alone when the line is unknown (0). */
export function formatLocation(source: SourceLocation | undefined): string {
  if (!source) return '';
  return source.line > 0 ? `${source.file}:${source.line}` : source.file;
}

/**
 * An error a user can fix: the message says what is wrong, where, and how to fix it, so the
 * CLI prints it alone, without a stack trace.
 */
export class TributaryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TributaryError';
  }
}
