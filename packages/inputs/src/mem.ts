import { readFileSync } from 'node:fs';
import { defineInput } from '@tributary/core';
import { collectInterval } from './collect-interval.js';

/**
 * Fluent Bit's `mem` input (`plugins/in_mem`): every interval, memory and swap in KiB as
 * `sysinfo(2)` reports them — `Mem.free` is free RAM, buffers and cache not counted — and with
 * `pid` that process's resident size (`proc_bytes`, bytes) and the same as text (`proc_hr`).
 */
export const memInput = defineInput({
  name: 'mem',
  description: 'Memory Usage',
  configMap: {
    interval_sec: { type: 'int', default: '1', description: 'Seconds between samples' },
    interval_nsec: { type: 'int', default: '0', description: 'Nanoseconds between samples' },
    pid: { type: 'int', default: '0', description: 'Also report the resident memory of this process' },
  },
  init(ctx) {
    const { pid } = ctx.config;
    ctx.collectEvery(collectInterval(ctx.config) * 1000, () => {
      const info = meminfo();
      const record: Record<string, number | string> = {
        'Mem.total': info.MemTotal,
        'Mem.used': info.MemTotal - info.MemFree,
        'Mem.free': info.MemFree,
        'Swap.total': info.SwapTotal,
        'Swap.used': info.SwapTotal - info.SwapFree,
        'Swap.free': info.SwapFree,
      };
      if (pid > 0) {
        const rss = residentBytes(pid);
        if (rss === undefined) {
          ctx.log.warn(`process ${pid} does not exist (any more): proc_bytes not reported`);
        } else {
          record.proc_bytes = rss;
          record.proc_hr = humanReadable(rss);
        }
      }
      ctx.append(record);
    });
    return {};
  },
});

/** /proc/meminfo in KiB: the same numbers `sysinfo(2)` gives (totalram, freeram, totalswap, freeswap). */
function meminfo(): Record<'MemTotal' | 'MemFree' | 'SwapTotal' | 'SwapFree', number> {
  const text = readFileSync('/proc/meminfo', 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { MemTotal: kib('MemTotal'), MemFree: kib('MemFree'), SwapTotal: kib('SwapTotal'), SwapFree: kib('SwapFree') };
}

function residentBytes(pid: number): number | undefined {
  try {
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

/** `12.3M`: what Fluent Bit means `proc_hr` to be (its own source emits a pointer instead). */
function humanReadable(bytes: number): string {
  const units = ['b', 'K', 'M', 'G', 'T'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value}b` : `${value.toFixed(1)}${units[unit]}`;
}
