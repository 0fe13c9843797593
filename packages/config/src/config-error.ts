/** Where a setting was written: a file and line, or `command line` with line 0. */
export interface SourceLocation {
  file: string;
  line: number;
}

/**
 * A configuration error a user can fix. The message names the file and line, says what was
 * wrong and what was expected, and how to fix it — it is printed alone, without a stack.
 */
export class ConfigError extends Error {
  readonly code: string;
  readonly source: SourceLocation | undefined;

  constructor(code: string, source: SourceLocation | undefined, message: string) {
    super(source ? `${source.line > 0 ? `${source.file}:${source.line}` : source.file}: ${message}` : message);
    this.name = 'ConfigError';
    this.code = code;
    this.source = source;
  }
}
