import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** ELF `e_machine` values of the architectures Node runs on. */
const MACHINES: Record<number, string> = { 3: 'x86 (32-bit)', 40: 'arm', 62: 'x64', 183: 'arm64', 243: 'riscv64' };

/**
 * Checks, before dlopen, that `path` is a 64-bit ELF shared library for this process's
 * architecture, and returns why not otherwise: dlopen's own messages say little to a user.
 */
export function sharedLibraryProblem(path: string): string | undefined {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return 'it is not a file';
    size = stat.size;
  } catch {
    return 'no such file';
  }
  const header = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, Math.min(20, size), 0);
  } finally {
    closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return 'it is not an ELF shared library (build it with go build -buildmode=c-shared)';
  if (header[4] !== 2) return 'it is a 32-bit library; a 64-bit one is needed';
  const type = header.readUInt16LE(16);
  if (type !== 3) return `it is an ELF ${type === 2 ? 'executable' : 'object'}, not a shared library (build it with go build -buildmode=c-shared)`;
  const machine = MACHINES[header.readUInt16LE(18)] ?? `machine ${header.readUInt16LE(18)}`;
  if (machine !== process.arch) return `it is built for ${machine}, but this process runs on ${process.arch} (rebuild it with GOARCH for ${process.arch})`;
  return undefined;
}
