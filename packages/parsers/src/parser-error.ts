import { TributaryError } from '@tributary/base';

/** What can be wrong with a parser definition. */
export type ParserErrorCode = 'PARSER_DEFINITION' | 'PARSER_REGEX_UNSUPPORTED' | 'PARSER_TIME_FORMAT';

/** A parser that cannot be built as written; the message names the parser, the key and the fix. */
export class ParserError extends TributaryError<ParserErrorCode> {
  constructor(code: ParserErrorCode, message: string) {
    super(code, message);
    this.name = 'ParserError';
  }
}
