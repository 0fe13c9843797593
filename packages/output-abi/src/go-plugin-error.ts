import { atLocation, TributaryError, type SourceLocation } from '@tributary/base';

/** What can go wrong with a Go plugin. */
export type GoPluginErrorCode =
  /** The `.so` cannot be loaded or registered. */
  | 'GO_PLUGIN_LOAD'
  /** FLBPluginInit refused an instance. */
  | 'GO_PLUGIN_INIT'
  /** A Tributary property of the instance (`tributary.*`) has a bad value. */
  | 'INVALID_PROPERTY'
  /** A Go host process (`tributary.isolation process`) sent bytes that are not frames. */
  | 'GO_HOST_PROTOCOL';

/** An error about a Go plugin; the message names the file or instance and the fix. */
export class GoPluginError extends TributaryError<GoPluginErrorCode> {
  constructor(code: GoPluginErrorCode, message: string) {
    super(code, message);
    this.name = 'GoPluginError';
  }

  /** A `.so` that cannot be used: `source` is where its path was written. */
  static load(path: string, problem: string, source?: SourceLocation): GoPluginError {
    return new GoPluginError('GO_PLUGIN_LOAD', atLocation(source, `cannot load Go plugin '${path}': ${problem}`));
  }
}
