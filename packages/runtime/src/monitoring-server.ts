import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@tributary/base';
import { metricsJson, prometheusText, type EngineMetrics } from './monitoring-formats.js';

/** What the monitoring API reports on. */
export interface MonitoredEngine {
  metrics(): EngineMetrics;
  /** What is unhealthy right now (empty when all is well). */
  health?(): string[];
}

/** A listening monitoring server. */
export interface MonitoringServer extends AsyncDisposable {
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
      case '/api/v1/health': {
        const problems = engine.health?.() ?? [];
        response.writeHead(problems.length === 0 ? 200 : 500, { 'content-type': 'text/plain' });
        return response.end(problems.length === 0 ? 'ok\n' : `error\n${problems.join('\n')}\n`);
      }
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
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { port, close, [Symbol.asyncDispose]: close };
}

function uptimeText(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `Fluent Bit has been running:  ${d} day, ${h} hour, ${m} minute and ${seconds % 60} seconds`;
}
