// The floor under any Node.js plugin server: a Unix-socket echo server that does nothing but
// write back what it reads, driven by N connections with one message in flight each (as Kong
// drives a plugin server). Prints the server's CPU per round trip; a Kong event with 3 PDK
// calls costs at least 4 round trips.
//   node tools/bench/node-socket-floor.mjs [seconds] [concurrency]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, unlinkSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (process.argv[2] === '--serve') {
  const path = process.argv[3];
  if (existsSync(path)) unlinkSync(path);
  createServer((socket) => socket.on('data', (data) => socket.write(data))).listen(path);
} else {
  const seconds = Number(process.argv[2] ?? 5);
  const concurrency = Number(process.argv[3] ?? 16);
  const path = join(mkdtempSync(join(tmpdir(), 'echo-')), 'echo.sock');
  const server = spawn(process.execPath, [new URL(import.meta.url).pathname, '--serve', path], { stdio: 'inherit' });
  while (!existsSync(path)) await new Promise((resolve) => setTimeout(resolve, 20));
  const cpu = () => {
    const fields = readFileSync(`/proc/${server.pid}/stat`, 'latin1').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  const message = Buffer.alloc(60, 1); // about the size of a Kong Step request
  const until = Date.now() + seconds * 1000;
  let roundTrips = 0;
  const before = cpu();
  await Promise.all(
    Array.from({ length: concurrency }, () => new Promise((resolve) => {
      const socket = connect(path, () => socket.write(message));
      socket.on('data', () => {
        roundTrips++;
        if (Date.now() < until) socket.write(message);
        else resolve(socket.destroy());
      });
    })),
  );
  const serverCpu = cpu() - before;
  server.kill();
  console.log(JSON.stringify({
    bench: 'node-socket-floor',
    concurrency,
    roundTripsPerSec: Math.round(roundTrips / seconds),
    serverCpuUsPerRoundTrip: Number(((serverCpu * 1e6) / roundTrips).toFixed(1)),
    serverCpuUsPer4RoundTrips: Number(((serverCpu * 4e6) / roundTrips).toFixed(1)),
  }));
}
