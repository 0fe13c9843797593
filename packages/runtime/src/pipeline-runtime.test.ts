import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { silentLogger, TributaryError } from '@tributary/base';
import { loadPipelineConfig, parseCommandLine } from '@tributary/config';
import { collectingOutput, manualInput } from '@tributary/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipeline } from './pipeline-runtime.js';
import { createRegistry } from './plugin-catalog.js';

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

  it("runs an application's implicit input with its default tag, or as the config's section of it says", async () => {
    expect(await firstTag(['-o', 'sink', '-m', '*', '-f', '0.05'])).toBe('probe.default');
    expect(await firstTag(['-i', 'probe', '-t', 'from.config', '-o', 'sink', '-m', '*', '-f', '0.05'])).toBe('from.config');
  });
});
