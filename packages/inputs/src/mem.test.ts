import { readFileSync } from 'node:fs';
import { startInput } from '@tributary/core/testing';
import { describe, expect, it } from 'vitest';
import { memInput } from './mem.js';

describe('mem input', () => {
  it("reports memory and swap in KiB in Fluent Bit's key order, Mem.free being MemFree", async () => {
    const { engine, events } = await startInput(memInput, { interval_sec: '0', interval_nsec: '100000000' });
    await new Promise((resolve) => setTimeout(resolve, 350));
    await engine.stop();
    const body = events()[0]!.body as Record<string, number>;
    expect(Object.keys(body)).toEqual(['Mem.total', 'Mem.used', 'Mem.free', 'Swap.total', 'Swap.used', 'Swap.free']);
    const total = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
    expect(body['Mem.total']).toBe(total);
    expect(body['Mem.used']! + body['Mem.free']!).toBe(total);
  });

  it('adds proc_bytes and proc_hr for a pid', async () => {
    const { engine, events } = await startInput(memInput, { interval_sec: '0', interval_nsec: '100000000', pid: String(process.pid) });
    await new Promise((resolve) => setTimeout(resolve, 350));
    await engine.stop();
    const body = events()[0]!.body as Record<string, number | string>;
    expect(body.proc_bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(body.proc_hr).toMatch(/^\d+\.\dM$/);
  });
});
