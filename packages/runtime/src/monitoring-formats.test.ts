import { createMetrics } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { prometheusText } from './monitoring-formats.js';

describe('prometheusText', () => {
  it("reports memrb's dropped chunks and bytes for memrb inputs only, as Fluent Bit creates them", () => {
    const ring = { ...createMetrics('dummy.0'), memrbDroppedChunks: 3, memrbDroppedBytes: 6_144_000 };
    const plain = createMetrics('tail.1');
    const text = prometheusText({ inputs: [ring, plain], outputs: [] });
    expect(text).toContain('# TYPE fluentbit_input_memrb_dropped_chunks counter\nfluentbit_input_memrb_dropped_chunks{name="dummy.0"} 3\n');
    expect(text).toContain('fluentbit_input_memrb_dropped_bytes{name="dummy.0"} 6144000\n');
    expect(text).not.toMatch(/memrb_dropped_\w+\{name="tail\.1"\}/);
    expect(prometheusText({ inputs: [plain], outputs: [] })).not.toContain('memrb');
  });
});
