import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPipelineConfig } from './build-pipeline.js';
import { parseClassicConfig } from './classic-reader.js';
import { parseCommandLine } from './command-line.js';
import { loadPipelineConfig } from './load-pipeline.js';

function build(text: string, env: Record<string, string> = {}) {
  const raw = parseClassicConfig(text, 'p.conf');
  return buildPipelineConfig(raw.sections, { variables: raw.variables, env });
}

describe('buildPipelineConfig', () => {
  it('types [SERVICE] with Fluent Bit defaults', () => {
    const config = build('[SERVICE]\n    Flush 0.5\n    Log_Level warning\n    scheduler.base 3\n    Unknown x\n');
    expect(config.service).toMatchObject({ flush: 0.5, grace: 5, logLevel: 'warn', schedulerBase: 3, schedulerCap: 2000 });
    expect(config.service.other.map((p) => p.key)).toEqual(['unknown']);
    expect(config.service.multilineBufferLimit).toBe(2_000_000);
    expect(build('[SERVICE]\n    multiline_buffer_limit 512K\n').service.multilineBufferLimit).toBe(512_000);
  });

  it('reads storage.* into one storage setting once storage.path is set, as Fluent Bit', () => {
    const config = build('[SERVICE]\n    storage.path /var/lib/tb\n    storage.sync full\n    storage.checksum on\n    storage.backlog.mem_limit 10M\n    storage.max_chunks_up 64\n');
    expect(config.service.storage).toEqual({ path: '/var/lib/tb', fullSync: true, checksum: true, backlogMemLimit: 10_000_000, deleteIrrecoverable: false, maxChunksUp: 64, keepRejected: false, rejectedPath: 'rejected', rejectedLimit: undefined });
    expect(config.service.other).toEqual([]);
    expect(build('[SERVICE]\n    storage.path /x\n    storage.max_chunks_up 0\n').service.storage?.maxChunksUp).toBe(128);
    const noPath = build('[SERVICE]\n    storage.checksum on\n');
    expect(noPath.service.storage).toBeUndefined();
    expect(noPath.warnings).toContain('[SERVICE] storage.* keys are set but storage.path is not: filesystem buffering is off, as in Fluent Bit');
    expect(() => build('[SERVICE]\n    storage.sync always\n')).toThrow("p.conf:2: invalid value for 'storage.sync': expected normal or full, for example 'storage.sync normal', but got 'always'.");
  });

  it('storage.inherit on gives inputs without their own storage.type the service one, as Fluent Bit', () => {
    const config = build('[SERVICE]\n    storage.path /x\n    storage.type filesystem\n    storage.inherit on\n[INPUT]\n    Name dummy\n[INPUT]\n    Name cpu\n    storage.type memrb\n');
    expect(config.inputs.map((input) => input.coreProperties.find((p) => p.key === 'storage.type')?.value)).toEqual(['filesystem', 'memrb']);
    expect(build('[SERVICE]\n    storage.type filesystem\n[INPUT]\n    Name dummy\n').inputs[0]!.coreProperties).toEqual([]);
    expect(build('[SERVICE]\n    storage.inherit on\n[INPUT]\n    Name dummy\n').warnings).toContain("p.conf:3: [storage] input 'dummy': storage inheritance enabled but no global storage type configured, using default 'memory'");
  });

  it('separates core keys from plugin properties', () => {
    const config = build(
      [
        '[INPUT]',
        '    Name dummy',
        '    Tag my.tag',
        '    Mem_Buf_Limit 5MB',
        '    Rate 10',
        '    Alias gen',
        '[OUTPUT]',
        '    Name gstdout',
        '    Match my.*',
        '    Retry_Limit no_limits',
        '    Workers 2',
        '    tls on',
        '    Host example.org',
        '    Id 7',
      ].join('\n'),
    );
    expect(config.inputs[0]).toMatchObject({ name: 'dummy', tag: 'my.tag', memBufLimit: 5_000_000, alias: 'gen' });
    expect(config.inputs[0]!.properties.map((p) => [p.key, p.value])).toEqual([['rate', '10']]);
    expect(config.outputs[0]).toMatchObject({ name: 'gstdout', match: 'my.*', retryLimit: -1, workers: 2 });
    expect(config.outputs[0]!.properties.map((p) => p.key)).toEqual(['id']);
    expect(config.outputs[0]!.coreProperties.map((p) => p.key)).toEqual(['tls', 'host']);
  });

  it.each([
    ['no_retries', 0],
    ['False', -1],
    ['off', -1],
    ['3', 3],
    ['0', 1],
    ['garbage', 1],
  ])('reads Retry_Limit %s as %d', (value, expected) => {
    expect(build(`[OUTPUT]\n    Name null\n    Retry_Limit ${value}\n`).outputs[0]!.retryLimit).toBe(expected);
  });

  it('expands @SET variables, the environment and defaults, and warns about unset ones', () => {
    const config = build('@SET tag=from_set\n[INPUT]\n    Name dummy\n    Tag ${tag}\n    Dummy {"u": "${USER_X}", "d": "${NOPE:-fallback}", "m": "${MISSING}"}\n', {
      USER_X: 'alice',
    });
    expect(config.inputs[0]!.tag).toBe('from_set');
    expect(config.inputs[0]!.properties[0]!.value).toBe('{"u": "alice", "d": "fallback", "m": ""}');
    expect(config.warnings).toEqual(['variable ${MISSING} is used but not set']);
  });

  it('lets FLB_LOG_LEVEL win over Log_Level', () => {
    expect(build('[SERVICE]\n    Log_Level debug\n', { FLB_LOG_LEVEL: 'error' }).service.logLevel).toBe('error');
  });

  it('keeps every key of a [CUSTOM] as a property of the plugin', () => {
    const config = build('[CUSTOM]\n    Name gcustom\n    Alias mine\n    Marker_File /tmp/m\n    greeting hi\n');
    expect(config.customs).toMatchObject([{ name: 'gcustom', alias: 'mine', properties: [{ key: 'marker_file', value: '/tmp/m' }, { key: 'greeting', value: 'hi' }] }]);
  });

  it.each([
    ['[INPUT]\n    Tag x\n', "p.conf:1: section 'input' is missing the 'name' property. Add a line such as '    Name dummy'."],
    ['[SERVICE]\n    Flush 0\n', "p.conf:2: invalid value for 'flush': expected a number greater than 0, for example 'flush 1', but got '0'."],
    ['[SERVICE]\n    Log_Level loud\n', "p.conf:2: invalid value for 'log_level': expected one of off, error, warn, info, debug, trace"],
    ['[INPUT]\n    Name cpu\n    Mem_Buf_Limit lots\n', "p.conf:3: invalid value for 'mem_buf_limit': expected a size such as 512K, 5M or 1G"],
    ['[OUTPUT]\n    Name null\n    Workers many\n', "p.conf:3: invalid value for 'workers'"],
    ['[OUTPUT]\n    Name null\n    Match_Regex (\n', "p.conf:3: invalid regular expression for 'match_regex'"],
    ['[SERVICE]\n    HTTP_Port 99999\n', "p.conf:2: invalid value for 'http_port': expected a whole number from 0 to 65535, for example 'http_port 2020', but got '99999'."],
    ['[PARSER]\n    Name x\n', 'p.conf:1: [PARSER] is not allowed in the main configuration file'],
    ['[PLUGINS]\n    Path /x.so\n', "p.conf:1: [PLUGINS] belongs in a separate plugins file. Move it there and add 'Plugins_File <that file>'"],
  ])('rejects %j with its line', (text, message) => {
    expect(() => build(text)).toThrow(message);
  });

  it('loads Plugins_File relative to the main config, every Path of every [PLUGINS]', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-plugins-'));
    writeFileSync(join(dir, 'plugins.conf'), '[PLUGINS]\n    Path /opt/a.so\n    Path b.so\n[PLUGINS]\n    path /opt/c.so\n');
    writeFileSync(join(dir, 'main.conf'), '[SERVICE]\n    Plugins_File plugins.conf\n[INPUT]\n    Name cpu\n');
    const config = loadPipelineConfig({ ...parseCommandLine(['-c', join(dir, 'main.conf')]) });
    expect(config.plugins.map((p) => p.path)).toEqual(['/opt/a.so', join(dir, 'b.so'), '/opt/c.so']);
    expect(config.plugins[0]!.source).toEqual({ file: join(dir, 'plugins.conf'), line: 2 });
  });

  it('names a missing Plugins_File', () => {
    expect(() => build('[SERVICE]\n    Plugins_File /nonexistent/plugins.conf\n')).toThrow(
      "p.conf:2: 'plugins_file' names a file that does not exist",
    );
  });
});

describe('loadPipelineConfig', () => {
  it('puts command-line sections before the file, and the file service values win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-load-'));
    writeFileSync(join(dir, 'main.conf'), '[SERVICE]\n    Log_Level error\n[OUTPUT]\n    Name stdout\n    Match *\n');
    const config = loadPipelineConfig(parseCommandLine(['-v', '-i', 'cpu', '-c', join(dir, 'main.conf'), '-f', '3']));
    expect(config.inputs.map((i) => i.name)).toEqual(['cpu']);
    expect(config.outputs.map((o) => o.name)).toEqual(['stdout']);
    expect(config.service.logLevel).toBe('error');
    expect(config.service.flush).toBe(3);
  });

  it('names a missing -c file', () => {
    expect(() => loadPipelineConfig(parseCommandLine(['-c', '/nonexistent.conf']))).toThrow(
      "command line: cannot open configuration file '/nonexistent.conf': no such file.",
    );
  });
});
