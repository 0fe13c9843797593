import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@tributary/base';
import type { InputStorageStatus } from '@tributary/core';
import { metricsJson, prometheusText, type EngineMetrics } from './monitoring-formats.js';
import { storageMetricsJson } from './storage-metrics.js';

/** What the monitoring API reports on. */
export interface MonitoredEngine {
  metrics(): EngineMetrics;
  /** What is unhealthy right now (empty when all is well). */
  health?(): string[];
  /** Every input's chunks, for `/api/v1/storage`. */
  storageStatus?(): InputStorageStatus[];
}

/** Fluent Bit's hot reload as `/api/v2/reload` sees it. */
export interface HotReloadControl {
  /** `Hot_Reload On` (or `-Y`) in the running configuration. */
  readonly enabled: boolean;
  readonly inProgress: boolean;
  /** Reloads completed since start (`hot_reload_count`). */
  readonly count: number;
  /** Asks for a reload, as SIGHUP does. */
  request(): void;
}

/** A listening monitoring server. */
export interface MonitoringServer extends AsyncDisposable {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Fluent Bit's monitoring API (`HTTP_Server On`): `/` (build info), `/api/v1/uptime`,
 * `/api/v1/health`, `/api/v1/metrics` (JSON, Fluent Bit's keys) and
 * `/api/v1/metrics/prometheus` (text exposition format, Fluent Bit's metric names),
 * `/api/v1/storage` (chunks per input, unless `storage.metrics off`; computed when asked, where
 * Fluent Bit serves what it gathered up to 5 s before and 404 until it first has), and
 * `/api/v2/reload`: GET the `hot_reload_count`, PUT or POST to reload as SIGHUP does.
 */
export async function startMonitoringServer(
  engine: MonitoredEngine,
  options: { listen: string; port: number; version: string; log: Logger; hotReload?: HotReloadControl | undefined; storageMetrics?: boolean },
): Promise<MonitoringServer> {
  const started = Date.now();
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const json = (body: unknown) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (path === '/api/v2/reload') return reloadEndpoint(request.method ?? 'GET', options.hotReload, response);
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
      case '/api/v1/storage':
        if (options.storageMetrics === false || engine.storageStatus === undefined) break;
        return json(storageMetricsJson(engine.storageStatus()));
      case '/api/v1/metrics/prometheus':
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        return response.end(prometheusText(engine.metrics()));
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: `no such endpoint: ${path}` }));
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

/** `/api/v2/reload` as Fluent Bit answers it (`src/http_server/api/v2/reload.c`). */
function reloadEndpoint(method: string, reload: HotReloadControl | undefined, response: ServerResponse): void {
  const reply = (status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (method === 'GET') return reply(200, { hot_reload_count: reload?.count ?? 0 });
  if (method !== 'PUT' && method !== 'POST') {
    response.writeHead(405, { allow: 'GET, PUT, POST' });
    return void response.end();
  }
  if (reload === undefined || !reload.enabled) return reply(200, { reload: 'not enabled', status: -1 });
  if (reload.inProgress) return reply(400, { reload: 'in progress', status: -2 });
  reload.request();
  return reply(200, { reload: 'done', status: 0 });
}
