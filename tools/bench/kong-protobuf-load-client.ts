import { connect, type Socket } from 'node:net';
import { FrameReader } from '@tributary/kong-rpc/protobuf';

/**
 * A lean Kong-shaped ProtoBuf:1 load client for benchmarks: one connection, the RpcCall of an
 * access event (encoded by the caller), each PDK call answered from replies encoded once. It
 * skips the test kit's checks so that the client, not the server, is cheap.
 */
export class ProtobufLoadConnection {
  private readonly reader = new FrameReader();
  private frames: Uint8Array[] = [];
  private waiting: (() => void) | undefined;
  private sequence = 1;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(...this.reader.push(chunk));
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.();
    });
  }

  static open(path: string): Promise<ProtobufLoadConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(path, () => resolve(new ProtobufLoadConnection(socket)));
      socket.once('error', reject);
    });
  }

  private async next(): Promise<Uint8Array> {
    while (this.frames.length === 0) await new Promise<void>((resolve) => (this.waiting = resolve));
    return this.frames.shift()!;
  }

  private send(payload: Uint8Array): void {
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32LE(payload.length, 0);
    this.socket.write(payload.length === 0 ? length : Buffer.concat([length, payload]));
  }

  /** One access event; returns the number of PDK calls it made. */
  async event(handle: (sequence: bigint) => Uint8Array, replies: Map<string, Uint8Array>): Promise<number> {
    this.send(handle(BigInt(++this.sequence)));
    let calls = 0;
    for (;;) {
      const method = await this.next();
      if (method.length === 0) break;
      await this.next(); // the arguments
      calls++;
      this.send(replies.get(Buffer.from(method).toString('latin1')) ?? new Uint8Array(0));
    }
    await this.next(); // the RpcReturn
    return calls;
  }

  close(): void {
    this.socket.destroy();
  }
}
