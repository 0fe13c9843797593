import { TributaryError } from '@tributary/base';

/** What can go wrong assembling or starting a pipeline outside the config and the engine. */
export type RuntimeErrorCode = 'NATIVE_PLUGIN_UNSUPPORTED' | 'HTTP_SERVER' | 'LISTEN_FAILED';

/** A runtime error a user can fix; the message says which setting to change. */
export class RuntimeError extends TributaryError<RuntimeErrorCode> {
  constructor(code: RuntimeErrorCode, message: string) {
    super(code, message);
    this.name = 'RuntimeError';
  }
}
