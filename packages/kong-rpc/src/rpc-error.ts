/**
 * An error answered to Kong as the RPC error string. Its message is what Kong sees and acts
 * on (e.g. `No plugin instance 7`), so it is written exactly.
 */
export class RpcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RpcError';
  }
}

/** The exact text Kong 2.0–3.x recognises to restart an instance (go-pluginserver's wording). */
export function noPluginInstance(id: unknown): RpcError {
  return new RpcError(`No plugin instance ${String(id)}`);
}
