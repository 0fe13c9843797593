import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '@tributary/base';
import { listenOnSocketPath, releaseSocketPath, type OwnedSocket } from './socket-path.js';

/**
 * Connections the kernel queues before accept: Kong's workers connect in bursts (Node's
 * default, 511, refused about 490 of 2,000 simultaneous connects). Capped by net.core.somaxconn.
 */
const LISTEN_BACKLOG = 65_535;

/**
 * The Unix socket a plugin server listens on, whatever protocol it speaks: each accepted
 * connection handed to `serve`, the path taken over from a server already there (stale or
 * alive, as every Kong plugin server does: the newest wins), and on close every connection
 * ended and the socket file removed — only if it is still the one this server bound, never a
 * successor's that took the path over.
 */
export class PluginSocketServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private owned: OwnedSocket | undefined;

  constructor(
    serve: (socket: Socket) => void,
    private readonly log: Pick<Logger, 'debug'>,
  ) {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => this.sockets.delete(socket));
      serve(socket);
    });
  }

  async listen(path: string): Promise<void> {
    this.owned = await listenOnSocketPath(this.server, path, LISTEN_BACKLOG);
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.owned && !releaseSocketPath(this.owned)) this.log.debug(`${this.owned.path} now belongs to another server: left in place`);
    this.owned = undefined;
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
