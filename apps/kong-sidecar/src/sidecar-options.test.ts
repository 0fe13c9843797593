import { describe, expect, it } from 'vitest';
import { parseSidecarOptions } from './sidecar-options.js';

describe('parseSidecarOptions', () => {
  it('accepts kong-js-pluginserver flags in every spelling', () => {
    expect(parseSidecarOptions(['-p', '/kong', '--sock-name', 'js.sock', '-d', '/plugins', '-vv'])).toMatchObject({
      kongPrefix: '/kong',
      sockName: 'js.sock',
      pluginsDirectory: '/plugins',
      verbosity: 2,
    });
    expect(parseSidecarOptions(['-kong-prefix', '/k', '-plugins-directory=/p', '-dump-plugin-info', 'x'])).toMatchObject({
      kongPrefix: '/k',
      pluginsDirectory: '/p',
      dumpPluginInfo: 'x',
    });
  });

  it('reads the dedicated mode and pipeline flags', () => {
    expect(parseSidecarOptions(['-d', 'p', '--plugin', 'hello', '-dump', '--pipeline', 'f.conf'])).toMatchObject({ plugin: 'hello', dump: true, pipeline: 'f.conf' });
  });

  it.each([
    [['--nope'], "unknown option '--nope'. Run 'kong-sidecar --help' for the options."],
    [['-d'], "option '-d' requires a value."],
    [['stray'], "unexpected argument 'stray'."],
  ])('rejects %j', (argv, message) => {
    expect(() => parseSidecarOptions(argv)).toThrow(message);
  });
});
