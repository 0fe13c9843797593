// Benchmark: the built agent CLI reading N lines — tail raw → null (chunks in memory, then on disk), tail with the json parser →
// null, stdin → null, tail raw → the Go counter plugin — and forward receiving PackedForward frames of 1,000 records with acks
// (4 frames in flight), each measured from outside through /api/v1/metrics: records/s from the
// moment the agent answers to the last record the null output processed (the first file poll,
// 250 ms, and the 0.1 s flush included), and the agent's peak RSS.
//   pnpm turbo run build && node tools/bench/inputs.mjs [lines, default 1000000]
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { encode } from '@msgpack/msgpack';
import { freePort } from './local-port.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', '..', 'apps', 'agent', 'dist', 'cli.js');
const lines = Number(process.argv[2] ?? 1_000_000);
const work = mkdtempSync(join(tmpdir(), 'bench-inputs-'));

async function writeLines(file, line) {
  const out = createWriteStream(file);
  const block = Buffer.from(`${line}\n`.repeat(1000));
  for (let i = 0; i < lines / 1000; i++) if (!out.write(block)) await new Promise((resolve) => out.once('drain', resolve));
  await new Promise((resolve) => out.end(resolve));
}


/** Runs the agent with `args`, waits until the null output processed `expected` records, returns records/s and peak RSS. */
async function measure(name, args, expected, feed, output = ['-o', 'null']) {
  const port = await freePort();
  const outputName = `${output[1]}.0`;
  const agent = spawn(process.execPath, [cli, ...args, ...output, '-f', '0.1', '-H', '-L', '127.0.0.1', '-P', String(port)], { stdio: [feed ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
  let log = '';
  agent.stderr.on('data', (text) => (log += text));
  let ended = false;
  const exited = new Promise((resolve) => agent.once('exit', (code) => resolve((ended = code === 0))));
  let peakRssMb = 0;
  const metrics = async () => {
    try {
      const body = await (await fetch(`http://127.0.0.1:${port}/api/v1/metrics`)).json();
      return body.output[outputName].proc_records;
    } catch {
      return -1;
    }
  };
  while ((await metrics()) < 0) await new Promise((resolve) => setTimeout(resolve, 20));
  const start = Date.now();
  const fed = performance.now();
  if (feed) void feed(agent);
  let done = 0;
  while (done < expected) {
    done = await metrics();
    try {
      peakRssMb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${agent.pid}/status`, 'utf8'))[1]) / 1024;
    } catch {
      // exited
    }
    // stdin ends the agent by itself once all is flushed: it says so, then exits 0.
    if (done < 0 && ended && log.includes('service has stopped (0 pending tasks)')) done = expected;
    if (Date.now() - start > 300_000) throw new Error(`${name}: only ${done} of ${expected} records after 300 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const seconds = (performance.now() - fed) / 1000; // from the moment the agent answers: startup, the 250 ms poll and the 0.1 s flush included
  agent.kill('SIGTERM');
  await exited;
  const result = { bench: name, records: expected, recordsPerSec: Math.round(expected / seconds), peakRssMb: Number(peakRssMb.toFixed(1)) };
  console.log(JSON.stringify(result));
  return result;
}

const raw = join(work, 'raw.log');
await writeLines(raw, '2023-11-14T22:13:20.123Z INFO request handled path=/index.html status=200 bytes=512 duration=3ms');
const json = join(work, 'json.log');
await writeLines(json, '{"time":"2023-11-14T22:13:20.123Z","level":"info","msg":"request handled","path":"/index.html","status":200}');
const parsers = join(work, 'parsers.conf');
const { writeFileSync } = await import('node:fs');
writeFileSync(parsers, '[PARSER]\n    Name   j\n    Format json\n');

await measure('tail-raw-null', ['-i', 'tail', '-p', `path=${raw}`, '-p', 'read_from_head=on'], lines);
await measure('tail-raw-filesystem-null', ['-b', join(work, 'storage'), '-i', 'tail', '-p', `path=${raw}`, '-p', 'read_from_head=on', '-p', 'storage.type=filesystem'], lines);
await measure('tail-json-null', ['-R', parsers, '-i', 'tail', '-p', `path=${json}`, '-p', 'read_from_head=on', '-p', 'parser=j'], lines);
await measure('stdin-null', ['-i', 'stdin'], lines, async (agent) => {
  const { createReadStream } = await import('node:fs');
  createReadStream(json).pipe(agent.stdin);
});

// tail → a Go output: the example counter plugin, which decodes every record with fluent-bit-go.
const counter = join(work, 'out_counter.so');
const { execFileSync } = await import('node:child_process');
execFileSync('go', ['build', '-buildmode=c-shared', '-o', counter, '.'], { cwd: join(here, '..', '..', 'examples', 'go-plugins', 'out_counter'), stdio: 'inherit' });
await measure('tail-raw-go-counter', ['-e', counter, '-i', 'tail', '-p', `path=${raw}`, '-p', 'read_from_head=on'], lines, undefined, ['-o', 'counter', '-m', '*', '-p', `count_file=${join(work, 'count.json')}`]);

const forwardPort = await freePort();
const record = { level: 'info', msg: 'request handled', path: '/index.html', status: 200 };
const entries = Buffer.concat(Array.from({ length: 1000 }, (_, i) => Buffer.from(encode([1700000000 + i, record]))));
await measure('forward-packed-ack-null', ['-i', 'forward', '-p', `port=${forwardPort}`, '-p', 'listen=127.0.0.1'], lines, async () => {
  const socket = connect(forwardPort, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let acked = 0;
  let sent = 0;
  const frames = lines / 1000;
  const send = () => {
    while (sent < frames && sent - acked < 4) socket.write(encode(['bench', entries, { chunk: String(sent++), size: 1000 }]));
  };
  socket.on('data', (bytes) => {
    // Each ack is a small map {"ack": "<n>"}: count them by their key.
    acked += bytes.toString('latin1').split('\xa3ack').length - 1;
    send();
  });
  send();
});
