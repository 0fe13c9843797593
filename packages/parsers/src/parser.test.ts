import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createParser } from './parser.js';
import { parserDefinitionFrom } from './parser-section.js';
import { STOCK_PARSERS, stockParser } from './stock-parsers.js';

const stock = (name: string) => createParser(stockParser(name)!);
const NOV_14 = Date.UTC(2023, 10, 14);

describe('stock parsers, as Fluent Bit ships them', () => {
  it('all build, JavaScript reading every pattern as Onigmo does', () => {
    for (const definition of STOCK_PARSERS) expect(() => createParser(definition)).not.toThrow();
    expect(STOCK_PARSERS).toHaveLength(18);
  });

  it('docker: the JSON line, time kept, nanoseconds from %L', () => {
    const parsed = stock('docker').parse('{"log":"hello\\n","stream":"stdout","time":"2023-11-14T22:13:20.123456789Z"}');
    expect(parsed).toEqual({ record: { log: 'hello\n', stream: 'stdout', time: '2023-11-14T22:13:20.123456789Z' }, time: { sec: 1700000000, nsec: 123456789 } });
  });

  it('cri: time, stream, logtag, message', () => {
    const parsed = stock('cri').parse('2023-11-14T22:13:20.5Z stdout F hello world');
    expect(parsed).toEqual({ record: { time: '2023-11-14T22:13:20.5Z', stream: 'stdout', logtag: 'F', message: 'hello world' }, time: { sec: 1700000000, nsec: 500000000 } });
  });

  it('apache2 and nginx: fields in group order, the time removed, empty optional groups skipped', () => {
    const line = '192.168.0.1 - - [14/Nov/2023:22:13:20 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "curl/8.0"';
    expect(stock('apache2').parse(line)).toEqual({
      record: { host: '192.168.0.1', user: '-', method: 'GET', path: '/index.html', code: '200', size: '512', referer: '-', agent: 'curl/8.0' },
      time: { sec: 1700000000, nsec: 0 },
    });
    expect(Object.keys(stock('nginx').parse(line.replace('192.168.0.1 -', '192.168.0.1 example.org'))!.record)).toEqual(['remote', 'host', 'user', 'method', 'path', 'code', 'size', 'referer', 'agent']);
  });

  it('syslog-rfc3164 (written /…/ in Fluent Bit\'s file) and rfc5424', () => {
    const bsd = stock('syslog-rfc3164').parse('<13>Nov 14 22:13:20 myhost app[42]: started', NOV_14);
    expect(bsd).toEqual({ record: { pri: '13', time: 'Nov 14 22:13:20', host: 'myhost', ident: 'app', pid: '42', message: 'started' }, time: { sec: 1700000000, nsec: 0 } });
    const ietf = stock('syslog-rfc5424').parse('<165>1 2023-11-14T22:13:20.003Z host app 42 ID47 - hello');
    expect(ietf?.record).toEqual({ pri: '165', time: '2023-11-14T22:13:20.003Z', host: 'host', ident: 'app', pid: '42', msgid: 'ID47', extradata: '-', message: 'hello' });
    expect(ietf?.time).toEqual({ sec: 1700000000, nsec: 3000000 });
  });
});

describe('formats', () => {
  it('regex: a time that does not parse is dropped from the record, even with Time_Keep', () => {
    const warnings: string[] = [];
    const parser = createParser({ name: 'r', format: 'regex', regex: '^(?<time>\\S+) (?<msg>.*)$', timeFormat: '%Y-%m-%d', timeKeep: true }, (w) => warnings.push(w));
    expect(parser.parse('yesterday hi')).toEqual({ record: { msg: 'hi' }, time: undefined });
    expect(warnings).toEqual(["parser 'r': invalid time format %Y-%m-%d for 'yesterday'"]);
    expect(parser.parse('nothing')).toBeUndefined();
  });

  it('json: an object only; a time that does not parse is kept; no Types', () => {
    const parser = createParser({ name: 'j', format: 'json', timeFormat: '%s', types: 'n:string' });
    expect(parser.parse('[1,2]')).toBeUndefined();
    expect(parser.parse('{"a":1} {"b":2}')).toBeUndefined();
    expect(parser.parse('{"time":"x","n":5}')).toEqual({ record: { time: 'x', n: 5 }, time: undefined });
    expect(parser.parse('{"time":1700000000}')).toEqual({ record: { time: 1700000000 }, time: undefined }); // numbers are not looked at
  });

  it('logfmt: bare keys are true, quoted values unescaped, Types applied; a bad time fails the line', () => {
    const parser = createParser({ name: 'l', format: 'logfmt', types: 'n:integer ok:bool' });
    expect(parser.parse('level=info msg="a \\"quoted\\" word" n=42 ok=true debug')?.record).toEqual({ level: 'info', msg: 'a "quoted" word', n: 42, ok: true, debug: true });
    expect(createParser({ name: 'l', format: 'logfmt', timeFormat: '%Y' }).parse('time=never a=1')).toBeUndefined();
    expect(createParser({ name: 'l', format: 'logfmt', logfmtNoBareKeys: true }).parse('a=1 bare')).toBeUndefined();
  });

  it('ltsv: label:value by TAB', () => {
    expect(createParser({ name: 't', format: 'ltsv', types: 'size:integer' }).parse('host:1.2.3.4\tsize:512\tua:curl 8')?.record).toEqual({ host: '1.2.3.4', size: 512, ua: 'curl 8' });
  });

  it('Decode_Field json merges, Decode_Field_As replaces, escaped then json with do_next', () => {
    const merge = createParser({ name: 'd', format: 'regex', regex: '^(?<log>.*)$', decoders: [{ decoder: 'json', field: 'log', as: false, action: undefined }] });
    expect(merge.parse('{"a":1}')?.record).toEqual({ log: '{"a":1}', a: 1 });
    const chain = createParser({
      name: 'd',
      format: 'regex',
      regex: '^(?<log>.*)$',
      decoders: [
        { decoder: 'escaped', field: 'log', as: true, action: 'do_next' },
        { decoder: 'json', field: 'log', as: true, action: undefined },
      ],
    });
    expect(chain.parse('{\\"a\\":\\"b\\"}')?.record).toEqual({ log: { a: 'b' } });
  });

  it('refuses definitions Fluent Bit would refuse, naming the parser', () => {
    expect(() => createParser({ name: 'x', format: 'regex' })).toThrow("parser 'x' has Format regex but no Regex.");
    expect(() => createParser({ name: 'x', format: 'csv' as never })).toThrow("parser 'x' has Format 'csv'");
    expect(() => createParser({ name: 'x', format: 'json', timeZone: 'UTC' })).toThrow("parser 'x': Time_Zone needs a Time_Format.");
    expect(() => createParser({ name: 'x', format: 'json', timeFormat: '%Y', timeOffset: '9' })).toThrow("Time_Offset '9' is not Z, +HHMM or -HH:MM.");
  });

  it('never throws on any text, whatever the format', () => {
    const parsers = [...STOCK_PARSERS.map((d) => createParser(d)), createParser({ name: 'l', format: 'logfmt' }), createParser({ name: 't', format: 'ltsv' })];
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        for (const parser of parsers) parser.parse(text, NOV_14);
      }),
    );
  });
});

describe('parserDefinitionFrom ([PARSER] sections)', () => {
  const at = (line: number) => ({ file: 'parsers.conf', line });
  it('types every key, and warns about keys Fluent Bit does not read', () => {
    const { definition, warnings } = parserDefinitionFrom(
      [
        { key: 'name', value: 'mine', source: at(2) },
        { key: 'format', value: 'Regex', source: at(3) },
        { key: 'regex', value: '^(?<n>\\d+)$', source: at(4) },
        { key: 'types', value: 'n:integer', source: at(5) },
        { key: 'time_keep', value: 'On', source: at(6) },
        { key: 'decode_field_as', value: 'escaped n do_next', source: at(7) },
        { key: 'colour', value: 'blue', source: at(8) },
      ],
      at(1),
    );
    expect(definition).toMatchObject({ name: 'mine', format: 'regex', timeKeep: true, decoders: [{ decoder: 'escaped', field: 'n', as: true, action: 'do_next' }] });
    expect(warnings).toEqual(["parsers.conf:8: parser 'mine': 'colour' is not a parser key; it has no effect."]);
    expect(createParser(definition).parse('42')?.record).toEqual({ n: 42 });
  });

  it('names the file and line of what is wrong', () => {
    expect(() => parserDefinitionFrom([{ key: 'format', value: 'json', source: at(2) }], at(1))).toThrow("parsers.conf:1: a [PARSER] section needs a 'Name'.");
    expect(() => parserDefinitionFrom([{ key: 'name', value: 'x', source: at(2) }, { key: 'format', value: 'csv', source: at(3) }], at(1))).toThrow(
      "parsers.conf:3: parser 'x' needs 'Format' regex, json, logfmt or ltsv, got 'csv'.",
    );
    expect(() => parserDefinitionFrom([{ key: 'name', value: 'x' }, { key: 'format', value: 'json' }, { key: 'time_keep', value: 'maybe', source: at(4) }], at(1))).toThrow(
      "parsers.conf:4: 'time_keep' must be on or off, got 'maybe'.",
    );
  });
});
