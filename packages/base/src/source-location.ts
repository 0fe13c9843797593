/** Where a setting or a piece of input came from: a file, line and (where known) column. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based; 0 when only the file is known (e.g. `command line`, `environment`). */
  readonly line: number;
  /** 1-based, for formats that have one (YAML). */
  readonly column?: number;
}

/** The command line, as a location. */
export const COMMAND_LINE: SourceLocation = { file: 'command line', line: 0 };

/** `file:line:column`, `file:line`, or the file alone when the line is unknown (0); '' without a location. */
export function formatLocation(source: SourceLocation | undefined): string {
  if (!source) return '';
  if (source.line <= 0) return source.file;
  return source.column ? `${source.file}:${source.line}:${source.column}` : `${source.file}:${source.line}`;
}

/** `message` prefixed with `file:line: ` when there is a location. */
export function atLocation(source: SourceLocation | undefined, message: string): string {
  const where = formatLocation(source);
  return where ? `${where}: ${message}` : message;
}
