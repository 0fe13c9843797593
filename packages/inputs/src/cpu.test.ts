import { cpus } from 'node:os';
import { MsgpackReader } from '@tributary/msgpack';
import { describe, expect, it } from 'vitest';
import { cpuInput } from './cpu.js';
import { startInput } from '@tributary/core/testing';

describe('cpu input', () => {
  it('reports overall and per-CPU usage as float64 in Fluent Bit key order', async () => {
    const { engine, events, chunks } = await startInput(cpuInput, { interval_sec: '0', interval_nsec: '200000000' }, { tag: 'my.cpu' });
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await engine.stop();
    expect(events().length).toBeGreaterThanOrEqual(3);
    const n = cpus().length;
    const keys = ['cpu_p', 'user_p', 'system_p'];
    for (let i = 0; i < n; i++) keys.push(`cpu${i}.p_cpu`, `cpu${i}.p_user`, `cpu${i}.p_system`);
    expect(Object.keys(events()[0]!.body)).toEqual(keys);
    expect(events()[0]!.tag).toBe('my.cpu');
    for (const value of Object.values(events()[0]!.body)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(100 * n);
    }
    const reader = new MsgpackReader(chunks()[0]!);
    reader.next(); reader.next(); reader.skip(); reader.skip(); // [[time, meta],
    expect(reader.next()).toBe('map');
    reader.next();
    expect(reader.next()).toBe('float');
  });

  it('measures one process with pid', async () => {
    const { engine, events } = await startInput(cpuInput, { interval_nsec: '100000000', interval_sec: '0', pid: String(process.pid) });
    await new Promise((resolve) => setTimeout(resolve, 350));
    await engine.stop();
    expect(Object.keys(events()[0]!.body)).toEqual(['cpu_p', 'user_p', 'system_p']);
  });
});
