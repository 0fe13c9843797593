import { chmodSync, unlinkSync } from 'node:fs';
import { removeStaleSocket } from './unix-socket.js';

/** Linux's constants and layouts (x86-64 and arm64 alike). */
const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const MSG_DONTWAIT = 0x40;
const POLLIN = 1;
const EAGAIN = 11;
const EINTR = 4;
/** `struct sockaddr_un`: a 16-bit family, then 108 bytes of path. */
const SUN_PATH_MAX = 108;
/** How long one wait for a datagram may hold a thread of the pool before stopping is looked at again. */
const POLL_MS = 200;
/** Datagrams read per wake-up before the event loop gets its turn back. */
const BATCH = 256;

export interface UnixDatagramListener {
  /** Stops reading, closes the socket and removes its file. */
  close(): Promise<void>;
}

type NativeFunction = ((...args: unknown[]) => number) & { async(...args: unknown[]): void };

interface Libc {
  socket: NativeFunction;
  bind: NativeFunction;
  poll: NativeFunction;
  recv: NativeFunction;
  close: NativeFunction;
  errno(): number;
}

let libc: Promise<Libc> | undefined;

/** libc through koffi, loaded the first time a Unix datagram socket is opened (no other pipeline pays for it). */
function loadLibc(): Promise<Libc> {
  libc ??= import('koffi').then(({ default: koffi }) => {
    const lib = koffi.load('libc.so.6');
    const fn = (prototype: string) => lib.func(prototype) as unknown as NativeFunction;
    return {
      socket: fn('int socket(int domain, int type, int protocol)'),
      bind: fn('int bind(int fd, const uint8_t *addr, uint32_t len)'),
      poll: fn('int poll(uint8_t *fds, unsigned long n, int timeout)'),
      recv: fn('intptr_t recv(int fd, _Out_ uint8_t *buf, size_t len, int flags)'),
      close: fn('int close(int fd)'),
      errno: () => koffi.errno(),
    };
  });
  return libc;
}

/**
 * Listens on a Unix datagram socket (AF_UNIX, SOCK_DGRAM) at `path`, which Node.js cannot open
 * itself: the socket is made through libc, a thread of the libuv pool waits for it to be
 * readable, and the event loop then reads every datagram waiting (up to `maxBytes` each; a
 * longer one is cut, as recv(2) cuts it) and hands each to `onDatagram`, whose bytes are valid
 * only during the call. Linux only.
 */
export async function listenUnixDatagram(
  path: string,
  mode: number,
  maxBytes: number,
  onDatagram: (datagram: Buffer) => void,
  onError: (message: string) => void,
): Promise<UnixDatagramListener> {
  if (process.platform !== 'linux') throw new Error('Unix datagram sockets are supported on Linux only');
  const address = Buffer.alloc(2 + SUN_PATH_MAX);
  address.writeUInt16LE(AF_UNIX, 0);
  const written = address.write(path, 2, 'utf8');
  if (written >= SUN_PATH_MAX || Buffer.byteLength(path) !== written) throw new Error(`the socket path is longer than ${SUN_PATH_MAX - 1} bytes: ${path}`);
  const c = await loadLibc();
  removeStaleSocket(path);
  const fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new Error(`socket(AF_UNIX, SOCK_DGRAM) failed (errno ${c.errno()})`);
  if (c.bind(fd, address, 2 + written + 1) !== 0) {
    const errno = c.errno();
    c.close(fd);
    throw new Error(`cannot bind ${path} (errno ${errno}${errno === 98 ? ': address in use' : errno === 13 ? ': permission denied' : ''})`);
  }
  chmodSync(path, mode);

  const pollfd = Buffer.alloc(8);
  pollfd.writeInt32LE(fd, 0);
  pollfd.writeInt16LE(POLLIN, 4);
  const buffer = Buffer.alloc(maxBytes);
  let closing = false;
  let stopped: () => void = () => {};
  const finished = new Promise<void>((resolve) => (stopped = resolve));

  /** Reads what is waiting without blocking; false when the socket failed. */
  const drain = (): boolean => {
    for (let n = 0; n < BATCH; n++) {
      const size = c.recv(fd, buffer, maxBytes, MSG_DONTWAIT);
      if (size >= 0) {
        onDatagram(buffer.subarray(0, size));
        continue;
      }
      const errno = c.errno();
      if (errno === EAGAIN || errno === EINTR) return true;
      onError(`recv on ${path} failed (errno ${errno}): the socket is no longer read`);
      return false;
    }
    return true;
  };
  const wait = () => {
    if (closing) return stopped();
    c.poll.async(pollfd, 1, POLL_MS, (error: unknown, ready: number) => {
      if (closing) return stopped();
      if (error) {
        onError(`poll on ${path} failed: ${String(error)}`);
        return stopped();
      }
      if (ready > 0 && !drain()) return stopped();
      wait();
    });
  };
  wait();

  return {
    async close() {
      closing = true;
      await finished;
      c.close(fd);
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    },
  };
}
