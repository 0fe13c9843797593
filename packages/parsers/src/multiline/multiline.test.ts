import { describe, expect, it } from 'vitest';
import { BUILTIN_MULTILINE } from './multiline-builtins.js';
import { MultilineParser, MultilineStream } from './multiline-stream.js';

function run(names: string[], lines: string[], flushAtEnd = true) {
  const records: Array<Record<string, unknown>> = [];
  const stream = new MultilineStream(
    names.map((name) => new MultilineParser(BUILTIN_MULTILINE.find((d) => d.name === name)!)),
    (record) => records.push(record),
  );
  for (const line of lines) stream.append(line);
  if (flushAtEnd) stream.flush();
  return records;
}

describe('multiline built-ins (Fluent Bit test vectors)', () => {
  it('docker: fragments joined per stream until one ends with a newline', () => {
    const records = run(['docker'], [
      '{"log":"bb","stream":"stdout","time":"2023-11-14T22:13:20.1Z"}',
      '{"log":"cc\\n","stream":"stdout","time":"2023-11-14T22:13:20.2Z"}',
      '{"log":"dd","stream":"stderr","time":"2023-11-14T22:13:20.3Z"}',
      'not docker',
    ], false);
    expect(records).toEqual([
      { log: 'bbcc\n', stream: 'stdout', time: '2023-11-14T22:13:20.1Z' },
      { log: 'dd', stream: 'stderr', time: '2023-11-14T22:13:20.3Z' },
      { log: 'not docker' },
    ]);
  });

  it('cri: P lines joined until an F line, the first fragment\'s keys kept', () => {
    expect(run(['cri'], ['2023-11-14T22:13:20.5Z stdout P part one ', '2023-11-14T22:13:21Z stdout F and two'])).toEqual([
      { time: '2023-11-14T22:13:20.5Z', stream: 'stdout', _p: 'P', log: 'part one and two' },
    ]);
  });

  it('java: an exception and its frames joined, lines around it alone, a trailing newline', () => {
    const records = run(['java'], [
      'single line',
      'Exception in thread "main" java.lang.IllegalStateException: boom',
      '    at com.example.App.main(App.java:10)',
      '    at com.example.App.run(App.java:20)',
      'after',
    ]);
    expect(records.map((record) => record.log)).toEqual([
      'single line\n',
      'Exception in thread "main" java.lang.IllegalStateException: boom\n    at com.example.App.main(App.java:10)\n    at com.example.App.run(App.java:20)\n',
      'after\n',
    ]);
  });

  it('python: a traceback ends with its exception line', () => {
    const records = run(['python'], ['Traceback (most recent call last):', '  File "x.py", line 1, in <module>', '    f()', 'ValueError: bad', 'next'], false);
    expect(records.map((record) => record.log)).toEqual(['Traceback (most recent call last):\n  File "x.py", line 1, in <module>\n    f()\nValueError: bad\n', 'next\n']);
  });

  it('go: the empty line after a panic is kept as one (flb_ml_rule_process appends a line break for it)', () => {
    const records = run(['go'], ['panic: boom', '', 'goroutine 1 [running]:', 'main.main()', '\t/app/main.go:3 +0x1d', 'after']);
    expect(records.map((record) => record.log)).toEqual(['panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:3 +0x1d\n', 'after\n']);
  });

  it('several parsers: docker and cri on one file, each line to the one that takes it', () => {
    const records = run(['docker', 'cri'], ['2023-11-14T22:13:20.5Z stdout F cri line', '{"log":"docker line\\n","stream":"stdout","time":"2023-11-14T22:13:20.1Z"}']);
    expect(records.map((record) => record.log)).toEqual(['cri line', 'docker line\n']);
  });

  it('cuts a message at the buffer limit, flushes it marked truncated, and starts anew', () => {
    const out: Array<[unknown, boolean]> = [];
    const java = new MultilineParser(BUILTIN_MULTILINE.find((d) => d.name === 'java')!);
    const stream = new MultilineStream([java], (record, _time, truncated) => out.push([record.log, truncated]), 60);
    for (const line of ['java.lang.Error: x', '    at a.b(A.java:1)', '    at c.d(C.java:2)', '    at e.f(E.java:3)']) stream.append(line);
    stream.flush();
    expect(out[0]).toEqual(['java.lang.Error: x\n    at a.b(A.java:1)\n    at c.d(C.java:2)\n    at e.f(E.'.slice(0, 60) + '\n', true]);
    expect(out.slice(1).every(([, truncated]) => !truncated)).toBe(true);
  });

  it('all built-ins compile', () => {
    for (const definition of BUILTIN_MULTILINE) expect(() => new MultilineParser(definition)).not.toThrow();
  });
});
