// Helpers the benchmark scripts share.
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago, for an agent's monitoring API or a listener. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
