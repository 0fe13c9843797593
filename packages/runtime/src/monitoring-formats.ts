import type { InstanceMetrics } from '@tributary/core';

/** The counters the monitoring API reports, per input and output instance. */
export interface EngineMetrics {
  inputs: InstanceMetrics[];
  outputs: InstanceMetrics[];
}

/** `/api/v1/metrics` as Fluent Bit shapes it. */
export function metricsJson(metrics: EngineMetrics) {
  return {
    input: Object.fromEntries(metrics.inputs.map((m) => [m.name, { records: m.records, bytes: m.bytes, ...(m.restarts > 0 ? { tributary_restarts: m.restarts } : {}) }])),
    filter: {},
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

/** `/api/v1/metrics/prometheus`: one counter family per metric, labelled by instance name. */
export function prometheusText(metrics: EngineMetrics): string {
  const lines: string[] = [];
  for (const [kind, name, help, value] of PROMETHEUS) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
    for (const instance of kind === 'input' ? metrics.inputs : metrics.outputs) {
      lines.push(`${name}{name="${instance.name.replace(/["\\\n]/g, '_')}"} ${value(instance)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
