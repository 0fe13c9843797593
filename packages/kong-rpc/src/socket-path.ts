import { lstatSync, renameSync, unlinkSync } from 'node:fs';
import { connect, type Server } from 'node:net';
import { basename, dirname, join } from 'node:path';

/** The file a server bound: which inode it is, so that the server removes only its own. */
export interface OwnedSocket {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
}

/** The longest path a Unix socket address holds on Linux (`sun_path`, NUL included: 108). */
const SUN_PATH_MAX = 107;

/**
 * Listens on the Unix socket `path`, taking it over from any server already there, as Kong
 * expects of a plugin server it (re)spawns: the newest one wins. The socket is bound under a
 * private name beside `path` and renamed onto it, so the path is never missing (a running Kong
 * keeps connecting) and the file the OS unlinks when this server closes is the private name,
 * never `path` — which by then may be a successor's.
 */
export async function listenOnSocketPath(server: Server, path: string, backlog: number): Promise<OwnedSocket> {
  const privatePath = join(dirname(path), `.${basename(path)}.${process.pid}`);
  const bindPath = privatePath.length <= SUN_PATH_MAX ? privatePath : path;
  removeIfSocket(bindPath);
  if (bindPath === path) removeIfSocket(path);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path: bindPath, backlog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (bindPath !== path) renameSync(bindPath, path);
  const { dev, ino } = lstatSync(path);
  return { path, dev, ino };
}

/** Removes the socket file if it is still the one this server bound; a successor's stays. */
export function releaseSocketPath(socket: OwnedSocket): boolean {
  try {
    const now = lstatSync(socket.path);
    if (now.dev !== socket.dev || now.ino !== socket.ino) return false;
    unlinkSync(socket.path);
    return true;
  } catch {
    return false; // already gone
  }
}

/** Removes a stale socket file; anything else at the path is left for listen() to report. */
function removeIfSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // nothing there
  }
}

/** Whether a server accepts connections on the Unix socket `path` now. */
export function canConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
