import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './command-line.js';

const entries = (argv: string[]) =>
  parseCommandLine(argv).sections.map((s) => [s.type, ...s.entries.map((e) => `${e.key}=${e.value}`)]);

describe('parseCommandLine', () => {
  it('builds sections from -i/-o and applies -p/-t/-m to the last one', () => {
    expect(entries(['-i', 'cpu', '-t', 'my.cpu', '-p', 'interval_sec=2', '-o', 'stdout', '-m', 'my.*', '-p', 'format=json_lines'])).toEqual([
      ['input', 'name=cpu', 'tag=my.cpu', 'interval_sec=2'],
      ['output', 'name=stdout', 'match=my.*', 'format=json_lines'],
    ]);
  });

  it('ignores -m on an input, as Fluent Bit does', () => {
    expect(entries(['-i', 'cpu', '-m', 'x'])).toEqual([['input', 'name=cpu']]);
  });

  it('accepts getopt forms: attached values, long options with = or a space, bundled flags', () => {
    const cl = parseCommandLine(['-icpu', '--output=stdout', '--match', '*', '-vv', '-f2', '--dry-run', '-e', 'a.so', '--plugin=b.so']);
    expect(cl.sections.map((s) => s.entries.map((e) => e.value))).toEqual([['cpu'], ['stdout', '*']]);
    expect(cl.service.map((e) => `${e.key}=${e.value}`)).toEqual(['log_level=debug', 'log_level=trace', 'flush=2']);
    expect(cl.dryRun).toBe(true);
    expect(cl.plugins.map((p) => p.path)).toEqual(['a.so', 'b.so']);
  });

  it('splits -p at the first =', () => {
    expect(entries(['-i', 'dummy', '-p', 'dummy={"a":"b=c"}'])).toEqual([['input', 'name=dummy', 'dummy={"a":"b=c"}']]);
  });

  it('asks for general help or one plugin\'s, stopping at -h', () => {
    expect(parseCommandLine(['-h', '-i', 'cpu']).help).toEqual({ kind: 'general' });
    expect(parseCommandLine(['-i', 'cpu', '-h']).help).toEqual({ kind: 'plugin', type: 'input', name: 'cpu' });
    expect(parseCommandLine(['-e', 'x.so', '-o', 'gstdout', '--help']).help).toEqual({ kind: 'plugin', type: 'output', name: 'gstdout' });
  });

  it.each([
    [['-x'], "command line: unknown option '-x'. Run 'agent -h' for the list of options."],
    [['--nope'], "unknown option '--nope'"],
    [['-p', 'a=b'], '-p needs a plugin first: put it after -i, -o, -F or -C.'],
    [['-i', 'cpu', '-p', 'novalue'], "-p expects KEY=VALUE, for example -p 'rate=10', but got 'novalue'."],
    [['-c'], "option '--config' requires a value."],
    [['stray'], "unexpected argument 'stray'."],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});
