/** `interval_sec` + `interval_nsec` in seconds, as Fluent Bit's collectors read them: both ≤ 0 means 1 s. */
export function collectInterval(config: { interval_sec: number; interval_nsec: number }): number {
  const { interval_sec: sec, interval_nsec: nsec } = config;
  return sec <= 0 && nsec <= 0 ? 1 : sec + nsec / 1e9;
}
