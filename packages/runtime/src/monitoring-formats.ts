import type { FilterMetrics, InstanceMetrics } from '@tributary/core';

/** The counters the monitoring API reports, per input, filter and output instance. */
export interface EngineMetrics {
  inputs: InstanceMetrics[];
  filters?: FilterMetrics[];
  outputs: InstanceMetrics[];
}

/** `/api/v1/metrics` as Fluent Bit shapes it. */
export function metricsJson(metrics: EngineMetrics) {
  return {
    input: Object.fromEntries(metrics.inputs.map((m) => [m.name, { records: m.records, bytes: m.bytes, ...(m.restarts > 0 ? { tributary_restarts: m.restarts } : {}) }])),
    filter: Object.fromEntries(
      (metrics.filters ?? []).map((m) => [
        m.name,
        { drop_records: m.dropRecords, add_records: m.addRecords, records: m.records, bytes: m.bytes, drop_bytes: m.dropBytes, ...(m.errors > 0 ? { tributary_errors: m.errors } : {}) },
      ]),
    ),
    output: Object.fromEntries(
      metrics.outputs.map((m) => [
        m.name,
        {
          proc_records: m.procRecords,
          proc_bytes: m.procBytes,
          errors: m.errors,
          retries: m.retries,
          retries_failed: m.retriesFailed,
          dropped_records: m.droppedRecords,
          retried_records: m.retriedRecords,
          ...(m.restarts > 0 ? { tributary_restarts: m.restarts } : {}),
        },
      ]),
    ),
  };
}

const PROMETHEUS: ReadonlyArray<readonly [kind: 'input' | 'output', name: string, help: string, value: (m: InstanceMetrics) => number]> = [
  ['input', 'fluentbit_input_records_total', 'Number of input records.', (m) => m.records],
  ['input', 'fluentbit_input_bytes_total', 'Number of input bytes.', (m) => m.bytes],
  ['input', 'tributary_input_restarts_total', 'Number of restarts of the plugin host process (tributary.isolation process).', (m) => m.restarts],
  ['output', 'fluentbit_output_proc_records_total', 'Number of processed output records.', (m) => m.procRecords],
  ['output', 'fluentbit_output_proc_bytes_total', 'Number of processed output bytes.', (m) => m.procBytes],
  ['output', 'fluentbit_output_errors_total', 'Number of output errors.', (m) => m.errors],
  ['output', 'fluentbit_output_retries_total', 'Number of output retries.', (m) => m.retries],
  ['output', 'fluentbit_output_retries_failed_total', 'Number of abandoned batches because the maximum number of re-tries was reached.', (m) => m.retriesFailed],
  ['output', 'fluentbit_output_dropped_records_total', 'Number of dropped records.', (m) => m.droppedRecords],
  ['output', 'fluentbit_output_retried_records_total', 'Number of retried records.', (m) => m.retriedRecords],
  ['output', 'tributary_output_restarts_total', 'Number of restarts of the plugin host process (tributary.isolation process).', (m) => m.restarts],
];

const PROMETHEUS_FILTER: ReadonlyArray<readonly [name: string, help: string, value: (m: FilterMetrics) => number]> = [
  ['fluentbit_filter_records_total', 'Total number of new records processed.', (m) => m.records],
  ['fluentbit_filter_bytes_total', 'Total number of new bytes processed.', (m) => m.bytes],
  ['fluentbit_filter_add_records_total', 'Total number of new added records.', (m) => m.addRecords],
  ['fluentbit_filter_drop_records_total', 'Total number of dropped records.', (m) => m.dropRecords],
  ['fluentbit_filter_drop_bytes_total', 'Total number of dropped bytes.', (m) => m.dropBytes],
  ['tributary_filter_errors_total', 'Number of filter calls that failed (the record was kept as it was).', (m) => m.errors],
];

/** `/api/v1/metrics/prometheus`: one counter family per metric, labelled by instance name. */
export function prometheusText(metrics: EngineMetrics): string {
  const lines: string[] = [];
  const family = <M extends { name: string }>(name: string, help: string, instances: readonly M[], value: (m: M) => number) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
    for (const instance of instances) lines.push(`${name}{name="${instance.name.replace(/["\\\n]/g, '_')}"} ${value(instance)}`);
  };
  for (const [kind, name, help, value] of PROMETHEUS) family(name, help, kind === 'input' ? metrics.inputs : metrics.outputs, value);
  for (const [name, help, value] of PROMETHEUS_FILTER) family(name, help, metrics.filters ?? [], value);
  // Fluent Bit creates these for memrb inputs only.
  const ringBuffers = metrics.inputs.filter((m) => m.memrbDroppedChunks !== undefined);
  if (ringBuffers.length > 0) {
    family('fluentbit_input_memrb_dropped_chunks', 'Number of memrb dropped chunks.', ringBuffers, (m) => m.memrbDroppedChunks!);
    family('fluentbit_input_memrb_dropped_bytes', 'Number of memrb dropped bytes.', ringBuffers, (m) => m.memrbDroppedBytes!);
  }
  return `${lines.join('\n')}\n`;
}
