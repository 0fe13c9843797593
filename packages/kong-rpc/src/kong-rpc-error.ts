import { TributaryError } from '@tributary/base';

/** What kong-rpc reports. */
export type KongRpcErrorCode =
  /** An error answered to Kong as an RPC error string. */
  | 'RPC'
  /** A PDK call Kong answered with an error (Kong 2.x `plugin.StepError`), or an event abandoned. */
  | 'PDK'
  /** A module that is not a valid Kong plugin, or a plugins directory that cannot be read. */
  | 'PLUGIN_LOAD'
  /** Bytes on a connection that are not MessagePack-RPC. */
  | 'PROTOCOL';

/**
 * An error answered to Kong as the RPC error string. Its message is what Kong sees and acts on
 * (e.g. `No plugin instance 7`), so it is written exactly.
 */
export class RpcError extends TributaryError<'RPC'> {
  constructor(message: string) {
    super('RPC', message);
    this.name = 'RpcError';
  }
}

/** The exact text Kong 2.0–3.x recognises to restart an instance (go-pluginserver's wording). */
export function noPluginInstance(id: unknown): RpcError {
  return new RpcError(`No plugin instance ${String(id)}`);
}

/** A PDK call that Kong answered with an error (`plugin.StepError`), or that could not finish. */
export class PdkError extends TributaryError<'PDK'> {
  constructor(
    readonly method: string,
    readonly kongError: string,
  ) {
    super('PDK', `PDK method ${method} failed: ${kongError}`);
    this.name = 'PdkError';
  }
}

/** Raised for a module that is not a valid Kong plugin; the message says what to fix. */
export class PluginLoadError extends TributaryError<'PLUGIN_LOAD'> {
  constructor(message: string) {
    super('PLUGIN_LOAD', message);
    this.name = 'PluginLoadError';
  }
}
