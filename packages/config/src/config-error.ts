import { atLocation, TributaryError, type SourceLocation } from '@tributary/base';

/** What can be wrong with a configuration or a command line. */
export type ConfigErrorCode =
  | 'CLI_USAGE'
  | 'CONFIG_BAD_HEADER'
  | 'CONFIG_BAD_SET'
  | 'CONFIG_EMPTY_VALUE'
  | 'CONFIG_FILE_NOT_FOUND'
  | 'CONFIG_GROUPS_UNSUPPORTED'
  | 'CONFIG_INCLUDE_LOOP'
  | 'CONFIG_INDENTATION'
  | 'CONFIG_INVALID_UTF8'
  | 'CONFIG_INVALID_VALUE'
  | 'CONFIG_KEY_OUTSIDE_SECTION'
  | 'CONFIG_MISSING_NAME'
  | 'CONFIG_NOT_INDENTED'
  | 'CONFIG_NOT_TEXT'
  | 'CONFIG_SECTION_MISPLACED'
  | 'CONFIG_TOO_MANY_FILES'
  | 'CONFIG_UNDEFINED_VALUE';

/**
 * A configuration error a user can fix. The message names the file and line, says what was
 * wrong and what was expected, and how to fix it — it is printed alone, without a stack.
 */
export class ConfigError extends TributaryError<ConfigErrorCode> {
  constructor(
    code: ConfigErrorCode,
    readonly source: SourceLocation | undefined,
    message: string,
  ) {
    super(code, atLocation(source, message));
    this.name = 'ConfigError';
  }
}
