import { connect, type Socket } from 'node:net';
import { Encoder } from '@msgpack/msgpack';
import { RpcStreamDecoder } from '@tributary/kong-rpc';

/**
 * A lean Kong-shaped load client for benchmarks: one connection, one request outstanding,
 * the HandleEvent/Step loop of one access event answered from `answers`. It skips the test
 * kit's checks and Lua-exact encoding so that the client, not the server, is cheap.
 */
export class KongLoadConnection {
  private readonly encoder = new Encoder();
  private readonly decoder = new RpcStreamDecoder();
  private msgid = 0;
  private waiting?: (message: unknown[]) => void;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    const onMessage = (decoded: unknown) => {
      const message = decoded as unknown[];
      if (message[0] === 2) return; // serverPid
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.(message);
    };
    socket.on('data', (chunk: Buffer) => this.decoder.push(chunk, onMessage));
  }

  static open(path: string): Promise<KongLoadConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(path, () => resolve(new KongLoadConnection(socket)));
      socket.once('error', reject);
    });
  }

  call(method: string, param: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.waiting = (message) => (message[2] ? reject(new Error(String(message[2]))) : resolve(message[3]));
      this.socket.write(this.encoder.encode([0, ++this.msgid, method, [param]]));
    });
  }

  /** One access event; returns the number of PDK calls it made. */
  async event(instanceId: number, answers: Record<string, unknown>): Promise<number> {
    let step = (await this.call('plugin.HandleEvent', { InstanceId: instanceId, EventName: 'access' })) as { EventId: number; Data: unknown };
    let calls = 0;
    while (step.Data !== 'ret') {
      const { Method } = step.Data as { Method: string };
      calls++;
      const answer = answers[Method];
      step = (await this.call('plugin.Step', answer === undefined ? { EventId: step.EventId } : { EventId: step.EventId, Data: answer })) as typeof step;
    }
    return calls;
  }

  close(): void {
    this.socket.destroy();
  }
}
