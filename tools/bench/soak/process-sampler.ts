import { readdirSync, readFileSync } from 'node:fs';

/** One reading of a process: resident memory, open file descriptors and threads. */
export interface ProcessSample {
  readonly atSec: number;
  readonly rssMb: number;
  readonly fds: number;
  readonly threads: number;
}

/** Reads `/proc/<pid>` now. */
export function sampleProcess(pid: number, startedAt: number): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)![1]);
  return {
    atSec: Math.round((Date.now() - startedAt) / 1000),
    rssMb: Number((field('VmRSS') / 1024).toFixed(1)),
    fds: readdirSync(`/proc/${pid}/fd`).length,
    threads: field('Threads'),
  };
}

/** Least-squares slope of `value` over `atSec`, per minute. */
export function slopePerMinute(samples: readonly ProcessSample[], value: (sample: ProcessSample) => number): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanX = samples.reduce((sum, s) => sum + s.atSec, 0) / n;
  const meanY = samples.reduce((sum, s) => sum + value(s), 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const sample of samples) {
    numerator += (sample.atSec - meanX) * (value(sample) - meanY);
    denominator += (sample.atSec - meanX) ** 2;
  }
  return (numerator / denominator) * 60;
}

/** What a soak run reports: the samples' range and slopes after the warm-up. */
export function summarise(samples: readonly ProcessSample[], warmUpSec: number) {
  const steady = samples.filter((sample) => sample.atSec >= warmUpSec);
  const range = (value: (sample: ProcessSample) => number) => [Math.min(...steady.map(value)), Math.max(...steady.map(value))];
  return {
    samples: steady.length,
    rssMbRange: range((s) => s.rssMb),
    rssMbPerMinute: Number(slopePerMinute(steady, (s) => s.rssMb).toFixed(3)),
    fdsRange: range((s) => s.fds),
    threadsRange: range((s) => s.threads),
  };
}
