// The ProtoBuf:1 test kit against the real thing: a go-pdk v0.11.2 plugin executable
// (fixtures/go-pdk/go-greet), started and driven over its own socket as Kong 3.9 drives it.
import { buildGoPdkPlugin, hasGo } from '@tributary/native-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKong, type ProtobufFakeKong } from '../src/testing/index.js';

describe.runIf(hasGo())('ProtobufFakeKong against a go-pdk v0.11.2 plugin', () => {
  let kong: ProtobufFakeKong;
  beforeAll(async () => {
    kong = await FakeKong.protobuf(buildGoPdkPlugin('go-greet'), { readTimeoutMs: 10_000 });
  }, 300_000);
  afterAll(() => kong?.close());

  it("reads the plugin's -dump (ProtoBuf:1, phases, schema) and starts it on <prefix>/<name>.socket", () => {
    const dump = kong.started!.dump;
    expect(dump.Protocol).toBe('ProtoBuf:1');
    expect(dump.Plugins.map((plugin) => [plugin.Name, plugin.Phases, plugin.Version, plugin.Priority])).toEqual([['go-greet', ['access', 'log'], '0.2.0', 7]]);
  });

  it("runs a request: the plugin's PDK calls arrive with Kong's conversions and get Kong's replies", async () => {
    const run = await kong.runRequest({
      plugin: 'go-greet',
      config: { message: 'hello' },
      answers: { 'kong.request.get_header': (name: string) => (name === 'host' ? 'example.org' : undefined), 'kong.response.get_status': 201 },
    });
    expect(run.errors).toEqual([]);
    expect(run.phases.map((phase) => [phase.phase, phase.calls.map((call) => [call.method, call.args])])).toEqual([
      ['access', [['kong.request.get_header', ['host']], ['kong.response.set_header', ['x-greeting', 'hello, example.org']], ['kong.ctx.shared.set', ['greeting', 'hello']]]],
      ['log', [['kong.response.get_status', []], ['kong.log.info', ['status ', 201]]]],
    ]);
    // The instance id is Kong's __seq__ (go-pdk uses it when it is not 0), and its status answers.
    expect(await kong.instanceStatus(run.instanceId)).toMatchObject({ name: '---', instanceId: run.instanceId });
    expect(kong.violations).toEqual([]);
  });

  it('records kong.response.exit (status, bytes, multi-value headers), never answers it, and still runs log', async () => {
    const run = await kong.runRequest({
      plugin: 'go-greet',
      config: { message: 'no', deny: true },
      answers: { 'kong.request.get_header': 'h', 'kong.request.get_headers': { host: 'h', 'x-multi': ['a', 'b'] }, 'kong.response.get_status': 403 },
    });
    const [access, log] = run.phases;
    expect(access!.calls.map((call) => call.method)).toEqual(['kong.request.get_header', 'kong.request.get_headers', 'kong.log.warn', 'kong.response.exit']);
    expect(access!.calls[1]!.args).toEqual([100]); // go-pdk sends -1 as 100
    expect(access!.calls[2]!.args).toEqual(['denied', 2, true]);
    expect(access!.exit!.args).toEqual([403, Buffer.from('denied\xff', 'latin1'), { 'x-reason': ['deny', 'config'] }]);
    expect(log!.calls.map((call) => call.method)).toEqual(['kong.response.get_status', 'kong.log.info']);
  });

  it('sees the server close the connection for an unknown instance, as go-pdk signals every error', async () => {
    await expect(kong.runPhase(999_999, 'access')).rejects.toThrow('closed');
    expect(kong.started!.stderr.join('\n')).toContain('no plugin instance 999999');
  });
});
