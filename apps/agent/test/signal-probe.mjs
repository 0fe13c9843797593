// Preloaded into a process under test (node --import): after the process has loaded its Go
// plugins, reads the flags of the SIGINT and SIGTERM handlers with sigaction(2) and writes
// them to $SIGNAL_PROBE_FILE. It installs no handler itself.
import { writeFileSync } from 'node:fs';
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const sigaction = libc.func('int sigaction(int signum, void *act, _Out_ uint8_t *oldact)');
// struct sigaction on x86_64 glibc: handler (8), sa_mask (128), sa_flags (4) at offset 136.
const flagsOf = (signal) => {
  const old = Buffer.alloc(152);
  sigaction(signal, null, old);
  return old.readUInt32LE(136);
};

setTimeout(() => {
  writeFileSync(process.env.SIGNAL_PROBE_FILE, JSON.stringify({ SIGINT: flagsOf(2), SIGTERM: flagsOf(15) }));
}, Number(process.env.SIGNAL_PROBE_DELAY_MS ?? 2000)).unref();
