import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { defineInput } from '@tributary/core';
import { Float64 } from '@tributary/msgpack';
import { collectInterval } from './collect-interval.js';

/** Clock ticks per second of /proc counters (USER_HZ, fixed at 100 on Linux). */
const CLOCK_TICKS = 100;

/** user+nice, system counters of one CPU line. */
interface CpuTimes {
  user: number;
  system: number;
}

/**
 * Fluent Bit's `cpu` input: CPU usage in percent from /proc/stat every interval, overall
 * (`cpu_p`, `user_p`, `system_p`, normalised by the number of CPUs) and per CPU
 * (`cpuN.p_cpu` ...), or for one process with `pid`. Every value is a float64, as Fluent Bit packs it.
 */
export const cpuInput = defineInput({
  name: 'cpu',
  description: 'CPU Usage',
  configMap: {
    interval_sec: { type: 'int', default: '1', description: 'Seconds between samples' },
    interval_nsec: { type: 'int', default: '0', description: 'Nanoseconds between samples' },
    pid: { type: 'int', default: '-1', description: 'Measure only this process' },
  },
  init(ctx) {
    const interval = collectInterval(ctx.config);
    const cpuCount = cpus().length;
    const pid = ctx.config.pid;

    if (pid > 0) {
      let previous = readProcess(pid);
      ctx.collectEvery(interval * 1000, () => {
        const now = readProcess(pid);
        const user = percent(now.user - previous.user, interval) / cpuCount;
        const system = percent(now.system - previous.system, interval) / cpuCount;
        previous = now;
        ctx.append({ cpu_p: new Float64(user + system), user_p: new Float64(user), system_p: new Float64(system) });
      });
      return {};
    }

    let previous = readStat(cpuCount);
    ctx.collectEvery(interval * 1000, () => {
      const now = readStat(cpuCount);
      const record: Record<string, Float64> = {};
      const total = diff(now[0]!, previous[0]!);
      record.cpu_p = new Float64(percent(total.user + total.system, interval) / cpuCount);
      record.user_p = new Float64(percent(total.user, interval) / cpuCount);
      record.system_p = new Float64(percent(total.system, interval) / cpuCount);
      for (let i = 0; i < cpuCount; i++) {
        const d = diff(now[i + 1] ?? zero, previous[i + 1] ?? zero);
        record[`cpu${i}.p_cpu`] = new Float64(percent(d.user + d.system, interval));
        record[`cpu${i}.p_user`] = new Float64(percent(d.user, interval));
        record[`cpu${i}.p_system`] = new Float64(percent(d.system, interval));
      }
      previous = now;
      ctx.append(record);
    });
    return {};
  },
});

const zero: CpuTimes = { user: 0, system: 0 };

function percent(ticks: number, interval: number): number {
  return (ticks * 100) / CLOCK_TICKS / interval;
}

function diff(now: CpuTimes, before: CpuTimes): CpuTimes {
  return { user: Math.abs(now.user - before.user), system: Math.abs(now.system - before.system) };
}

/** The aggregate line then one line per CPU: user+nice and system ticks. */
function readStat(cpuCount: number): CpuTimes[] {
  const lines = readFileSync('/proc/stat', 'latin1').split('\n');
  const result: CpuTimes[] = [];
  for (const line of lines) {
    if (!line.startsWith('cpu')) continue;
    const fields = line.trim().split(/\s+/);
    result.push({ user: Number(fields[1]) + Number(fields[2]), system: Number(fields[3]) });
    if (result.length > cpuCount) break;
  }
  return result;
}

/** utime and stime (fields 14 and 15) of /proc/<pid>/stat; the command name may hold spaces. */
function readProcess(pid: number): CpuTimes {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]), system: Number(fields[12]) };
}
