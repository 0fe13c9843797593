import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InstanceMetrics, Logger } from '@tributary/core';

/** What the monitoring API reports on. */
export interface MonitoredEngine {
  metrics(): { inputs: InstanceMetrics[]; outputs: InstanceMetrics[] };
}

/** A listening monitoring server. */
export interface MonitoringServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Fluent Bit's monitoring API (`HTTP_Server On`): `/` (build info), `/api/v1/uptime`,
 * `/api/v1/health`, `/api/v1/metrics` (JSON, Fluent Bit's keys) and
 * `/api/v1/metrics/prometheus` (text exposition format, Fluent Bit's metric names).
 */
export async function startMonitoringServer(
  engine: MonitoredEngine,
  options: { listen: string; port: number; version: string; log: Logger },
): Promise<MonitoringServer> {
  const started = Date.now();
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const json = (body: unknown) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' });
      return response.end();
    }
    switch (path) {
      case '/':
        return json({ 'fluent-bit': { version: options.version, edition: 'Tributary', flags: ['FLB_HAVE_PROXY_GO'] } });
      case '/api/v1/uptime': {
        const seconds = Math.floor((Date.now() - started) / 1000);
        return json({ uptime_sec: seconds, uptime_hr: uptimeText(seconds) });
      }
      case '/api/v1/health':
        response.writeHead(200, { 'content-type': 'text/plain' });
        return response.end('ok\n');
      case '/api/v1/metrics':
        return json(metricsJson(engine.metrics()));
      case '/api/v1/metrics/prometheus':
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        return response.end(prometheusText(engine.metrics()));
      default:
        response.writeHead(404, { 'content-type': 'application/json' });
        return response.end(JSON.stringify({ error: `no such endpoint: ${path}` }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.listen, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.log.info(`[http_server] listen iface=${options.listen} tcp_port=${port}`);
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function uptimeText(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `Fluent Bit has been running:  ${d} day, ${h} hour, ${m} minute and ${seconds % 60} seconds`;
}

/** `/api/v1/metrics` as Fluent Bit shapes it. */
export function metricsJson(metrics: { inputs: InstanceMetrics[]; outputs: InstanceMetrics[] }) {
  return {
    input: Object.fromEntries(metrics.inputs.map((m) => [m.name, { records: m.records, bytes: m.bytes }])),
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
        },
      ]),
    ),
  };
}

const PROMETHEUS: ReadonlyArray<readonly [kind: 'input' | 'output', name: string, help: string, value: (m: InstanceMetrics) => number]> = [
  ['input', 'fluentbit_input_records_total', 'Number of input records.', (m) => m.records],
  ['input', 'fluentbit_input_bytes_total', 'Number of input bytes.', (m) => m.bytes],
  ['output', 'fluentbit_output_proc_records_total', 'Number of processed output records.', (m) => m.procRecords],
  ['output', 'fluentbit_output_proc_bytes_total', 'Number of processed output bytes.', (m) => m.procBytes],
  ['output', 'fluentbit_output_errors_total', 'Number of output errors.', (m) => m.errors],
  ['output', 'fluentbit_output_retries_total', 'Number of output retries.', (m) => m.retries],
  ['output', 'fluentbit_output_retries_failed_total', 'Number of abandoned batches because the maximum number of re-tries was reached.', (m) => m.retriesFailed],
  ['output', 'fluentbit_output_dropped_records_total', 'Number of dropped records.', (m) => m.droppedRecords],
  ['output', 'fluentbit_output_retried_records_total', 'Number of retried records.', (m) => m.retriedRecords],
];

/** `/api/v1/metrics/prometheus`: one counter family per metric, labelled by instance name. */
export function prometheusText(metrics: { inputs: InstanceMetrics[]; outputs: InstanceMetrics[] }): string {
  const lines: string[] = [];
  for (const [kind, name, help, value] of PROMETHEUS) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
    for (const instance of kind === 'input' ? metrics.inputs : metrics.outputs) {
      lines.push(`${name}{name="${instance.name.replace(/["\\\n]/g, '_')}"} ${value(instance)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
