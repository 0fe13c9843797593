import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { silentLogger, TributaryError } from '@tributary/base';
import { loadPipelineConfig, parseCommandLine } from '@tributary/config';
import type { FlushResult } from '@tributary/core';
import { collectingOutput, manualInput } from '@tributary/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipeline } from './pipeline-runtime.js';
import { createRegistry } from './plugin-catalog.js';
import { humanReadableSize } from './storage-metrics.js';

const servers: Server[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve)))));

function occupiedPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function pipelineOf(args: string[], implicit = false) {
  const input = manualInput('probe');
  const output = collectingOutput([], 'sink');
  const registry = createRegistry({ inputs: implicit ? [] : [input.plugin], outputs: [output.plugin] });
  const config = loadPipelineConfig(parseCommandLine(args));
  const implicitInputs = implicit ? [{ plugin: input.plugin, tag: 'probe.default' }] : [];
  return { input, output, pipeline: createPipeline(config, { registry, logger: silentLogger, version: '9.9.9', implicitInputs }) };
}

async function firstTag(args: string[]): Promise<string> {
  const { input, output, pipeline } = pipelineOf(args, true);
  await using running = pipeline;
  await running.start();
  input.append({ n: 1 });
  while (output.flushes.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  return output.flushes[0]!.tag;
}

describe('createPipeline', () => {
  it('reports a monitoring port in use before any input runs, naming the keys to change', async () => {
    const port = await occupiedPort();
    const { input, pipeline } = pipelineOf(['-i', 'probe', '-o', 'sink', '-H', '-L', '127.0.0.1', '-P', String(port)]);
    const error = await pipeline.start().then(() => undefined, (thrown: unknown) => thrown);
    expect(TributaryError.isInstance(error) && error.code).toBe('HTTP_SERVER');
    expect((error as Error).message).toMatch(new RegExp(`^cannot start the HTTP server on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*Change HTTP_Port \\(-P\\) or HTTP_Listen \\(-L\\)\\.$`));
    expect(input.state.context).toBeUndefined();
    expect(pipeline.engine.state).toBe('stopped');
  });

  it('serves the monitoring API with the version it was given, and disposes of everything', async () => {
    const { input, output, pipeline } = pipelineOf(['-i', 'probe', '-o', 'sink', '-H', '-L', '127.0.0.1', '-P', '0', '-f', '0.05']);
    {
      await using running = pipeline;
      await running.start();
      input.append({ n: 1 });
      while (output.flushes.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const root = await (await fetch(`http://127.0.0.1:${running.httpPort}/`)).json();
      expect(root).toEqual({ 'fluent-bit': { version: '9.9.9', edition: 'Tributary', flags: ['FLB_HAVE_PROXY_GO'] } });
      const metrics = await (await fetch(`http://127.0.0.1:${running.httpPort}/api/v1/metrics`)).json();
      expect(metrics).toMatchObject({ output: { 'sink.0': { proc_records: 1 } } });
    }
    expect(pipeline.engine.state).toBe('stopped');
    expect(output.calls).toEqual(['preExit', 'exit']);
  });

  it('serves /api/v1/storage as Fluent Bit shapes it: filesystem chunks, the busy one in a flush, the open one', async () => {
    const input = manualInput('probe');
    let finish!: (result: FlushResult) => void;
    const output = collectingOutput([new Promise<FlushResult>((resolve) => (finish = resolve))], 'sink');
    const registry = createRegistry({ inputs: [input.plugin], outputs: [output.plugin] });
    const dir = mkdtempSync(join(tmpdir(), 'tributary-storage-api-'));
    const args = ['-b', dir, '-i', 'probe', '-p', 'storage.type=filesystem', '-p', 'mem_buf_limit=64M', '-o', 'sink', '-H', '-L', '127.0.0.1', '-P', '0', '-f', '0.05'];
    const pipeline = createPipeline(loadPipelineConfig(parseCommandLine(args)), { registry, logger: silentLogger, version: '9.9.9' });
    await using running = pipeline;
    await running.start();
    const get = async (path: string) => (await fetch(`http://127.0.0.1:${running.httpPort}${path}`)).json();
    for (let n = 0; n < 3; n++) input.append({ n });
    while (output.flushes.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    input.append({ n: 3 });
    const busyBytes = output.flushes[0]!.data.length;
    const allBytes = ((await get('/api/v1/metrics')) as { input: Record<string, { bytes: number }> }).input['probe.0']!.bytes;
    const storage = await get('/api/v1/storage');
    finish('ok');
    expect(storage).toEqual({
      storage_layer: { chunks: { total_chunks: 2, mem_chunks: 0, fs_chunks: 2, fs_chunks_up: 2, fs_chunks_down: 0 } },
      input_chunks: {
        'probe.0': {
          status: { overlimit: false, mem_size: humanReadableSize(allBytes), mem_limit: '61.0M' }, // 64M is 64,000,000 bytes, as in Fluent Bit's own dump
          chunks: { total: 2, up: 2, down: 0, busy: 1, busy_size: `${busyBytes}b` },
        },
      },
    });
  });

  it('answers /api/v1/storage with 404 under storage.metrics off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-storage-api-'));
    const file = join(dir, 'agent.conf');
    writeFileSync(file, '[SERVICE]\n    HTTP_Server On\n    HTTP_Listen 127.0.0.1\n    HTTP_Port 0\n    storage.metrics off\n[INPUT]\n    Name probe\n[OUTPUT]\n    Name sink\n');
    const input = manualInput('probe');
    const output = collectingOutput([], 'sink');
    const registry = createRegistry({ inputs: [input.plugin], outputs: [output.plugin] });
    await using running = createPipeline(loadPipelineConfig(parseCommandLine(['-c', file])), { registry, logger: silentLogger, version: '9.9.9' });
    await running.start();
    expect((await fetch(`http://127.0.0.1:${running.httpPort}/api/v1/storage`)).status).toBe(404);
  });

  it("runs an application's implicit input with its default tag, or as the config's section of it says", async () => {
    expect(await firstTag(['-o', 'sink', '-m', '*', '-f', '0.05'])).toBe('probe.default');
    expect(await firstTag(['-i', 'probe', '-t', 'from.config', '-o', 'sink', '-m', '*', '-f', '0.05'])).toBe('from.config');
  });
});
