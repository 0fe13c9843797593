// The load loop the Kong benchmarks share: every connection runs one event at a time for the
// given seconds after a 1 s warm-up, each event checked to make the expected PDK calls; what
// the warm-up did is not counted.

/** Events driven and their latencies (ms): `percentile(0.99)` is the p99. */
export interface EventLoad {
  readonly events: number;
  percentile(q: number): number;
}

export async function driveEvents<C>(
  connections: readonly C[],
  event: (connection: C) => Promise<number>,
  options: { readonly name: string; readonly seconds: number; readonly calls: number; readonly pauseMs?: number },
): Promise<EventLoad> {
  const latencies: number[] = [];
  const warmUntil = Date.now() + 1000;
  const until = warmUntil + options.seconds * 1000;
  let events = 0;
  const worker = async (connection: C) => {
    while (Date.now() < until) {
      const start = process.hrtime.bigint();
      const calls = await event(connection);
      if (calls !== options.calls) throw new Error(`${options.name}: expected ${options.calls} PDK calls, got ${calls}`);
      if (Date.now() >= warmUntil) {
        latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
        events++;
      }
      if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  await Promise.all(connections.map(worker));
  latencies.sort((a, b) => a - b);
  return {
    events,
    percentile: (q) => Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(3)),
  };
}
