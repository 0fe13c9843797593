import { TributaryError } from '@tributary/base';

/** What went wrong with msgpack (or JSON being packed into it). */
export type MsgpackErrorCode = 'MSGPACK_FORMAT' | 'MSGPACK_TOO_LARGE' | 'INVALID_JSON';

/** Thrown for bytes that are not well-formed msgpack, a message over a size limit, or JSON that does not parse. */
export class MsgpackFormatError extends TributaryError<MsgpackErrorCode> {
  constructor(
    code: MsgpackErrorCode,
    message: string,
    /** Byte (or, for JSON, character) offset where the problem is. */
    readonly offset: number,
  ) {
    super(code, message);
    this.name = 'MsgpackFormatError';
  }
}
