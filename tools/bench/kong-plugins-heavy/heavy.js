'use strict';
// The CPU-heavy benchmark plugin: ~100 µs (BENCH_HEAVY_US) of work per access event between two PDK calls.
class Plugin {
  async access(kong) {
    const host = await kong.request.getHeader('host');
    const until = process.hrtime.bigint() + BigInt(Number(process.env.BENCH_HEAVY_US ?? 100) * 1000);
    let x = 0;
    while (process.hrtime.bigint() < until) x++;
    await kong.response.setHeader('x-heavy', `${host}:${x > 0}`);
  }
}

module.exports = { Plugin, Schema: [], Version: '1.0.0', Priority: 0 };
