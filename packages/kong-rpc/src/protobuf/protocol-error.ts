import { TributaryError } from '@tributary/base';

/** The ProtoBuf:1 conversation broke: a bad frame, a message that does not decode, a call out of place. */
export class KongRpcProtocolError extends TributaryError<'KONG_RPC_PROTOCOL'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KONG_RPC_PROTOCOL', message, options);
    this.name = 'KongRpcProtocolError';
  }
}
