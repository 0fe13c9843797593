import { MsgpackReader } from '@tributary/msgpack';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dummyInput } from './dummy.js';
import { startInput } from '@tributary/core/testing';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date', 'performance'] });
});
afterEach(() => vi.useRealTimers());

describe('dummy input', () => {
  it('emits {"message":"dummy"} once a second, tagged dummy.0', async () => {
    const { engine, events } = await startInput(dummyInput);
    await vi.advanceTimersByTimeAsync(3000);
    await engine.stop();
    expect(events()).toHaveLength(3);
    expect(events()[0]).toMatchObject({ tag: 'dummy.0', body: { message: 'dummy' }, metadata: {} });
    expect(events()[0]!.time.sec).toBe(1_700_000_001);
  });

  it('honours rate, copies, samples, metadata and a JSON body with typed numbers', async () => {
    const { engine, events, chunks } = await startInput(dummyInput, {
      rate: '100',
      copies: '2',
      samples: '150',
      dummy: '{"f": 1.0, "i": 7, "s": "x"}',
      metadata: '{"m": true}',
    });
    await vi.advanceTimersByTimeAsync(5000);
    await engine.stop();
    expect(events()).toHaveLength(300);
    expect(events()[0]).toMatchObject({ body: { f: 1, i: 7, s: 'x' }, metadata: { m: true } });
    // 1.0 stays a float64 on the wire, as flb_pack_json packs it.
    const reader = new MsgpackReader(chunks()[0]!);
    const kinds: string[] = [];
    for (let i = 0; i < 12; i++) kinds.push(reader.next());
    expect(kinds).toEqual(['array', 'array', 'ext', 'map', 'str', 'bool', 'map', 'str', 'float', 'str', 'uint', 'str']);
  });

  it('uses start_time_sec as the timestamp base and fixed_timestamp for every record', async () => {
    const { engine, events } = await startInput(dummyInput, { start_time_sec: '1000', start_time_nsec: '5', fixed_timestamp: 'on', rate: '10' });
    await vi.advanceTimersByTimeAsync(1000);
    await engine.stop();
    expect(events().length).toBe(10);
    expect(new Set(events().map((e) => `${e.time.sec}.${e.time.nsec}`)).size).toBe(1);
    expect(events()[0]!.time.sec).toBe(1000);
  });

  it('falls back to the default body when dummy is not JSON', async () => {
    const { engine, events } = await startInput(dummyInput, { dummy: 'not json', flush_on_startup: 'true' });
    await engine.stop();
    expect(events()[0]!.body).toEqual({ message: 'dummy' });
  });
});
