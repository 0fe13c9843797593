import { TributaryError } from '@tributary/base';

/** What the pipeline core reports. */
export type CoreErrorCode =
  /** A property that is unknown or whose value does not parse. */
  | 'INVALID_PROPERTY'
  /** A record an input gave that cannot be encoded. */
  | 'INVALID_RECORD'
  /** Bytes that are msgpack but not Fluent Bit log events. */
  | 'EVENT_FORMAT'
  /** A plugin instance failed to start. */
  | 'INIT_FAILED'
  /** An input names a parser that no Parsers_File defines and Fluent Bit does not ship. */
  | 'UNKNOWN_PARSER'
  /** A section names a plugin that does not exist. */
  | 'UNKNOWN_PLUGIN'
  /** `tls on` for a plugin that cannot do TLS. */
  | 'TLS_UNSUPPORTED'
  /** A feature the config asks for that Tributary does not have. */
  | 'UNSUPPORTED';

/** An error of the pipeline core; the message says what to fix. */
export class CoreError extends TributaryError<CoreErrorCode> {
  constructor(code: CoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'CoreError';
  }
}
