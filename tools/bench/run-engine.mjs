// The measuring loop the pipeline benchmarks share: start an engine, run it for `seconds`
// while watching event-loop delay, read the first output's counters, then stop it.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Runs `engine` for `seconds` and returns what its first output delivered in that time. */
export async function runEngineFor(engine, seconds) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  await engine.start();
  delay.enable();
  const started = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  delay.disable();
  const output = engine.metrics().outputs[0];
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  await engine.stop();
  return {
    seconds: Number(elapsed.toFixed(2)),
    records: output.procRecords,
    recordsPerSec: Math.round(output.procRecords / elapsed),
    mbPerSec: Number((output.procBytes / elapsed / 1e6).toFixed(1)),
    peakRssMb: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
    eventLoopDelayP99Ms: Number((delay.percentile(99) / 1e6).toFixed(2)),
  };
}
