// Runs a Fluent Bit the user has (its path in FLUENT_BIT) on a classic config for `seconds`
// and reads what its first output delivered from Fluent Bit's own monitoring API, for a figure
// side by side with the agent in the same run. Nothing here builds Fluent Bit.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, sleep } from './local-port.mjs';

/** `[SECTION]` text of one plugin: its name, an optional Match, then its properties in order. */
export function classicSection(section, name, properties, match) {
  const lines = [`[${section}]`, `    Name ${name}`];
  if (match !== undefined) lines.push(`    Match ${match}`);
  for (const { key, value } of properties) lines.push(`    ${key} ${value}`);
  return lines.join('\n');
}

/** Fluent Bit's `dummy` at its fastest setting on this machine (Rate 100 × Copies 10000), with `extra` properties. */
export function fluentBitDummy(dummy, extra = []) {
  return classicSection('INPUT', 'dummy', [{ key: 'Dummy', value: dummy }, { key: 'Rate', value: '100' }, { key: 'Copies', value: '10000' }, ...extra]);
}

async function outputRecords(port) {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/metrics`);
  const outputs = (await response.json()).output;
  return Object.values(outputs)[0].proc_records;
}

/**
 * Runs `binary` on `sections` (classic config text after [SERVICE]) for `seconds` after 2 s of
 * warm-up; returns records/s at the first output and Fluent Bit's peak RSS.
 */
export async function runFluentBitFor(binary, sections, seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-fluent-bit-'));
  const port = await freePort();
  const config = join(dir, 'fluent-bit.conf');
  writeFileSync(config, `[SERVICE]\n    Flush 1\n    Grace 1\n    Log_Level warn\n    HTTP_Server On\n    HTTP_Listen 127.0.0.1\n    HTTP_Port ${port}\n\n${sections}\n`);
  const child = spawn(binary, ['-c', config], { stdio: 'ignore' });
  try {
    await sleep(2000);
    const before = await outputRecords(port);
    const started = process.hrtime.bigint();
    await sleep(seconds * 1000);
    const after = await outputRecords(port);
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return { seconds: Number(elapsed.toFixed(2)), recordsPerSec: Math.round((after - before) / elapsed), peakRssMb: peak ? Number((Number(peak[1]) / 1024).toFixed(1)) : undefined };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
