import { appendFileSync, mkdtempSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInput } from '@tributary/core/testing';
import { BUILTIN_MULTILINE, createParser, MultilineParser, MultilineStream, stockParser } from '@tributary/parsers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeTag } from './tail/tag-compose.js';
import { LineSplitter } from './tail/line-splitter.js';
import { tailInput } from './tail.js';
import { until } from './net-test-support.js';

const parsers = {
  find: (name: string) => (stockParser(name) ? createParser(stockParser(name)!) : undefined),
  multiline: (names: readonly string[], sink: ConstructorParameters<typeof MultilineStream>[1]) =>
    new MultilineStream(names.map((name) => new MultilineParser(BUILTIN_MULTILINE.find((definition) => definition.name === name)!)), sink),
};


async function tail(properties: Record<string, string>, tag?: string) {
  const run = await startInput(tailInput, properties, { parsers, ...(tag ? { tag } : {}) });
  const logs = async (count: number) => {
    await until(() => {
      run.engine.flush();
      return run.events().length >= count;
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more comes
    run.engine.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    return run.events();
  };
  return { run, logs };
}

describe('tail input on real files', () => {
  it('Read_from_Head: complete lines only, CRLF stripped, Path_Key and Offset_Key in Fluent Bit order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    const file = join(dir, 'app.log');
    writeFileSync(file, 'one\r\ntwo\n\r\npartial');
    const { run, logs } = await tail({ path: file, read_from_head: 'on', path_key: 'path', offset_key: 'offset' });
    await using _ = run;
    const events = await logs(3);
    expect(events.map((event) => event.body)).toEqual([
      { path: file, offset: 0, log: 'one' },
      { path: file, offset: 5, log: 'two' },
      { path: file, offset: 9, log: '\r' }, // a lone CR stays, as in Fluent Bit
    ]);
    appendFileSync(file, ' line\n');
    expect((await logs(4)).at(-1)!.body).toEqual({ path: file, offset: 11, log: 'partial line' });
  });

  it('without Read_from_Head starts at the end; a rename rotation loses and repeats nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    const file = join(dir, 'app.log');
    writeFileSync(file, 'old content\n');
    const { run, logs } = await tail({ path: join(dir, '*.log'), rotate_wait: '2', refresh_interval: '1' });
    await using _ = run;
    await new Promise((resolve) => setTimeout(resolve, 400));
    appendFileSync(file, 'a\nb\n');
    await logs(2);
    renameSync(file, join(dir, 'app.log.1'));
    appendFileSync(join(dir, 'app.log.1'), 'c\n'); // written by the app before it reopens
    writeFileSync(file, 'd\n');
    appendFileSync(file, 'e\n');
    const events = await logs(5);
    expect(events.map((event) => event.body.log)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('copytruncate: after a truncation the file is read again from its head', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    const file = join(dir, 'app.log');
    writeFileSync(file, 'first\n');
    const { run, logs } = await tail({ path: file, read_from_head: 'on' });
    await using _ = run;
    await logs(1);
    truncateSync(file, 0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    appendFileSync(file, 'after\n');
    expect((await logs(2)).map((event) => event.body.log)).toEqual(['first', 'after']);
  });

  it('Tag with * names each file; Exclude_Path; a Parser with the raw line kept when it fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    writeFileSync(join(dir, 'a.log'), '2023-11-14T22:13:20.5Z stdout F hello\nnot cri\r\n');
    writeFileSync(join(dir, 'b.gz'), 'skipped\n');
    const { run, logs } = await tail({ path: `${dir}/*`, exclude_path: '*.gz', read_from_head: 'on', parser: 'cri' }, 'kube.*');
    await using _ = run;
    const events = await logs(2);
    const tag = `kube${dir.replace(/\//g, '.')}.a.log`;
    expect(events.map((event) => [event.tag, event.body])).toEqual([
      [tag, { time: '2023-11-14T22:13:20.5Z', stream: 'stdout', logtag: 'F', message: 'hello' }],
      [tag, { log: 'not cri\r' }],
    ]);
    expect([events[0]!.time.sec, events[0]!.time.nsec]).toEqual([1700000000, 500000000]);
  });

  it('Skip_Long_Lines skips a line past Buffer_Max_Size; without it the file is no longer read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    const file = join(dir, 'long.log');
    writeFileSync(file, `short\n${'x'.repeat(100)}\nafter\n`);
    const skipping = await tail({ path: file, read_from_head: 'on', buffer_chunk_size: '32', buffer_max_size: '64', skip_long_lines: 'on' });
    await using _a = skipping.run;
    expect((await skipping.logs(2)).map((event) => event.body.log)).toEqual(['short', 'after']);
    const dropping = await tail({ path: file, read_from_head: 'on', buffer_chunk_size: '32', buffer_max_size: '64' });
    await using _b = dropping.run;
    expect((await dropping.logs(1)).map((event) => event.body.log)).toEqual(['short']);
  });
});

describe('tail multiline.parser', () => {
  it('docker, cri on container logs: split lines joined, each file its own stream, the time of the first fragment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-ml-'));
    writeFileSync(
      join(dir, 'docker.log'),
      '{"log":"part one ","stream":"stdout","time":"2023-11-14T22:13:20.1Z"}\n{"log":"and two\\n","stream":"stdout","time":"2023-11-14T22:13:20.2Z"}\n',
    );
    writeFileSync(join(dir, 'cri.log'), '2023-11-14T22:13:20.5Z stdout P cri part \n2023-11-14T22:13:21Z stdout F done\n');
    const { run, logs } = await tail({ path: `${dir}/*.log`, read_from_head: 'on', 'multiline.parser': 'docker, cri', path_key: 'file' });
    await using _ = run;
    const events = await logs(2);
    expect(events.map((event) => event.body)).toEqual([
      { time: '2023-11-14T22:13:20.5Z', stream: 'stdout', _p: 'P', log: 'cri part done', file: join(dir, 'cri.log') },
      { log: 'part one and two\n', stream: 'stdout', time: '2023-11-14T22:13:20.1Z', file: join(dir, 'docker.log') },
    ]);
    expect([events[1]!.time.sec, events[1]!.time.nsec]).toEqual([1700000000, 100000000]);
  });

  it('java: an exception is one record, flushed by the timer when nothing follows it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-ml-'));
    writeFileSync(join(dir, 'app.log'), 'java.lang.IllegalStateException: boom\n    at A.b(A.java:1)\n');
    const { run, logs } = await tail({ path: join(dir, 'app.log'), read_from_head: 'on', 'multiline.parser': 'java' });
    await using _ = run;
    const events = await logs(1); // the flush timer (4 s) emits it
    expect(events.map((event) => event.body.log)).toEqual(['java.lang.IllegalStateException: boom\n    at A.b(A.java:1)\n']);
  }, 20_000);
});

describe('tail DB (Fluent Bit\'s in_tail_files)', () => {
  it('a restart neither loses nor repeats a line, a partial line included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-db-'));
    const file = join(dir, 'app.log');
    const db = join(dir, 'tail.db');
    writeFileSync(file, 'one\ntwo\npart');
    const first = await tail({ path: file, db, read_from_head: 'on' });
    expect((await first.logs(2)).map((event) => event.body.log)).toEqual(['one', 'two']);
    await first.run.engine.stop();
    appendFileSync(file, 'ial\nthree\n'); // written while the agent was down
    const second = await tail({ path: file, db, read_from_head: 'on' });
    await using _ = second.run;
    expect((await second.logs(2)).map((event) => event.body.log)).toEqual(['partial', 'three']);
    const rows = new Database(db, { readonly: true }).prepare('SELECT name, offset, inode, rotated FROM in_tail_files').all();
    expect(rows).toEqual([{ name: file, offset: statSync(file).size, inode: statSync(file).ino, rotated: 0 }]);
  });

  it('continues a database Fluent Bit wrote from its offset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-db-'));
    const file = join(dir, 'app.log');
    const path = join(dir, 'flb.db');
    writeFileSync(file, 'read by fluent bit\nnew line\n');
    // The schema and row Fluent Bit 5.1's in_tail writes (tail_sql.h), pointing after the first line.
    const flb = new Database(path);
    flb.exec('CREATE TABLE in_tail_files (id INTEGER PRIMARY KEY, name TEXT NOT NULL, offset INTEGER, inode INTEGER, created INTEGER, rotated INTEGER DEFAULT 0, offset_marker INTEGER DEFAULT 0, offset_marker_size INTEGER DEFAULT 0);');
    flb.prepare('INSERT INTO in_tail_files (name, offset, inode, created) VALUES (?, ?, ?, ?)').run(file, 19, statSync(file).ino, 1700000000);
    flb.close();
    const { run, logs } = await tail({ path: file, db: path });
    await using _ = run;
    expect((await logs(1)).map((event) => event.body.log)).toEqual(['new line']);
  });

  it('refuses a bad DB.journal_mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-db-'));
    await expect(startInput(tailInput, { path: join(dir, 'x'), db: join(dir, 'db'), 'db.journal_mode': 'fancy' })).rejects.toThrow(
      "db.journal_mode must be DELETE, TRUNCATE, PERSIST, MEMORY, WAL or OFF, got 'fancy'.",
    );
  });
});

describe('tail pieces', () => {
  it('composes tags as tag_compose does', () => {
    expect(composeTag('kube.*', '/var/log/containers/app_ns_c-123.log')).toBe('kube.var.log.containers.app_ns_c-123.log');
    expect(composeTag('*', '/var/log/syslog')).toBe('var.log.syslog');
    expect(composeTag('k8s.<ns>.<pod>', '/x/web_prod_c.log', /(?<pod>[^_/]+)_(?<ns>[^_]+)_/)).toBe('k8s.prod.web');
  });

  it('splits lines the same way however the file is read', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 10 }).map((s) => s.replace(/\n/g, '')), { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }), (lines, sizes) => {
        const text = Buffer.from(lines.map((line) => `${line}\n`).join(''));
        const got: string[] = [];
        const splitter = new LineSplitter(0, 1 << 20, false);
        let at = 0;
        for (let i = 0; at < text.length; i++) {
          const size = sizes[i % sizes.length]!;
          splitter.push(text.subarray(at, at + size), (line) => got.push(line.raw.toString()));
          at += size;
        }
        expect(got).toEqual(lines.map((line) => Buffer.from(line).toString()).map((line, index) => (index === 0 ? line.replace(/^\0+/, '') : line)));
      }),
    );
  });
});
