import { PassThrough } from 'node:stream';
import { startInput } from '@tributary/core/testing';
import { describe, expect, it } from 'vitest';
import { createStdinInput } from './stdin.js';

describe('stdin input', () => {
  it('reads objects and event arrays until the end, then asks the process to stop', async () => {
    const stream = new PassThrough();
    await using run = await startInput(createStdinInput(() => stream));
    stream.write('{"a":1}\n[1700000000, {"b":2}]\n[[1700000000.5, {"m":1}], {"c"');
    stream.write(':3}]\n"dropped"\n');
    stream.end();
    expect(await run.engine.stopRequested).toBe('stdin.0: end of input');
    run.engine.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const events = run.events();
    expect(events.map((event) => event.body)).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    expect(events[1]!.time.sec).toBe(1700000000);
    expect([events[2]!.time.sec, events[2]!.time.nsec, events[2]!.metadata]).toEqual([1700000000, 500000000, { m: 1 }]);
  });

  it('refuses a buffer_size under 16000, as Fluent Bit does', async () => {
    await expect(startInput(createStdinInput(() => new PassThrough()), { buffer_size: '1000' })).rejects.toThrow('buffer_size must be at least 16000 bytes, got 1000.');
  });
});
